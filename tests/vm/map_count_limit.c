/* map_count_limit: what mmap, munmap and mprotect do when a process holds
 * as many areas as vm.max_map_count (65530) allows.
 *
 * One-page areas two pages apart (so none merge) are mapped at fixed
 * addresses until mmap says ENOMEM; the count is then one past the limit,
 * on both systems, whatever areas the program had before. Then:
 *   - a munmap that would punch a hole inside one area: ENOMEM, no change
 *     (the area keeps all its pages and data);
 *   - munmaps that trim an area's end, or span two areas: allowed;
 *   - mprotect of an area's middle: ENOMEM;
 *   - after freeing one area, mmap works again.
 * Regression (issue 19): the refused munmap left the area split.
 * Too slow under debug_vm (which checks every area after every call): the
 * harness runs it in a boot of its own.
 */
#include "testlib.h"

#define BASE ((char *)0x200000000000ul)

static long map_at(char *p, size_t len, int prot)
{
	return sys_mmap((uintptr_t)p, len, prot, MAP_PRIVATE | MAP_ANONYMOUS | MAP_FIXED_NOREPLACE, -1, 0);
}

static int filled(const char *p, size_t len, char c)
{
	for (size_t i = 0; i < len; i++)
		if (p[i] != c)
			return 0;
	return 1;
}

int main(void)
{
	char *victim = BASE - 16 * PAGE;   /* 4 pages, RW, with data */
	char *pair = BASE - 8 * PAGE;      /* two adjacent areas of 2 pages, RW and R */
	if (map_at(victim, 4 * PAGE, PROT_READ | PROT_WRITE) < 0 || map_at(pair, 2 * PAGE, PROT_READ | PROT_WRITE) < 0 ||
	    map_at(pair + 2 * PAGE, 2 * PAGE, PROT_READ) < 0)
		setup_fail("mmap");
	memset(victim, 'v', 4 * PAGE);
	long n = 0;
	while (map_at(BASE + 2 * n * PAGE, PAGE, PROT_READ) != -1)
		n++;
	say("fill_ends_with", "%s", errno_name(errno));
	show_yes("filled_more_than_65000", n > 65000);
	show_rc("mmap_at_limit", map_at(BASE - 32 * PAGE, PAGE, PROT_READ));

	show_rc("munmap_hole_inside_one_area", sys_munmap((uintptr_t)(victim + PAGE), PAGE));
	show_yes("victim_unchanged", can_read(victim + PAGE) && filled(victim, 4 * PAGE, 'v'));
	show_rc("mprotect_middle_of_area", mprotect(victim + PAGE, PAGE, PROT_READ));
	show_yes("victim_still_writable", can_write(victim + 2 * PAGE));
	show_rc("munmap_area_tail", sys_munmap((uintptr_t)(victim + 3 * PAGE), PAGE));
	show_access("victim_tail_after", victim + 3 * PAGE);
	show_rc("munmap_across_two_areas", sys_munmap((uintptr_t)(pair + PAGE), 2 * PAGE));
	show_access("pair_first_page", pair);
	show_access("pair_unmapped_middle", pair + 2 * PAGE);
	show_access("pair_last_page", pair + 3 * PAGE);

	show_rc("munmap_one_whole_area", sys_munmap((uintptr_t)BASE, PAGE));
	show_rc("munmap_one_more", sys_munmap((uintptr_t)(BASE + 2 * PAGE), PAGE));
	show_ok("mmap_after_freeing", map_at(BASE - 32 * PAGE, PAGE, PROT_READ) < 0);
	show_rc("munmap_one_more_again", sys_munmap((uintptr_t)(BASE + 4 * PAGE), PAGE));
	show_rc("munmap_hole_now_allowed", sys_munmap((uintptr_t)(victim + PAGE), PAGE));
	show_rc("munmap_everything", sys_munmap((uintptr_t)(BASE - 32 * PAGE), (2 * n + 32) * PAGE));
	return 0;
}
