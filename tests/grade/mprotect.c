/* Graded cases of the mprotect lab: protection changes split and merge
 * areas, change the pages already mapped, and a forbidden access is SIGSEGV
 * (CS:APP 9.5, 9.8.4). */
#include "grade.h"

#include <signal.h>
#include <string.h>
#include <sys/mman.h>

static char *area;

static int write_at(void *offset)
{
	((volatile char *)area)[(uintptr_t)offset] = 1;
	return 0;
}

static int read_at(void *offset)
{
	return ((volatile char *)area)[(uintptr_t)offset] == 42 ? 0 : 1;
}

/* Making the middle page read-only splits one area into three. */
static int split_three(void)
{
	area = map_anon(3 * PAGE);
	EXPECT(mprotect(area + PAGE, PAGE, PROT_READ) == 0, "expected mprotect to succeed, seen -1");
	int n = area_count((uintptr_t)area, (uintptr_t)area + 3 * PAGE);
	char p0[5], p1[5], p2[5];
	area_perms((uintptr_t)area, p0), area_perms((uintptr_t)area + PAGE, p1), area_perms((uintptr_t)area + 2 * PAGE, p2);
	EXPECT(n == 3, "expected 3 areas after protecting the middle page, seen %d", n);
	EXPECT(!strcmp(p0, "rw-p") && !strcmp(p1, "r--p") && !strcmp(p2, "rw-p"),
	       "expected rw-p r--p rw-p, seen %s %s %s", p0, p1, p2);
	return munmap(area, 3 * PAGE);
}

/* Putting the protection back merges the three areas into one again. */
static int merge_back(void)
{
	area = map_anon(3 * PAGE);
	EXPECT(mprotect(area + PAGE, PAGE, PROT_READ) == 0, "expected mprotect to succeed, seen -1");
	EXPECT(mprotect(area + PAGE, PAGE, PROT_READ | PROT_WRITE) == 0, "expected mprotect back to succeed, seen -1");
	int n = area_count((uintptr_t)area, (uintptr_t)area + 3 * PAGE);
	EXPECT(n == 1, "expected one area again, seen %d", n);
	return munmap(area, 3 * PAGE);
}

/* A write to a read-only page kills with SIGSEGV, also when the page was
 * already resident and writable before mprotect; the neighbours stay writable. */
static int resident_write_segv(void)
{
	area = map_anon(3 * PAGE);
	memset(area, 42, 3 * PAGE);
	EXPECT(mprotect(area + PAGE, PAGE, PROT_READ) == 0, "expected mprotect to succeed, seen -1");
	int st = in_child(write_at, (void *)(uintptr_t)(PAGE + 10));
	EXPECT(st == 128 + SIGSEGV, "expected a write to the read-only page to kill with SIGSEGV, seen status %d", st);
	st = in_child(write_at, (void *)(uintptr_t)(2 * PAGE + 10));
	EXPECT(st == 0, "expected the page after it to stay writable, seen status %d", st);
	EXPECT(area[PAGE + 10] == 42, "expected the read-only page's data kept, seen %d", area[PAGE + 10]);
	return munmap(area, 3 * PAGE);
}

/* PROT_NONE forbids reads; giving PROT_READ back shows the old data. */
static int prot_none_round_trip(void)
{
	area = map_anon(2 * PAGE);
	memset(area, 42, 2 * PAGE);
	long rss = rss_pages(0, (uintptr_t)area);
	EXPECT(mprotect(area, PAGE, PROT_NONE) == 0, "expected mprotect(PROT_NONE) to succeed, seen -1");
	int st = in_child(read_at, (void *)(uintptr_t)5);
	EXPECT(st == 128 + SIGSEGV, "expected a read of a PROT_NONE page to kill with SIGSEGV, seen status %d", st);
	EXPECT(mprotect(area, PAGE, PROT_READ) == 0, "expected mprotect(PROT_READ) to succeed, seen -1");
	st = in_child(read_at, (void *)(uintptr_t)5);
	EXPECT(st == 0, "expected the data readable again, seen status %d", st);
	long after = rss_pages(0, (uintptr_t)area) + rss_pages(0, (uintptr_t)area + PAGE);
	EXPECT(after == rss, "expected the %ld resident pages kept (no copy, no drop), seen %ld", rss, after);
	return munmap(area, 2 * PAGE);
}

/* Write-protecting a resident page makes its page-table entry read-only. */
static int pte_follows(void)
{
	char flags[8];
	uintptr_t pa0, pa1;
	area = map_anon(PAGE);
	area[0] = 1;
	EXPECT(pt_entry(0, (uintptr_t)area, &pa0, flags) == 0 && flags[1] == 'w',
	       "expected a writable entry before mprotect, seen %s", flags);
	EXPECT(mprotect(area, PAGE, PROT_READ) == 0, "expected mprotect to succeed, seen -1");
	EXPECT(pt_entry(0, (uintptr_t)area, &pa1, flags) == 0 && flags[1] == '-',
	       "expected a read-only entry after mprotect, seen %s", flags);
	EXPECT(pa1 == pa0, "expected the same frame, seen %lx then %lx", pa0, pa1);
	return munmap(area, PAGE);
}

const struct grade_case mprotect_cases[] = {
	{ "mprotect/split_three", split_three },
	{ "mprotect/merge_back", merge_back },
	{ "mprotect/resident_write_segv", resident_write_segv },
	{ "mprotect/prot_none_round_trip", prot_none_round_trip },
	{ "mprotect/pte_follows", pte_follows },
	{ NULL, NULL },
};
GRADE_CASES(mprotect_cases)
