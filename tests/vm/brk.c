/* brk: the program break, by raw syscall (brk never returns an errno: the
 * answer is always the break, and a refusal returns the old one).
 * brk(0) asks; growth is zero-filled and usable; shrinking unmaps whole pages
 * above the new break; an unaligned break is kept as given; a break below
 * its start, into another mapping, into the stack's reach or into the kernel
 * is refused. The break is read first thing in main, before libc can move it.
 */
#include "testlib.h"

static uintptr_t start;

static uintptr_t page_up(uintptr_t a)
{
	return (a + PAGE - 1) & ~(uintptr_t)(PAGE - 1);
}

static void grow_and_shrink(void)
{
	uintptr_t b = sys_brk(0);

	show_yes("brk0_stable", sys_brk(0) == b);
	show_yes("grow_64k", sys_brk(b + 65536) == b + 65536);
	show_yes("grown_zero", all_zero((char *)b, 65536));
	memset((char *)b, 0x11, 65536);
	show_yes("grown_usable", check_bytes((char *)b, 65536, 0x11));
	show_yes("query_after_grow", sys_brk(0) == b + 65536);
	show_yes("shrink_to_start", sys_brk(b) == b);
	show_yes("shrunk_page_gone", !can_read((char *)page_up(b) + PAGE));
	show_yes("regrow_zero", sys_brk(b + 65536) == b + 65536 &&
		 all_zero((char *)page_up(b), b + 65536 - page_up(b)));
	show_yes("unaligned_break_kept", sys_brk(b + 100) == b + 100 && sys_brk(0) == b + 100);
	show_yes("unaligned_partial_page_usable", can_write((char *)b + 99) &&
		 (page_up(b + 100) == page_up(b) || can_write((char *)page_up(b))));
	show_yes("same_break_again", sys_brk(b + 100) == b + 100);
	sys_brk(b);
}

static void refusals(void)
{
	uintptr_t b = sys_brk(0);
	volatile char on_stack = 0;

	show_yes("below_start_refused", sys_brk(start - PAGE) == b);
	show_yes("far_below_refused", sys_brk(PAGE) == b);
	show_yes("kernel_refused", sys_brk(KERNEL_ADDR) == b);
	show_yes("noncanonical_refused", sys_brk(NONCANON_ADDR) == b);
	show_yes("stack_refused", sys_brk((uintptr_t)&on_stack) == b);
	show_yes("refusals_left_break", sys_brk(0) == b);
	(void)on_stack;
}

/* into_mapping: a mapping placed 16 pages above the break blocks growth into
 * it (and to within a page of it); growth that stops well short is fine. */
static void into_mapping(void)
{
	uintptr_t b = sys_brk(0);
	uintptr_t m = page_up(b) + 16 * PAGE;
	long r = sys_mmap(m, 4 * PAGE, PROT_READ | PROT_WRITE,
			  MAP_PRIVATE | MAP_ANONYMOUS | MAP_FIXED_NOREPLACE, -1, 0);

	show_yes("blocker_placed", r == (long)m);
	show_yes("into_mapping_refused", sys_brk(m + PAGE) == b);
	show_yes("over_mapping_refused", sys_brk(m + 8 * PAGE) == b);
	show_yes("short_of_mapping_ok", sys_brk(m - 4 * PAGE) == m - 4 * PAGE);
	show_access("blocker_intact", (char *)m);
	sys_brk(b);
	sys_munmap(m, 4 * PAGE);
}

static int child_grows(void *arg)
{
	uintptr_t b = sys_brk(0);

	(void)arg;
	if (sys_brk(b + 8 * PAGE) != b + 8 * PAGE)
		return 1;
	memset((char *)b, 0x22, 8 * PAGE);
	return 0;
}

static void across_fork(void)
{
	uintptr_t b = sys_brk(0);

	sys_brk(b + 4 * PAGE);
	memset((char *)b, 0x44, 4 * PAGE);
	show_child("child_grows_own_break", child_grows, NULL);
	show_yes("parent_break_unchanged", sys_brk(0) == b + 4 * PAGE);
	show_yes("parent_heap_unchanged", check_bytes((char *)b, 4 * PAGE, 0x44));
	show_yes("parent_beyond_break_unmapped", !can_read((char *)page_up(b + 4 * PAGE) + PAGE));
	sys_brk(b);
}

static void big_growth(void)
{
	uintptr_t b = sys_brk(0);
	size_t len = 32u << 20;

	show_yes("grow_32m", sys_brk(b + len) == b + len);
	memset((char *)b, 1, len);
	show_yes("grow_32m_filled", ((char *)b)[len - 1] == 1);
	show_yes("shrink_32m", sys_brk(b) == b);
}

int main(void)
{
	start = sys_brk(0);
	show_yes("start_nonzero", start != 0);
	grow_and_shrink();
	refusals();
	into_mapping();
	across_fork();
	big_growth();
	return 0;
}
