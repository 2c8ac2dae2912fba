/* tests/grade/grade.h: what every graded test case is written with.
 *
 * A case is a function returning 0 (pass) or 1 (fail). It checks the
 * mechanism through quantities the kernel keeps outside the lab's code:
 * free frames (/proc/vmstat pagoda_free_frames, from the frame allocator),
 * this process's page faults (getrusage ru_minflt, counted on entry to the
 * fault handler), page-table pages (/proc/meminfo PageTables), resident pages
 * (/proc/PID/smaps Rss, the kernel's own walk) and, for the labs after pgtbl,
 * frames by address (/proc/PID/pagetable). On failure it prints one line
 * "expected X, seen Y" (EXPECT) and returns 1.
 *
 * grade.c runs each case named on its command line in a child of its own and
 * prints "@@ result NAME pass|fail"; after each case every user and
 * page-table frame the child used must be free again.
 */
#ifndef PAGODA_GRADE_H
#define PAGODA_GRADE_H

#include <stdint.h>
#include <stdio.h>
#include <sys/types.h>

enum { PAGE = 4096 };

struct grade_case {
	const char *name;   /* "lab/case" */
	int (*run)(void);
};

/* Print "expected ..., seen ..." and make the case fail. */
#define EXPECT(cond, ...)                                  \
	do {                                               \
		if (!(cond)) {                             \
			printf(__VA_ARGS__);               \
			printf("\n");                      \
			fflush(stdout);                    \
			return 1;                          \
		}                                          \
	} while (0)

long vmstat(const char *name);     /* a /proc/vmstat counter; -1: none */
long free_frames(void);            /* /proc/vmstat pagoda_free_frames */
long user_frames(void);            /* pagoda_user_frames + pagoda_pagetable_frames -
				    * pagoda_pagecache_frames: what processes hold (the
				    * page cache and the kernel's own caches excluded) */
long minflt(void);                 /* getrusage(RUSAGE_SELF) ru_minflt */
long pagetable_pages(void);        /* /proc/meminfo PageTables / 4 KiB */
long rss_pages(pid_t pid, uintptr_t addr);   /* smaps Rss of the area holding addr; -1: none */
int area_count(uintptr_t lo, uintptr_t hi);  /* /proc/self/maps areas meeting [lo, hi) */
int area_perms(uintptr_t addr, char perms[5]);   /* "rw-p" of the area holding addr; 0 or -1 */

/* /proc/PID/pagetable's line for va: its frame and flag letters. 0, or -1
 * when no line covers va. */
int pt_entry(pid_t pid, uintptr_t va, uintptr_t *pa, char flags[8]);
uintptr_t pagemap_frame(pid_t pid, uintptr_t va);   /* the kernel's frame at va (pagemap); 0: none */
int pt_lines(pid_t pid, uintptr_t lo, uintptr_t hi);   /* 4 KiB lines in [lo, hi) */

void *map_anon(size_t len);        /* private read-write anonymous, or exits */
void touch_pages(char *p, size_t pages, char value);

/* Run fn(arg) in a child; its exit status (or 128 + the killing signal). */
int in_child(int (*fn)(void *), void *arg);
/* Run a program (argv[0] a full path) with its output on the console, where
 * tools/grade checks the case's expect= patterns; env may be NULL. Its
 * status as in_child. */
int run_program(char *const argv[], char *const env[]);

/* Each file of cases registers its table, ending with { NULL, NULL }:
 *     GRADE_CASES(lazy_cases)
 * (hidden tests link their own files with grade.c the same way). */
void grade_register(const struct grade_case *table);
#define GRADE_CASES(table) \
	static __attribute__((constructor)) void register_##table(void) { grade_register(table); }

#endif
