/*
 * Swap-in readahead of neighbouring slots (mm/swap_readahead.c).
 */
#ifndef PAGODA_SWAP_READAHEAD_H
#define PAGODA_SWAP_READAHEAD_H

#include <stdbool.h>
#include <stdint.h>
#include "frame.h"
#include "pte.h"

/* Boot: swap_readahead=N (0 to SWAP_RA_MAX; NULL or bad: 0, off), with one
 * log line. */
void swap_readahead_boot(const char *arg);

/* After do_swap_page mapped p from slot swp: a major fault reads up to N
 * following slots that PTEs still name into the swap cache; a minor one on
 * a page read ahead counts a hit. May sleep (the reads); holds no lock. */
void swap_readahead(pte_t swp, struct page *p, bool major);

/* Reclaim: free up to nr pages read ahead that nobody mapped; how many. */
uint64_t swap_readahead_reclaim(uint64_t nr);

struct swap_ra_counters {
	uint64_t ra;        /* pages read ahead (Linux vmstat swap_ra) */
	uint64_t ra_hit;    /* faults that found a page read ahead (swap_ra_hit) */
	uint64_t dropped;   /* pages read ahead and freed unused */
};
extern struct swap_ra_counters swap_ra_stat;

#endif
