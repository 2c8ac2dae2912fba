#ifndef PAGODA_SMAPS_H
#define PAGODA_SMAPS_H
#include "mm.h"

/* One area's resident memory, in bytes, as smaps reports it (mm/smaps.c). */
struct smaps {
	uint64_t rss, pss_x1000;
	uint64_t shared_clean, shared_dirty, private_clean, private_dirty;
	uint64_t swap, swap_pss_x1000;   /* pages of the area on swap (swap entries), SwapPss */
	uint64_t referenced;  /* Referenced: bytes whose entry has the accessed bit set */
	uint64_t anon_huge;   /* AnonHugePages: bytes mapped by 2 MiB entries (mm/huge_page.c) */
};

void smaps_account(struct mm *mm, const struct vma *v, struct smaps *s);

#endif
