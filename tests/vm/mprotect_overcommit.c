/* mprotect_overcommit: making private memory writable charges it against
 * RAM, as mmap of writable memory does (the heuristic overcommit mode 0:
 * one request larger than RAM plus swap is refused).
 *
 *   PROT_READ private, more than RAM + swap: mmap fine; mprotect RW ENOMEM
 *   the same with MAP_NORESERVE: mprotect RW fine (never charged)
 *   a part no larger than RAM of it: mprotect RW fine
 *   an area charged at mmap (RW), made RO and RW again: fine
 * Regression (issue 19): mprotect RO->RW of twice RAM was accepted.
 * Not here: shared anonymous memory larger than RAM, which Pagoda refuses at
 * mmap even with MAP_NORESERVE (its page array is kernel memory).
 */
#include <sys/sysinfo.h>
#include "testlib.h"

int main(void)
{
	struct sysinfo si;
	if (sysinfo(&si))
		setup_fail("sysinfo");
	size_t ram = (size_t)si.totalram * si.mem_unit, swap = (size_t)si.totalswap * si.mem_unit;
	size_t big = ((ram + swap) * 2 + PAGE) & ~(size_t)(PAGE - 1);
	size_t part = (ram / 2) & ~(size_t)(PAGE - 1);

	show_rc("mmap_rw_twice_ram", sys_mmap(0, big, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0) == -1
					      ? -1 : 0);
	long p = sys_mmap(0, big, PROT_READ, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	show_ok("mmap_ro_twice_ram", p);
	show_rc("mprotect_ro_to_rw_twice_ram", mprotect((void *)p, big, PROT_READ | PROT_WRITE));
	show_yes("still_read_only", !can_write((char *)p));
	show_rc("mprotect_ro_to_rw_half_ram_part", mprotect((void *)p, part, PROT_READ | PROT_WRITE));
	show_yes("part_writable", can_write((char *)p) && !can_write((char *)p + part));
	show_rc("mprotect_ro_to_rwx_rest", mprotect((char *)p + part, big - part, PROT_READ | PROT_WRITE | PROT_EXEC));
	show_rc("mprotect_to_none", mprotect((void *)p, big, PROT_NONE));
	show_rc("munmap", sys_munmap(p, big));

	p = sys_mmap(0, big, PROT_READ, MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);
	show_ok("mmap_ro_noreserve_twice_ram", p);
	show_rc("mprotect_noreserve_to_rw", mprotect((void *)p, big, PROT_READ | PROT_WRITE));
	show_rc("munmap_noreserve", sys_munmap(p, big));

	p = sys_mmap(0, part, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	show_ok("mmap_rw_half_ram", p);
	show_rc("mprotect_rw_to_ro", mprotect((void *)p, part, PROT_READ));
	show_rc("mprotect_back_to_rw", mprotect((void *)p, part, PROT_READ | PROT_WRITE));
	show_rc("munmap_half", sys_munmap(p, part));

	return 0;
}
