/* Graded cases of the swap lab: main memory as a cache for disk (CS:APP
 * 9.3.4). The lab's two pieces are the swap-out path (mm/vmscan.c: a victim
 * unmapped from every page table that maps it, its data written to its
 * slot) and the clock policy (mm/replace_clock.c). The spec boots these
 * with --mem 32M, a swap disk and swap_policy=clock.
 *
 * clock_major_faults replays a recorded reference string (/test/swapreplay,
 * bench/swapreplay.c, in a child of its own) and prints its line; tools/grade
 * compares the child's ru_majflt with tools/swapsim.py's model of clock at
 * the frames the run held. every_byte_back and fork_shares_slots check data:
 * every word of memory larger than RAM comes back (tests/pattern.h), and
 * swap's free space (/proc/meminfo SwapFree, counted by mm/swapfile.c) is
 * whole again afterwards.
 */
#include "grade.h"
#include "../pattern.h"

#include <sys/mman.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <unistd.h>

static long major_faults(void)
{
	struct rusage ru;
	getrusage(RUSAGE_SELF, &ru);
	return ru.ru_majflt;
}

/* Swap the other processes (this one's parent, init) may put out while a
 * case runs: their idle pages are victims too. A slot leak of the case's
 * own area is thousands of pages, far past it. */
enum { OTHERS_SWAP_KIB = 2048 };

static long swap_free_kib(void)
{
	static char buf[8192];
	FILE *f = fopen("/proc/meminfo", "r");
	long kib = -1;
	while (f && fgets(buf, sizeof buf, f))
		sscanf(buf, "SwapFree: %ld kB", &kib);
	if (f)
		fclose(f);
	return kib;
}

/* Pages in an area `share` quarters of the free memory this process sees. */
static size_t quarters_of_ram(int share)
{
	return (size_t)free_frames() * share / 4;
}

static int clock_major_faults(void)
{
	char *argv[] = { "/test/swapreplay", "/test/swap_hotscan.ref", NULL };
	int status = run_program(argv, NULL);
	EXPECT(status == 0, "expected swapreplay to exit 0, seen status %d", status);
	return 0;
}

/* A pattern over 1.5x RAM, written, then read back word for word. */
static int every_byte_back(void)
{
	long swap_before = swap_free_kib();
	size_t pages = quarters_of_ram(6);
	char *p = map_anon(pages * PAGE);
	pattern_fill_pages(p, 0, pages, 1);
	size_t bad = pattern_check_pages(p, 0, pages, 1);
	EXPECT(bad == 0, "expected every word of %zu pages back, seen %zu wrong words", pages, bad);
	EXPECT(major_faults() > 0, "expected major faults (pages read back from swap), seen none");
	munmap(p, pages * PAGE);
	EXPECT(swap_free_kib() >= swap_before - OTHERS_SWAP_KIB,
	       "expected SwapFree back near %ld kB after munmap (slots freed), seen %ld kB", swap_before,
	       swap_free_kib());
	return 0;
}

/* child_reads_then_writes: every word of the parent's pattern, then a new
 * pattern over the first half. Exit status 0 when all was intact. */
static int child_reads_then_writes(char *p, size_t pages)
{
	if (pattern_check_pages(p, 0, pages, 2))
		return 1;
	pattern_fill_pages(p, 0, pages / 2, 3);
	return pattern_check_pages(p, 0, pages / 2, 3) ? 1 : 0;
}

/* Memory 1.25x RAM, much of it on swap at fork: the child's entries name
 * the same slots. The child reads everything and rewrites half; the parent
 * still reads its own pattern; once the child is gone and the area
 * unmapped, no slot is left taken. */
static int fork_shares_slots(void)
{
	long swap_before = swap_free_kib();
	size_t pages = quarters_of_ram(5);
	char *p = map_anon(pages * PAGE);
	pattern_fill_pages(p, 0, pages, 2);
	fflush(stdout);
	pid_t pid = fork();
	if (pid == 0)
		_exit(child_reads_then_writes(p, pages));
	EXPECT(pid > 0, "expected fork of %zu pages (1.25x RAM) to succeed, seen it fail", pages);
	int status = -1;
	waitpid(pid, &status, 0);
	EXPECT(WIFEXITED(status) && WEXITSTATUS(status) == 0,
	       "expected the child to read the parent's pattern and its own writes back, seen status 0x%x", status);
	size_t bad = pattern_check_pages(p, 0, pages, 2);
	EXPECT(bad == 0, "expected the parent's %zu pages intact after the child wrote, seen %zu wrong words", pages,
	       bad);
	munmap(p, pages * PAGE);
	EXPECT(swap_free_kib() >= swap_before - OTHERS_SWAP_KIB,
	       "expected SwapFree back near %ld kB once the child exited (slots freed), seen %ld kB", swap_before,
	       swap_free_kib());
	return 0;
}

static const struct grade_case swap_cases[] = {
	{ "swap/clock_major_faults", clock_major_faults },
	{ "swap/every_byte_back", every_byte_back },
	{ "swap/fork_shares_slots", fork_shares_slots },
	{ NULL, NULL },
};
GRADE_CASES(swap_cases)
