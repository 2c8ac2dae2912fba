/* mremap: resizing and moving areas, Linux-exact in results and errors.
 *
 * Addresses chosen by the kernel are never printed: a case prints whether
 * the area stayed, where its data went (kept, zero, gone) and what mincore
 * says is resident there (moved pages stay resident: entries move, pages
 * are not faulted in again).
 */
#define _GNU_SOURCE
#include <sys/mman.h>
#include "testlib.h"

#ifndef MREMAP_DONTUNMAP
#define MREMAP_DONTUNMAP 4
#endif

static long sys_mremap(void *old, size_t old_len, size_t new_len, long flags, void *new_addr)
{
	return syscall(SYS_mremap, old, old_len, new_len, flags, new_addr);
}

/* "kept" if the pages hold fill's pattern for seed (as filled `skip` pages
 * earlier in the region), "zero" if all zero, else "mixed". */
static const char *contents_at(const char *p, size_t pages, int seed, size_t skip)
{
	if (check(p, pages * PAGE, seed + (int)(skip * PAGE / 64 * 7)))
		return "kept";
	return all_zero(p, pages * PAGE) ? "zero" : "mixed";
}

static const char *contents(const char *p, size_t pages, int seed)
{
	return contents_at(p, pages, seed, 0);
}

/* One char per page: 1 resident, 0 not, '-' no area (mincore ENOMEM). */
static const char *resident(const char *p, size_t pages)
{
	static char out[64];
	unsigned char vec[64];
	for (size_t i = 0; i < pages && i < 63; i++)
		out[i] = mincore((void *)(p + i * PAGE), PAGE, vec) ? '-' : vec[0] & 1 ? '1' : '0';
	out[pages < 63 ? pages : 63] = 0;
	return out;
}

/* A free place for n pages, inside a PROT_NONE window of its own (the
 * window's pages around it stay reserved). */
static char *target(size_t n)
{
	return reserve(n + 2) + PAGE;
}

static void errors(void)
{
	char *p = map_anon(4 * PAGE, PROT_READ | PROT_WRITE);
	char *hole = unmapped_page();
	show_rc("bad_flags", sys_mremap(p, PAGE, PAGE, 8, 0));
	show_rc("fixed_without_maymove", sys_mremap(p, PAGE, PAGE, MREMAP_FIXED, hole));
	show_rc("dontunmap_without_maymove", sys_mremap(p, PAGE, PAGE, MREMAP_DONTUNMAP, 0));
	show_rc("dontunmap_resize", sys_mremap(p, PAGE, 2 * PAGE, MREMAP_DONTUNMAP | MREMAP_MAYMOVE, 0));
	show_rc("unaligned_addr", sys_mremap(p + 1, PAGE, PAGE, 0, 0));
	show_rc("new_len_zero", sys_mremap(p, PAGE, 0, 0, 0));
	show_rc("new_len_huge", sys_mremap(p, PAGE, 1ul << 48, MREMAP_MAYMOVE, 0));
	show_rc("fixed_unaligned_new_addr", sys_mremap(p, PAGE, PAGE, MREMAP_FIXED | MREMAP_MAYMOVE, hole + 1));
	show_rc("fixed_overlapping", sys_mremap(p, 2 * PAGE, 2 * PAGE, MREMAP_FIXED | MREMAP_MAYMOVE, p + PAGE));
	show_rc("fixed_beyond_top", sys_mremap(p, PAGE, 2 * PAGE, MREMAP_FIXED | MREMAP_MAYMOVE,
					       (void *)(USER_TOP - PAGE)));
	show_rc("no_area_at_addr", sys_mremap(hole, PAGE, 2 * PAGE, MREMAP_MAYMOVE, 0));
	show_rc("range_leaves_area_grow", sys_mremap(p, 8 * PAGE, 9 * PAGE, MREMAP_MAYMOVE, 0));
	show_rc("old_len_zero_private", sys_mremap(p, 0, PAGE, MREMAP_MAYMOVE, 0));
	show_rc("same_size_is_noop", sys_mremap(p, 4 * PAGE, 4 * PAGE, 0, 0) == (long)p ? 0 : -1);
	sys_munmap((uintptr_t)p, 4 * PAGE);
}

static void in_place(void)
{
	char *w = reserve(16);
	char *p = place(w, 4, PROT_READ | PROT_WRITE);
	sys_munmap((uintptr_t)(w + 4 * PAGE), 12 * PAGE);   /* room after the area */
	fill(p, 4 * PAGE, 'a');
	show_yes("shrink_keeps_address", sys_mremap(p, 4 * PAGE, 2 * PAGE, 0, 0) == (long)p);
	say("shrink_contents", "%s", contents(p, 2, 'a'));
	show_access("shrink_tail_gone", p + 2 * PAGE);
	show_yes("grow_in_place_keeps_address", sys_mremap(p, 2 * PAGE, 6 * PAGE, 0, 0) == (long)p);
	say("grow_contents", "%s", contents(p, 2, 'a'));
	say("grow_new_pages", "%s", contents(p + 2 * PAGE, 4, 0));
	say("grow_resident", "%s", resident(p, 6));
	show_access("grow_new_page_access", p + 5 * PAGE);
	place(p + 7 * PAGE, 1, PROT_READ);   /* a neighbour one page after the end */
	show_rc("grow_blocked_no_maymove", sys_mremap(p, 6 * PAGE, 8 * PAGE, 0, 0));
	show_yes("grow_to_neighbour_exactly", sys_mremap(p, 6 * PAGE, 7 * PAGE, 0, 0) == (long)p);
	show_rc("shrink_across_areas", sys_mremap(p, 8 * PAGE, 3 * PAGE, 0, 0) == (long)p ? 0 : -1);
	show_access("neighbour_unmapped_by_shrink", p + 7 * PAGE);
	sys_munmap((uintptr_t)w, 16 * PAGE);
}

static void moves(void)
{
	char *win = reserve(5);
	char *p = place(win, 4, PROT_READ | PROT_WRITE);   /* blocked by the window's last page */
	fill(p, 3 * PAGE, 'm');   /* page 3 untouched */
	char *q = (char *)sys_mremap(p, 4 * PAGE, 8 * PAGE, MREMAP_MAYMOVE, 0);
	show_yes("maymove_moves_when_blocked", q != (char *)-1 && q != p);
	say("moved_contents", "%s", contents(q, 3, 'm'));
	say("moved_resident", "%s", resident(q, 8));
	say("old_range_after_move", "%s", resident(p, 4));
	say("moved_growth_zero", "%s", contents(q + 4 * PAGE, 4, 0));

	char *w = reserve(8);
	char *r = (char *)sys_mremap(q, 8 * PAGE, 4 * PAGE, MREMAP_MAYMOVE | MREMAP_FIXED, w + 2 * PAGE);
	show_yes("fixed_lands_at_new_addr", r == w + 2 * PAGE);
	say("fixed_contents", "%s", contents(r, 3, 'm'));
	say("fixed_source_gone", "%s", resident(q, 8));
	show_access("fixed_replaced_reserve_before", w + PAGE);
	show_access("fixed_new_area", w + 2 * PAGE);

	char *d = (char *)sys_mremap(r, 4 * PAGE, 4 * PAGE, MREMAP_MAYMOVE | MREMAP_DONTUNMAP, 0);
	show_yes("dontunmap_moves", d != (char *)-1 && d != r);
	say("dontunmap_new_contents", "%s", contents(d, 3, 'm'));
	say("dontunmap_old_resident", "%s", resident(r, 4));
	say("dontunmap_old_reads", "%s", contents(r, 4, 0));
	sys_munmap((uintptr_t)w, 8 * PAGE);
	sys_munmap((uintptr_t)d, 4 * PAGE);
	sys_munmap((uintptr_t)win, 5 * PAGE);
}

/* Part of an area moves out of its middle: the area splits around it. */
static void middle(void)
{
	char *p = map_anon(6 * PAGE, PROT_READ | PROT_WRITE);
	fill(p, 6 * PAGE, 'x');
	char *q = (char *)sys_mremap(p + 2 * PAGE, 2 * PAGE, 2 * PAGE, MREMAP_MAYMOVE | MREMAP_FIXED, target(2));
	show_yes("middle_moved", q != (char *)-1);
	say("middle_contents", "%s", q != (char *)-1 ? contents_at(q, 2, 'x', 2) : "none");
	show_access("middle_hole", p + 2 * PAGE);
	say("middle_head", "%s", contents(p, 2, 'x'));
	say("middle_tail", "%s", contents_at(p + 4 * PAGE, 2, 'x', 4));
	sys_munmap((uintptr_t)p, 6 * PAGE);
	sys_munmap((uintptr_t)q, 2 * PAGE);
}

/* Copy-on-write pages move with their sharing intact. */
static void cow(void)
{
	char *p = map_anon(2 * PAGE, PROT_READ | PROT_WRITE);
	fill(p, 2 * PAGE, 'c');
	pid_t pid = fork_flushed();
	if (pid == 0) {   /* the child moves its COW pages and writes there */
		char *q = (char *)sys_mremap(p, 2 * PAGE, 4 * PAGE, MREMAP_MAYMOVE | MREMAP_FIXED, target(4));
		q[0] = 'z';
		_exit(check(q + 64, 2 * PAGE - 64, 'c' + 7) ? 0 : 1);
	}
	show_status("cow_child_moves_and_writes", reap(pid));
	say("cow_parent_unchanged", "%s", contents(p, 2, 'c'));
	sys_munmap((uintptr_t)p, 2 * PAGE);
}

static void shared(void)
{
	char *s = map_shared(2 * PAGE);
	fill(s, 2 * PAGE, 's');
	char *dup = (char *)sys_mremap(s, 0, 2 * PAGE, MREMAP_MAYMOVE, 0);
	show_yes("shared_old_len_zero_duplicates", dup != (char *)-1 && dup != s);
	if (dup != (char *)-1) {
		dup[0] = 'S';
		show_yes("duplicate_shares_pages", s[0] == 'S');
		sys_munmap((uintptr_t)dup, 2 * PAGE);
	}
	pid_t pid = fork_flushed();
	if (pid == 0) {   /* grown past its shared object: the new pages have no backing */
		char *g = (char *)sys_mremap(s, 2 * PAGE, 4 * PAGE, MREMAP_MAYMOVE, 0);
		if (g == (char *)-1)
			_exit(2);
		g[3 * PAGE] = 1;
		_exit(0);
	}
	show_status("shared_grown_past_object", reap(pid));
	pid = fork_flushed();
	if (pid == 0) {
		char *q = (char *)sys_mremap(s, 2 * PAGE, 2 * PAGE, MREMAP_MAYMOVE | MREMAP_FIXED, target(2));
		q[PAGE] = 'T';
		_exit(0);
	}
	reap(pid);
	show_yes("shared_moved_in_child_still_shared", s[PAGE] == 'T');
	sys_munmap((uintptr_t)s, 2 * PAGE);
}

int main(void)
{
	errors();
	in_place();
	moves();
	middle();
	cow();
	shared();
	return 0;
}
