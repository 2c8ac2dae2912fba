/* mmap_grows: areas that grow down, and file offsets at the top.
 *
 *   MAP_GROWSDOWN on a file mapping: EINVAL (private or shared)
 *   offset + length past the largest file offset (2^63 - 1): EOVERFLOW
 *   mprotect PROT_GROWSDOWN: the change reaches down to the start of a
 *   growing-down area; EINVAL on another area; PROT_GROWSUP: EINVAL
 * Regression (issue 19): MAP_GROWSDOWN on a file was accepted (its grown
 * pages read the wrong offsets) and PROT_GROWSDOWN was ignored.
 */
#include <fcntl.h>
#include "testlib.h"

int main(int argc, char **argv)
{
	(void)argc;
	int fd = open(self_exe(argv[0]), O_RDONLY);
	if (fd < 0)
		setup_fail("open self");
	show_rc("file_growsdown_private",
		sys_mmap(0, 2 * PAGE, PROT_READ, MAP_PRIVATE | MAP_GROWSDOWN, fd, 0) == -1 ? -1 : 0);
	show_rc("file_growsdown_shared",
		sys_mmap(0, 2 * PAGE, PROT_READ, MAP_SHARED | MAP_GROWSDOWN, fd, 0) == -1 ? -1 : 0);
	show_rc("file_offset_at_2_pow_63", sys_mmap(0, PAGE, PROT_READ, MAP_PRIVATE, fd, (long)(1ul << 63)) == -1 ? -1 : 0);
	show_rc("file_offset_end_past_2_pow_63",
		sys_mmap(0, 2 * PAGE, PROT_READ, MAP_PRIVATE, fd, (long)(0x7ffffffffffff000ul)) == -1 ? -1 : 0);
	show_rc("file_offset_top_page", sys_mmap(0, PAGE, PROT_READ, MAP_PRIVATE, fd, -PAGE) == -1 ? -1 : 0);
	long ok = sys_mmap(0, PAGE, PROT_READ, MAP_PRIVATE, fd, (1l << 62));
	show_ok("file_offset_2_pow_62_maps", ok);
	show_ok("anon_offset_huge_ignored", sys_mmap(0, PAGE, PROT_READ, MAP_PRIVATE | MAP_ANONYMOUS, -1, -PAGE));
	close(fd);

	char *g = (char *)sys_mmap(0, 4 * PAGE, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS | MAP_GROWSDOWN,
				   -1, 0);
	if (g == (char *)-1)
		setup_fail("mmap growsdown");
	show_rc("growsdown_mprotect", mprotect(g + 2 * PAGE, PAGE, PROT_READ | PROT_GROWSDOWN));
	show_access("growsdown_first_page", g);
	show_access("growsdown_changed_page", g + 2 * PAGE);
	show_access("growsdown_page_above", g + 3 * PAGE);
	char *p = map_anon(2 * PAGE, PROT_READ | PROT_WRITE);
	show_rc("growsdown_on_plain_area", mprotect(p + PAGE, PAGE, PROT_READ | PROT_GROWSDOWN));
	show_access("plain_area_unchanged", p);
	show_rc("growsup", mprotect(p, PAGE, PROT_READ | PROT_GROWSUP));
	show_rc("growsdown_on_hole", mprotect(unmapped_page(), PAGE, PROT_READ | PROT_GROWSDOWN));
	show_rc("growsup_on_hole", mprotect(unmapped_page(), PAGE, PROT_READ | PROT_GROWSUP));
	show_rc("both", mprotect(p, PAGE, PROT_READ | PROT_GROWSDOWN | PROT_GROWSUP));
	return 0;
}
