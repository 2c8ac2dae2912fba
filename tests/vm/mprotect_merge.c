/* mprotect_merge: after mprotect splits an area and a second mprotect makes
 * the pieces alike again, they are one area again (as /proc/self/maps shows
 * on both Linux and Pagoda). Regression: Pagoda left the piece split off at
 * the end apart, and vma_check panicked under debug_vm. */
#include <stdio.h>
#include <string.h>
#include "testlib.h"

/* How many /proc/self/maps lines overlap [p, p + len). */
static int areas_over(char *p, size_t len)
{
	FILE *f = fopen("/proc/self/maps", "r");
	char line[512];
	unsigned long lo, hi;
	int n = 0;
	while (f && fgets(line, sizeof line, f))
		if (sscanf(line, "%lx-%lx", &lo, &hi) == 2 && lo < (unsigned long)p + len && hi > (unsigned long)p)
			n++;
	if (f)
		fclose(f);
	return n;
}

int main(void)
{
	char *guard = map_anon(6 * PAGE, PROT_NONE);   /* neighbours that never merge with RW */
	sys_munmap((uintptr_t)guard + 5 * PAGE, PAGE);   /* and a hole after them */
	char *a = place(guard + PAGE, 3, PROT_READ | PROT_WRITE);
	say("initially_one_area", "%d", areas_over(a, 3 * PAGE));
	sys_mprotect((uintptr_t)a, PAGE, PROT_READ);
	say("split_in_two", "%d", areas_over(a, 3 * PAGE));
	sys_mprotect((uintptr_t)a, 2 * PAGE, PROT_READ | PROT_WRITE);
	say("merged_again", "%d", areas_over(a, 3 * PAGE));
	sys_mprotect((uintptr_t)a + PAGE, PAGE, PROT_READ);
	say("middle_split_three", "%d", areas_over(a, 3 * PAGE));
	sys_mprotect((uintptr_t)a, 3 * PAGE, PROT_READ | PROT_WRITE);
	say("all_rw_one_area", "%d", areas_over(a, 3 * PAGE));
	show_rc("over_hole_enomem", sys_mprotect((uintptr_t)a, 4 * PAGE + PAGE, PROT_READ));
	say("after_hole_error", "%d", areas_over(a, 3 * PAGE));
	return 0;
}
