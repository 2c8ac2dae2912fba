/* thp: memory given 2 MiB pages (madvise(MADV_HUGEPAGE) on an aligned
 * 4 MiB area) behaves exactly as 4 KiB pages do when part of it is
 * unmapped, protected, dropped (DONTNEED), locked, moved (mremap), or
 * shared with a child by fork and written on both sides; misaligned advice
 * is EINVAL; fork-and-exit storms leave the data alone. Every result is a
 * relation that holds whether the kernel used 2 MiB pages or not (Linux
 * with transparent_hugepage never, madvise or always alike), so it is
 * compared with the host; tests/run.py's thp suite also runs it under
 * transparent_hugepage=always, and user/thpcheck.c checks the Pagoda-only
 * facts (AnonHugePages, the counters, the frames).
 */
#define _GNU_SOURCE
#include "testlib.h"

enum { HUGE = 2 << 20, AREA = 2 * HUGE, NPAGES = AREA / PAGE, RW = PROT_READ | PROT_WRITE };

/* Each page holds its index and a seed in its first and last words. */
static void fill_pages(char *p, size_t pages, long seed)
{
	for (size_t i = 0; i < pages; i++) {
		long *w = (long *)(p + i * PAGE);
		w[0] = seed + (long)i;
		w[PAGE / sizeof(long) - 1] = ~(seed + (long)i);
	}
}

static int page_ok(const char *p, size_t i, long seed)
{
	const long *w = (const long *)(p + i * PAGE);
	return w[0] == seed + (long)i && w[PAGE / sizeof(long) - 1] == ~(seed + (long)i);
}

static int page_zero(const char *p, size_t i)
{
	const long *w = (const long *)(p + i * PAGE);
	return w[0] == 0 && w[PAGE / sizeof(long) - 1] == 0;
}

/* Pages [from, to) hold their pattern. */
static int range_ok(const char *p, size_t from, size_t to, long seed)
{
	for (size_t i = from; i < to; i++)
		if (!page_ok(p, i, seed))
			return 0;
	return 1;
}

/* is_hole: nothing mapped at p (the probe mapping is removed again). */
static int is_hole(char *p)
{
	long r = sys_mmap((uintptr_t)p, PAGE, RW, MAP_PRIVATE | MAP_ANONYMOUS | MAP_FIXED_NOREPLACE, -1, 0);
	if (r == (long)p)
		sys_munmap((uintptr_t)p, PAGE);
	return r == (long)p;
}

/* A 4 MiB private area advised MADV_HUGEPAGE, filled with seed's pattern. */
static char *huge_area(long seed)
{
	char *p = map_anon(AREA, RW);
	if (madvise(p, AREA, MADV_HUGEPAGE))
		setup_fail("madvise hugepage");
	fill_pages(p, NPAGES, seed);
	return p;
}

static void fresh_reads_zero(void)
{
	char *p = map_anon(AREA, RW);
	madvise(p, AREA, MADV_HUGEPAGE);
	int zero = 1;
	for (size_t i = 0; i < NPAGES; i++)
		zero &= page_zero(p, i);
	p[HUGE + 5] = 1;
	show_yes("fresh_area_reads_zero", zero && page_zero(p, NPAGES - 1) && p[HUGE + 4] == 0);
	sys_munmap((uintptr_t)p, AREA);
}

static void partial_munmap(void)
{
	char *p = huge_area(100);
	show_rc("munmap_one_page_inside", sys_munmap((uintptr_t)p + 300 * PAGE, PAGE));
	show_yes("munmap_one_page_hole", is_hole(p + 300 * PAGE));
	show_yes("munmap_one_page_rest_kept", range_ok(p, 0, 300, 100) && range_ok(p, 301, NPAGES, 100));
	show_rc("munmap_half_of_2m", sys_munmap((uintptr_t)p + HUGE, HUGE / 2));
	show_yes("munmap_half_hole", is_hole(p + HUGE) && is_hole(p + HUGE + HUGE / 2 - PAGE));
	show_yes("munmap_half_rest_kept", range_ok(p, NPAGES * 3 / 4, NPAGES, 100) && range_ok(p, 0, 300, 100));
	fill_pages(p + HUGE + HUGE / 2, 256, 7);
	show_yes("munmap_half_rest_writable", range_ok(p + HUGE + HUGE / 2, 0, 256, 7));
	show_rc("munmap_misaligned", sys_munmap((uintptr_t)p + 1, PAGE));
	sys_munmap((uintptr_t)p, AREA);
}

static void partial_mprotect(void)
{
	char *p = huge_area(200);
	show_rc("mprotect_one_page_ro", sys_mprotect((uintptr_t)p + 700 * PAGE, PAGE, PROT_READ));
	fill_pages(p + 699 * PAGE, 1, 9);
	fill_pages(p + 701 * PAGE, 1, 10);
	show_yes("mprotect_one_page_contents", page_ok(p, 700, 200) && page_ok(p + 699 * PAGE, 0, 9) &&
						       page_ok(p + 701 * PAGE, 0, 10) && range_ok(p, 0, 699, 200));
	show_rc("mprotect_whole_2m_ro", sys_mprotect((uintptr_t)p, HUGE, PROT_READ));
	show_rc("mprotect_whole_2m_rw", sys_mprotect((uintptr_t)p, HUGE, RW));
	fill_pages(p, 10, 11);
	show_yes("mprotect_back_rw_writable", range_ok(p, 0, 10, 11) && range_ok(p, 10, 512, 200));
	show_access("mprotect_ro_page_access", p + 700 * PAGE);
	show_access("mprotect_neighbour_access", p + 701 * PAGE);
	show_access("mprotect_first_2m_access", p + 3 * PAGE);
	sys_munmap((uintptr_t)p, AREA);
}

static void dontneed(void)
{
	char *p = huge_area(300);
	show_rc("dontneed_16_pages", madvise(p + 128 * PAGE, 16 * PAGE, MADV_DONTNEED));
	int zero = 1;
	for (size_t i = 128; i < 144; i++)
		zero &= page_zero(p, i);
	show_yes("dontneed_part_reads_zero", zero);
	show_yes("dontneed_rest_kept", range_ok(p, 0, 128, 300) && range_ok(p, 144, NPAGES, 300));
	show_rc("dontneed_whole_2m", madvise(p + HUGE, HUGE, MADV_DONTNEED));
	zero = 1;
	for (size_t i = NPAGES / 2; i < NPAGES; i++)
		zero &= page_zero(p, i);
	show_yes("dontneed_whole_reads_zero", zero && range_ok(p, 0, 128, 300));
	sys_munmap((uintptr_t)p, AREA);
}

static void advice_errors(void)
{
	char *p = huge_area(400);
	show_rc("madvise_hugepage_misaligned", madvise(p + 1, PAGE, MADV_HUGEPAGE));
	show_rc("madvise_nohugepage_part", madvise(p + 10 * PAGE, 20 * PAGE, MADV_NOHUGEPAGE));
	fill_pages(p + 5 * PAGE, 30, 12);
	show_yes("nohugepage_part_kept", range_ok(p, 0, 5, 400) && range_ok(p + 5 * PAGE, 0, 30, 12) &&
						 range_ok(p, 35, NPAGES, 400));
	show_rc("madvise_hugepage_beyond_area", madvise(p + AREA - PAGE, 2 * PAGE + AREA, MADV_HUGEPAGE));
	sys_munmap((uintptr_t)p, AREA);
}

static void locked(void)
{
	char *p = huge_area(500);
	show_rc("mlock_one_page_inside", mlock(p + 33 * PAGE, PAGE));
	show_yes("mlock_contents_kept", range_ok(p, 0, NPAGES, 500));
	show_rc("munlock_one_page", munlock(p + 33 * PAGE, PAGE));
	sys_munmap((uintptr_t)p, AREA);
}

static void moved(void)
{
	char *p = huge_area(600);
	char *q = mremap(p, AREA, AREA + HUGE, MREMAP_MAYMOVE);
	show_yes("mremap_grow_ok", q != MAP_FAILED);
	show_yes("mremap_contents_kept", q != MAP_FAILED && range_ok(q, 0, NPAGES, 600));
	if (q != MAP_FAILED) {
		char *r = mremap(q, AREA + HUGE, HUGE + 3 * PAGE, 0);
		show_yes("mremap_shrink_contents", r == q && range_ok(q, 0, 515, 600));
		sys_munmap((uintptr_t)q, HUGE + 3 * PAGE);
	}
}

/* The child overwrites the first 2 MiB and checks both halves. */
static int child_writes(void *arg)
{
	char *p = arg;
	int before = range_ok(p, 0, NPAGES, 700);
	fill_pages(p, NPAGES / 2, 50);
	return before && range_ok(p, 0, NPAGES / 2, 50) && range_ok(p, NPAGES / 2, NPAGES, 700) ? 0 : 1;
}

static void forked(void)
{
	char *p = huge_area(700);
	show_status("fork_child_sees_and_writes", child_run(child_writes, p));
	show_yes("fork_parent_unchanged", range_ok(p, 0, NPAGES, 700));
	fill_pages(p + HUGE, NPAGES / 2, 60);
	show_yes("fork_parent_writes", range_ok(p, 0, NPAGES / 2, 700) && range_ok(p + HUGE, 0, NPAGES / 2, 60));
	sys_munmap((uintptr_t)p, AREA);
}

static int child_touch_exit(void *arg)
{
	char *p = arg;
	p[(size_t)getpid() % NPAGES * PAGE] ^= 1;
	return 0;
}

static void fork_storm(void)
{
	char *p = huge_area(800);
	int all = 1;
	for (int i = 0; i < 12; i++) {
		int st = child_run(child_touch_exit, p);
		all &= WIFEXITED(st) && WEXITSTATUS(st) == 0;
		if (i == 5)   /* new 2 MiB pages between forks */
			fill_pages(p, NPAGES, 800);
	}
	show_yes("fork_storm_children_exit", all);
	show_yes("fork_storm_parent_kept", range_ok(p, 0, NPAGES, 800));
	sys_munmap((uintptr_t)p, AREA);
}

int main(void)
{
	fresh_reads_zero();
	partial_munmap();
	partial_mprotect();
	dontneed();
	advice_errors();
	locked();
	moved();
	forked();
	fork_storm();
	return 0;
}
