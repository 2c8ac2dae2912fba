/* gcpause.c: pause times of a collector on two workloads, built once per
 * collector (gcpause_pagoda.c or gcpause_boehm.c supplies the pause log).
 *
 *   trees  GCBench (gcbench_trees.h): allocation-heavy, short-lived trees
 *          beside a long-lived tree;
 *   cache  the pause-sensitive one: a long-lived cache of 1M entries, each a
 *          32-byte node with a 32-byte atomic payload, in a 1M-slot table;
 *          4M times, a random slot gets a fresh entry (the old one becomes
 *          garbage). About 70 MB stay live the whole time while the program
 *          keeps writing into it: the case where stop-the-world pauses are
 *          longest and dirty-page rescans matter. Every pointer store goes
 *          through bdwgc's write barrier (GC_PTR_STORE_AND_DIRTY, or
 *          GC_END_STUBBORN_CHANGE after filling a new entry), which only
 *          the "manual" mode uses (bdwgc's manual VDB); the trees have no
 *          barrier, so that mode is not offered for them.
 *
 * Output, one line:
 *   gcpause NAME MODE WORKLOAD: ms=... heap_mib=... max_us=... p99_us=...
 *           pauses=... stall_us=... sum_us=... faults=...
 * max, p99 and sum of the collector's pauses; stall_us is the longest gap
 * the program itself saw between two consecutive checkpoints (one every 256
 * allocations), which also catches pauses a collector does not report;
 * faults is getrusage's ru_minflt (with soft-dirty or mprotect dirty bits,
 * a write to a page made clean again faults once per interval).
 *
 * Usage: gcpause NAME MODE WORKLOAD [SCALE [VAR=VALUE...]]
 *        (MODE stw|incremental|manual|generational; each VAR=VALUE is put in
 *        the environment before GC_INIT: inside Pagoda, whose first process
 *        gets no environment, that is how PAGODA_GC_TRACE=1 reaches it)
 */
#include <gc.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <time.h>
#include "gcpause.h"

static int explicit_free;
static size_t peak_heap;
static uint64_t last_tick, max_stall;
static unsigned ticks;

static uint64_t now_ns(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000000u + (uint64_t)ts.tv_nsec;
}

/* Every 256 allocations: the gap since the last checkpoint. */
static void alloc_tick(void)
{
	if (++ticks % 256)
		return;
	uint64_t t = now_ns();
	if (last_tick && t - last_tick > max_stall)
		max_stall = t - last_tick;
	last_tick = t;
}

#include "gcbench_trees.h"

/* ---- the cache ---------------------------------------------------------------- */

/* SCALE (the optional last argument, default 0) divides the cache by 2^SCALE:
 * inside Pagoda under TCG the full size would take most of an hour. */
static unsigned scale;
enum { SLOTS_FULL = 1 << 20, UPDATES_FULL = 4 << 20 };

struct entry {
	uint64_t key;
	char *payload;          /* 32 bytes, atomic */
	struct entry *older;    /* a short chain: the entry it replaced, if young */
	uint64_t hits;
};

static uint64_t rnd_state = 88172645463325252ull;
static uint64_t rnd(void)
{
	rnd_state ^= rnd_state << 13;
	rnd_state ^= rnd_state >> 7;
	rnd_state ^= rnd_state << 17;
	return rnd_state;
}

static struct entry *new_entry(uint64_t key)
{
	alloc_tick();
	struct entry *e = GC_MALLOC(sizeof *e);
	alloc_tick();
	e->payload = GC_MALLOC_ATOMIC(32);
	GC_END_STUBBORN_CHANGE(e);
	e->key = key;
	memset(e->payload, (int)key, 32);
	return e;
}

static int run_cache(void)
{
	const uint64_t SLOTS = SLOTS_FULL >> scale, UPDATES = UPDATES_FULL >> scale;
	struct entry **table = GC_MALLOC(SLOTS * sizeof *table);
	for (uint64_t i = 0; i < SLOTS; i++)
		GC_PTR_STORE_AND_DIRTY(&table[i], new_entry(i));
	sample_heap();
	for (uint64_t u = 0; u < UPDATES; u++) {
		uint64_t slot = rnd() % SLOTS;
		struct entry *e = new_entry(slot + u * SLOTS);
		GC_PTR_STORE_AND_DIRTY(&table[slot], e);
		if (u % 65536 == 0)
			sample_heap();
	}
	uint64_t bad = 0;
	for (uint64_t i = 0; i < SLOTS; i++)
		bad += table[i]->key % SLOTS != i || table[i]->payload[31] != (char)table[i]->key;
	return bad == 0;
}

static int cmp_u64(const void *a, const void *b)
{
	uint64_t x = *(const uint64_t *)a, y = *(const uint64_t *)b;
	return x < y ? -1 : x > y;
}

int main(int argc, char **argv)
{
	if (argc < 4) {
		fprintf(stderr, "usage: gcpause NAME stw|incremental|manual|generational trees|cache [SCALE [VAR=VALUE...]]\n");
		return 2;
	}
	if (argc >= 5)
		scale = (unsigned)atoi(argv[4]);
	for (int i = 5; i < argc; i++)
		putenv(argv[i]);
	GC_INIT();
	if ((!strcmp(argv[2], "manual") && strcmp(argv[3], "cache")) || pause_set_mode(argv[2])) {
		printf("gcpause %s %s %s: mode not offered\n", argv[1], argv[2], argv[3]);
		return 0;
	}
	pause_start();
	uint64_t t0 = now_ns();
	int ok = strcmp(argv[3], "cache") ? run_trees() : run_cache();
	double ms = (now_ns() - t0) / 1e6;
	sample_heap();   /* the cache samples every 64 Ki updates: a growth after the last one counts too */
	size_t n;
	const uint64_t *log = pause_log(&n);
	uint64_t *sorted = malloc((n + 1) * sizeof *sorted);
	memcpy(sorted, log, n * sizeof *sorted);
	qsort(sorted, n, sizeof *sorted, cmp_u64);
	uint64_t max = n ? sorted[n - 1] : 0, p99 = n ? sorted[(n * 99) / 100 < n ? (n * 99) / 100 : n - 1] : 0;
	uint64_t sum = 0;
	for (size_t i = 0; i < n; i++)
		sum += sorted[i];
	struct rusage ru;
	getrusage(RUSAGE_SELF, &ru);
	printf("gcpause %s %s %s: ms=%.0f heap_mib=%.1f max_us=%llu p99_us=%llu pauses=%zu stall_us=%llu "
	       "sum_us=%llu faults=%ld%s\n",
	       argv[1], argv[2], argv[3], ms, peak_heap / 1048576.0, (unsigned long long)max / 1000,
	       (unsigned long long)p99 / 1000, n, (unsigned long long)max_stall / 1000,
	       (unsigned long long)sum / 1000, ru.ru_minflt, ok ? "" : " DAMAGED");
	return ok ? 0 : 1;
}
