/* swap_mprotect: mprotect on pages that are out in swap.
 *
 * 64 MiB are written (on Pagoda at --mem 48M the first pages written are in
 * swap by the end), then the first quarter is made read-only: it reads back
 * intact and a write to it kills a child with SIGSEGV. The second quarter
 * becomes PROT_NONE while the rest is rewritten (more pressure), then all of
 * it is made writable again: the protected pages kept their bytes through
 * swap and take new writes. Every word is compared (tests/pattern.h).
 */
#include "testlib.h"
#include "pattern.h"

enum { AREA_MIB = 64 };

static int write_first_page(void *p)
{
	*(volatile char *)p = 1;
	return 0;
}

int main(void)
{
	size_t pages = (size_t)AREA_MIB * MIB / PAGE, q = pages / 4;
	char *p = map_anon(pages * PAGE, PROT_READ | PROT_WRITE);

	pattern_fill_pages(p, 0, pages, 1);
	show_rc("mprotect_read_only_quarter", sys_mprotect((uintptr_t)p, q * PAGE, PROT_READ));
	say("read_only_quarter_reads_back", "%zu wrong words", pattern_check_pages(p, 0, q, 1));
	show_status("write_to_read_only_swapped_page", child_run(write_first_page, p));
	show_rc("mprotect_none_second_quarter", sys_mprotect((uintptr_t)(p + q * PAGE), q * PAGE, PROT_NONE));
	pattern_fill_pages(p, 2 * q, pages - 2 * q, 2);
	say("second_half_rewritten", "%zu wrong words", pattern_check_pages(p, 2 * q, pages - 2 * q, 2));
	show_status("read_of_prot_none_page", child_run(probe_read_fn, p + q * PAGE));
	show_rc("mprotect_all_writable", sys_mprotect((uintptr_t)p, pages * PAGE, PROT_READ | PROT_WRITE));
	say("protected_half_kept_through_swap", "%zu wrong words", pattern_check_pages(p, 0, 2 * q, 1));
	pattern_fill_pages(p, 0, 2 * q, 3);
	say("protected_half_takes_writes", "%zu wrong words", pattern_check_pages(p, 0, 2 * q, 3));
	say("second_half_still_there", "%zu wrong words", pattern_check_pages(p, 2 * q, pages - 2 * q, 2));
	return 0;
}
