/* mprotect: changing protection on part of an area splits it, across several
 * areas changes each, and a hole makes it fail with ENOMEM; on Linux the
 * areas before the hole have already been changed, and that partial effect
 * is part of the contract. Bad bits give EINVAL. Contents survive every
 * change, the program's own data and text can be re-protected, and x86 makes
 * PROT_WRITE imply PROT_READ.
 */
#include "testlib.h"

enum { RW = PROT_READ | PROT_WRITE };

static void splits(void)
{
	char *w = reserve(7);
	char *p = place(w + PAGE, 5, RW);

	memset(p, 3, 5 * PAGE);
	show_rc("middle_readonly", sys_mprotect((uintptr_t)p + 2 * PAGE, PAGE, PROT_READ));
	show_access("middle_split_left", p + PAGE);
	show_access("middle_split_target", p + 2 * PAGE);
	show_access("middle_split_right", p + 3 * PAGE);
	show_rc("head_none", sys_mprotect((uintptr_t)p, PAGE, PROT_NONE));
	show_access("head_target", p);
	show_rc("tail_write_only", sys_mprotect((uintptr_t)p + 4 * PAGE, PAGE, PROT_WRITE));
	show_access("tail_write_only_access", p + 4 * PAGE);
	show_rc("restore_all", sys_mprotect((uintptr_t)p, 5 * PAGE, RW));
	show_access("restored_head", p);
	show_access("restored_middle", p + 2 * PAGE);
	show_yes("contents_survive", check_bytes(p, 5 * PAGE, 3));
	show_rc("unmap_after_merge", sys_munmap((uintptr_t)p, 5 * PAGE));
	sys_munmap((uintptr_t)w, 7 * PAGE);
}

static void alternating(void)
{
	char *p = map_anon(64 * PAGE, RW);
	int ok = 1;

	for (int i = 0; i < 64; i += 2)
		ok &= sys_mprotect((uintptr_t)p + i * PAGE, PAGE, PROT_READ) == 0;
	show_yes("alternate_32_pages_readonly", ok);
	show_access("alternate_even", p + 10 * PAGE);
	show_access("alternate_odd", p + 11 * PAGE);
	show_rc("alternate_restore_in_one_call", sys_mprotect((uintptr_t)p, 64 * PAGE, RW));
	show_access("alternate_restored", p + 10 * PAGE);
	show_rc("alternate_unmap", sys_munmap((uintptr_t)p, 64 * PAGE));
}

static void holes(void)
{
	char *w = reserve(8);

	place(w + PAGE, 2, RW);
	sys_munmap((uintptr_t)w + 3 * PAGE, PAGE);
	place(w + 4 * PAGE, 2, RW);
	sys_munmap((uintptr_t)w, PAGE);
	show_rc("hole_at_start", sys_mprotect((uintptr_t)w, 3 * PAGE, PROT_READ));
	show_access("hole_at_start_left_unchanged", w + PAGE);
	show_rc("hole_in_middle", sys_mprotect((uintptr_t)w + PAGE, 5 * PAGE, PROT_READ));
	show_access("hole_in_middle_before_changed", w + PAGE);
	show_access("hole_in_middle_after_unchanged", w + 4 * PAGE);
	show_rc("all_unmapped", sys_mprotect((uintptr_t)w + 3 * PAGE, PAGE, PROT_READ));
	show_rc("adjacent_areas_no_hole", sys_mprotect((uintptr_t)w + 5 * PAGE, 3 * PAGE, RW));
	show_access("adjacent_areas_first", w + 5 * PAGE);
	show_access("adjacent_areas_second", w + 7 * PAGE);
	sys_munmap((uintptr_t)w, 8 * PAGE);
}

static void errors(void)
{
	char *p = map_anon(2 * PAGE, RW);

	show_rc("unaligned_address", sys_mprotect((uintptr_t)p + 1, PAGE, PROT_READ));
	show_rc("zero_length", sys_mprotect((uintptr_t)p, 0, PROT_READ));
	show_rc("zero_length_unmapped", sys_mprotect((uintptr_t)unmapped_page(), 0, PROT_READ));
	show_rc("length_rounds_up", sys_mprotect((uintptr_t)p, 1, PROT_READ));
	show_access("length_rounds_up_first", p);
	show_access("length_rounds_up_second", p + PAGE);
	show_rc("bad_prot_bit", sys_mprotect((uintptr_t)p, PAGE, 0x10));
	show_rc("growsdown_and_growsup", sys_mprotect((uintptr_t)p, PAGE,
		PROT_READ | PROT_GROWSDOWN | PROT_GROWSUP));
	show_rc("kernel_address", sys_mprotect(KERNEL_ADDR, PAGE, PROT_READ));
	show_rc("noncanonical_address", sys_mprotect(NONCANON_ADDR, PAGE, PROT_READ));
	show_rc("wrapping_length", sys_mprotect((uintptr_t)p, (size_t)-PAGE, PROT_READ));
	show_access("errors_left_first_readonly", p);
}

static int write_int(void *p)
{
	*(volatile int *)p = 5;
	return 0;
}

static int global_word = 1;
static void text_target(void)
{
}

/* write_own_text: make the page of text_target writable and store into it
 * (a private copy-on-write of the file page), then run it again. */
static int write_own_text(void *arg)
{
	uintptr_t page = (uintptr_t)text_target & ~(uintptr_t)(PAGE - 1);

	(void)arg;
	if (sys_mprotect(page, PAGE, PROT_READ | PROT_WRITE | PROT_EXEC))
		return 1;
	*(volatile unsigned char *)text_target = 0xc3;
	text_target();
	return 0;
}

static void own_image(void)
{
	uintptr_t data = (uintptr_t)&global_word & ~(uintptr_t)(PAGE - 1);
	pid_t pid = fork_flushed();

	if (pid == 0) {
		sys_mprotect(data, PAGE, PROT_READ);
		_exit(write_int(&global_word));
	}
	show_status("data_made_readonly_then_written", reap(pid));
	show_child("text_made_writable", write_own_text, NULL);
	show_yes("parent_data_still_writable", write_int(&global_word) == 0);
}

static void exec_permission(void)
{
	char *p = map_anon(PAGE, RW);

	copy_ret(p);
	show_yes("rw_not_executable", !can_exec(p));
	sys_mprotect((uintptr_t)p, PAGE, PROT_READ | PROT_EXEC);
	show_yes("rx_executable", can_exec(p));
	show_yes("rx_not_writable", !can_write(p));
}

int main(void)
{
	splits();
	alternating();
	holes();
	errors();
	own_image();
	exec_permission();
	return 0;
}
