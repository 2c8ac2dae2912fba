/* munmap: removing part of an area splits or trims it, one call can span
 * several areas and the holes between them, unmapping nothing succeeds, and
 * the errors are EINVAL only (alignment, zero length, ranges that leave user
 * space). Each result is checked by probing pages from a child and by
 * MAP_FIXED_NOREPLACE, which only succeeds where nothing is mapped.
 */
#include "testlib.h"

enum { RW = PROT_READ | PROT_WRITE };

/* is_hole: nothing mapped at p (the probe mapping is removed again). */
static int is_hole(char *p)
{
	long r = sys_mmap((uintptr_t)p, PAGE, RW,
			  MAP_PRIVATE | MAP_ANONYMOUS | MAP_FIXED_NOREPLACE, -1, 0);

	if (r == (long)p)
		sys_munmap((uintptr_t)p, PAGE);
	return r == (long)p;
}

static void split_and_trim(void)
{
	char *w = reserve(7);
	char *p = place(w + PAGE, 5, RW);

	memset(p, 7, 5 * PAGE);
	show_rc("unmap_middle", sys_munmap((uintptr_t)p + 2 * PAGE, PAGE));
	show_access("middle_left", p + PAGE);
	show_access("middle_removed", p + 2 * PAGE);
	show_access("middle_right", p + 3 * PAGE);
	show_yes("middle_hole", is_hole(p + 2 * PAGE));
	show_yes("middle_data_kept", p[PAGE] == 7 && p[3 * PAGE] == 7);
	show_rc("unmap_head", sys_munmap((uintptr_t)p, PAGE));
	show_yes("head_hole", is_hole(p) && !is_hole(p + PAGE));
	show_rc("unmap_tail", sys_munmap((uintptr_t)p + 4 * PAGE, PAGE));
	show_yes("tail_hole", is_hole(p + 4 * PAGE) && !is_hole(p + 3 * PAGE));
	show_rc("unmap_all_spanning_holes", sys_munmap((uintptr_t)w, 7 * PAGE));
	show_yes("all_holes", is_hole(w) && is_hole(p + PAGE) && is_hole(p + 3 * PAGE));
}

static void spans(void)
{
	char *w = reserve(12);

	place(w + PAGE, 2, RW);
	place(w + 3 * PAGE, 2, PROT_READ);
	sys_munmap((uintptr_t)w + 5 * PAGE, PAGE);
	place(w + 7 * PAGE, 3, RW);
	show_rc("unmap_four_areas_and_hole", sys_munmap((uintptr_t)w + 2 * PAGE, 7 * PAGE));
	show_access("span_before", w + PAGE);
	show_yes("span_removed", is_hole(w + 2 * PAGE) && is_hole(w + 4 * PAGE) &&
		 is_hole(w + 8 * PAGE));
	show_access("span_after", w + 9 * PAGE);
	show_access("span_window_end", w + 11 * PAGE);
	sys_munmap((uintptr_t)w, 12 * PAGE);
	show_rc("unmap_nothing_mapped", sys_munmap((uintptr_t)w, 12 * PAGE));
	show_rc("unmap_twice", sys_munmap((uintptr_t)w, PAGE));
}

static void rounding(void)
{
	char *w = reserve(4);

	place(w + PAGE, 2, RW);
	show_rc("unmap_length_1", sys_munmap((uintptr_t)w + PAGE, 1));
	show_yes("length_1_removed_page", is_hole(w + PAGE));
	show_access("length_1_next_kept", w + 2 * PAGE);
	show_rc("unmap_prot_none", sys_munmap((uintptr_t)w, PAGE));
	sys_munmap((uintptr_t)w, 4 * PAGE);
}

static void errors(void)
{
	char *p = map_anon(PAGE, RW);

	show_rc("unaligned_address", sys_munmap((uintptr_t)p + 1, PAGE));
	show_rc("zero_length", sys_munmap((uintptr_t)p, 0));
	show_rc("kernel_address", sys_munmap(KERNEL_ADDR, PAGE));
	show_rc("noncanonical_address", sys_munmap(NONCANON_ADDR, PAGE));
	show_rc("crossing_ceiling", sys_munmap(USER_TOP - PAGE, 2 * PAGE));
	show_rc("huge_length", sys_munmap((uintptr_t)p, (size_t)-PAGE));
	show_rc("address_zero", sys_munmap(0, PAGE));
	show_access("errors_left_mapping", p);
}

static int unmap_own_text(void *arg)
{
	uintptr_t fn = (uintptr_t)arg & ~(uintptr_t)(PAGE - 1);

	sys_munmap(fn, PAGE);
	((void (*)(void))arg)();
	return 0;
}

static void text_target(void)
{
}

int main(void)
{
	split_and_trim();
	spans();
	rounding();
	errors();
	show_child("unmap_own_text_then_call", unmap_own_text, (void *)text_target);
	return 0;
}
