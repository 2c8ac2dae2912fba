/* mprotect_adjust: an mprotect of the first (or last) pages of an area that
 * makes them like the neighbouring area moves the boundary between the two
 * (Linux's vma_merge "adjust" cases): /proc/self/maps shows the same areas
 * (offsets in pages from a reserved window, length, permissions, file
 * offset) on Linux and Pagoda, every page keeps its data and the accesses
 * the new protection allows. A file mapping's pages keep their file
 * offsets after the boundary moves; with a break in the offsets the
 * neighbour does not take the pages. */
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include "testlib.h"

static char *win;   /* the reserved window everything is placed in */

/* The areas overlapping [win, win + pages): "+start len perms pgoff" each. */
static void show_areas(const char *name, size_t pages)
{
	FILE *f = fopen("/proc/self/maps", "r");
	char line[512], perms[8], out[512] = "";
	unsigned long lo, hi, off;
	uintptr_t w = (uintptr_t)win;

	while (f && fgets(line, sizeof line, f)) {
		if (sscanf(line, "%lx-%lx %7s %lx", &lo, &hi, perms, &off) != 4 || lo >= w + pages * PAGE || hi <= w)
			continue;
		size_t n = strlen(out);
		snprintf(out + n, sizeof out - n, " [+%lu %lu %s %lu]", (lo - w) / PAGE, (hi - lo) / PAGE, perms,
			 off / PAGE);
	}
	if (f)
		fclose(f);
	say(name, "%s", out);
}

static void fill_pages(char *p, size_t pages, int seed)
{
	for (size_t i = 0; i < pages; i++)
		fill(p + i * PAGE, PAGE, seed + (int)i);
}

static int check_pages(const char *p, size_t pages, int seed)
{
	for (size_t i = 0; i < pages; i++)
		if (!check(p + i * PAGE, PAGE, seed + (int)i))
			return 0;
	return 1;
}

/* A (4 pages RW) then B (4 pages R), touching, in the window at page 1. */
static void anonymous_cases(void)
{
	char *a = place(win + PAGE, 8, PROT_READ | PROT_WRITE), *b = a + 4 * PAGE;

	fill_pages(a, 8, 10);
	sys_mprotect((uintptr_t)b, 4 * PAGE, PROT_READ);
	show_areas("anon_two_areas", 16);
	show_rc("anon_prev_takes_first_page", sys_mprotect((uintptr_t)b, PAGE, PROT_READ | PROT_WRITE));
	show_areas("anon_prev_grew", 16);
	show_access("anon_moved_page_access", b);
	show_access("anon_next_first_page_access", b + PAGE);
	show_rc("anon_next_takes_last_pages", sys_mprotect((uintptr_t)a + 3 * PAGE, 2 * PAGE, PROT_READ));
	show_areas("anon_next_grew", 16);
	show_access("anon_last_of_prev_access", a + 2 * PAGE);
	show_access("anon_moved_down_access", a + 3 * PAGE);
	show_yes("anon_data_kept", check_pages(a, 8, 10));
	show_rc("anon_all_rw", sys_mprotect((uintptr_t)a, 8 * PAGE, PROT_READ | PROT_WRITE));
	show_areas("anon_one_area", 16);
	show_rc("anon_middle_r", sys_mprotect((uintptr_t)a + 2 * PAGE, 3 * PAGE, PROT_READ));
	show_areas("anon_three_areas", 16);
	show_rc("anon_middle_back", sys_mprotect((uintptr_t)a + 2 * PAGE, 3 * PAGE, PROT_READ | PROT_WRITE));
	show_areas("anon_merged_back", 16);
	show_yes("anon_data_kept_after_merge", check_pages(a, 8, 10));
	sys_munmap((uintptr_t)a, 8 * PAGE);
}

static int make_file(const char *name, size_t pages)
{
	int fd = open(name, O_CREAT | O_RDWR | O_TRUNC, 0644);
	static char page[PAGE];

	if (fd < 0)
		setup_fail(name);
	for (size_t i = 0; i < pages; i++) {
		fill(page, PAGE, 40 + (int)i);
		if (pwrite(fd, page, PAGE, (off_t)(i * PAGE)) != PAGE)
			setup_fail("pwrite");
	}
	return fd;
}

static char *map_file_at(char *at, size_t pages, int prot, int fd, size_t first)
{
	void *p = mmap(at, pages * PAGE, prot, MAP_PRIVATE | MAP_FIXED, fd, (off_t)(first * PAGE));

	if (p != at)
		setup_fail("mmap file fixed");
	return at;
}

/* File pages 0-3 read-only, then pages 4-7 PROT_NONE right after them
 * (neither is charged for writing, so the two differ only in protection);
 * then pages 10-13 after pages 0-3 (a break in the offsets). */
static void file_cases(void)
{
	int fd = make_file("f", 16);
	char *a = map_file_at(win + PAGE, 4, PROT_READ, fd, 0), *b = map_file_at(win + 5 * PAGE, 4, PROT_NONE, fd, 4);

	show_areas("file_two_areas", 16);
	show_rc("file_prev_takes_page", sys_mprotect((uintptr_t)b, PAGE, PROT_READ));
	show_areas("file_prev_grew", 16);
	show_yes("file_moved_page_at_offset", check_pages(a, 5, 40));
	show_access("file_next_first_page_access", b + PAGE);
	show_rc("file_next_takes_page", sys_mprotect((uintptr_t)b, PAGE, PROT_NONE));
	show_areas("file_next_grew_back", 16);
	show_access("file_moved_back_access", b);
	show_rc("file_all_read", sys_mprotect((uintptr_t)b, 4 * PAGE, PROT_READ));
	show_areas("file_one_area", 16);
	show_yes("file_pages_at_offsets", check_pages(a, 8, 40));
	map_file_at(b, 4, PROT_NONE, fd, 10);
	show_rc("file_break_mprotect", sys_mprotect((uintptr_t)b, PAGE, PROT_READ));
	show_areas("file_break_no_merge", 16);
	show_yes("file_break_pages_at_offsets", check_pages(a, 4, 40) && check_pages(b, 1, 50));
	sys_munmap((uintptr_t)a, 8 * PAGE);
	close(fd);
	unlink("f");
}

int main(void)
{
	const char *dir = scratch_dir("mprotect_adjust");

	win = reserve(16);
	anonymous_cases();
	if (chdir(dir) != 0)
		setup_fail("chdir scratch");
	file_cases();
	chdir("/");
	show_rc("scratch_removed", rmdir(dir));
	return 0;
}
