/* thpcost: a TLB-heavy loop over 1 GiB with 4 KiB pages and with 2 MiB
 * pages (CS:APP 9.7: one TLB entry covers 4 KiB or 2 MiB), in guest
 * instructions (`-icount shift=0`: rdtsc counts retired instructions).
 *
 * argv[1] "4k" (madvise MADV_NOHUGEPAGE) or "2m" (MADV_HUGEPAGE) on a
 * 1 GiB private anonymous area placed 2 MiB-aligned:
 *   thp_touch_X   the first write to every 4 KiB of it (the page faults:
 *                 262144 with 4 KiB pages, 512 with 2 MiB pages)
 *   thp_loop_X    one read of every 4 KiB of it, all mapped (the TLB loop)
 *   thp_walks_X   page walks of that loop, counted by the CPU itself: the
 *                 accessed bits are cleared first (clear_refs 1), and every
 *                 walk that loads a leaf entry sets its bit (SDM 4.8), so
 *                 the entries found accessed afterwards (smaps Referenced,
 *                 per page size: AnonHugePages) are the walks the loop
 *                 needed at the least; a TLB smaller than the loop's
 *                 footprint needs at least these on every pass
 *   thp_huge_kb_X AnonHugePages of the area (which page size was used)
 * The same binary runs on Linux (under bench/linux_init, which mounts /proc).
 */
#define _GNU_SOURCE
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>
#include "icount.h"
#include "../user/vmcounters.h"

enum { PAGE = 4096, HUGE = 2 << 20 };
#define AREA (1ul << 30)

static void report(const char *name, const char *size, unsigned long long v)
{
	printf("thpcost: %s_%s=%llu\n", name, size, v);
	fflush(stdout);
}

static void clear_refs(void)
{
	int fd = open("/proc/self/clear_refs", O_WRONLY);
	if (fd < 0 || write(fd, "1", 1) != 1)
		printf("thpcost: clear_refs failed\n");
	close(fd);
}

/* A 1 GiB area on a 2 MiB boundary (mapped 2 MiB larger, then trimmed). */
static char *aligned_area(void)
{
	char *p = mmap(NULL, AREA + HUGE, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	if (p == MAP_FAILED)
		exit(1);
	char *a = (char *)(((unsigned long)p + HUGE - 1) & ~(unsigned long)(HUGE - 1));
	if (a > p)
		munmap(p, a - p);
	munmap(a + AREA, p + HUGE - a);
	return a;
}

int main(int argc, char **argv)
{
	const char *size = argc > 1 ? argv[1] : "4k";
	char *p = aligned_area();
	madvise(p, AREA, strcmp(size, "2m") ? MADV_NOHUGEPAGE : MADV_HUGEPAGE);
	unsigned long long t0 = rdtsc();
	for (unsigned long i = 0; i < AREA; i += PAGE)
		p[i] = 1;
	report("thp_touch", size, rdtsc() - t0);
	clear_refs();
	volatile char *v = p;
	unsigned long sum = 0;
	t0 = rdtsc();
	for (unsigned long i = 0; i < AREA; i += PAGE)
		sum += v[i];
	report("thp_loop", size, rdtsc() - t0);
	long ref = smaps_field(p, "Referenced:"), huge = smaps_field(p, "AnonHugePages:");
	report("thp_walks", size, ref < 0 || huge < 0 ? 0 : (ref - huge) / 4 + huge / 2048);
	report("thp_huge_kb", size, huge < 0 ? 0 : huge);
	return sum == AREA / PAGE ? 0 : 1;
}
