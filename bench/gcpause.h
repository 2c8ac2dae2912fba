/* gcpause.h: what gcpause.c needs from each collector, implemented once per
 * collector (gcpause_pagoda.c, gcpause_boehm.c) so the benchmark source has
 * no conditional code. */
#ifndef GCPAUSE_H
#define GCPAUSE_H

#include <stddef.h>
#include <stdint.h>

/* Switch the collector to "stw", "incremental", "manual" (incremental with
 * the program's own write barrier, bdwgc's manual VDB) or "generational";
 * 0 if it has that mode. Called after GC_INIT, before any allocation. */
int pause_set_mode(const char *mode);
/* Start recording pauses (called once, before the work). */
void pause_start(void);
/* The pauses so far, in ns; *n gets their count. */
const uint64_t *pause_log(size_t *n);

#endif
