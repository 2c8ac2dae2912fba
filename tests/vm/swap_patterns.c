/* swap_patterns: memory two to three times RAM keeps every byte.
 *
 * On Pagoda the swap suite boots this with --mem 48M and a swap disk, so
 * most of what is written here goes out to swap and comes back on the next
 * touch; on the host it simply stays in RAM. One process writes a pattern
 * over 80 MiB, checks it, rewrites every other page and checks both halves;
 * then four processes at once each write and check their own 24 MiB, their
 * pages evicted and read back in between one another's. Every word is
 * compared (tests/pattern.h). Leaks are the kernel's audits' to find: the
 * swap suite boots with debug_vm, which audits frames and swap slots at
 * every exit (free counts cannot tell: the runner's own idle pages may be
 * in swap at the end and not at the start).
 */
#include "testlib.h"
#include "pattern.h"

enum { ONE_MIB = 80, EACH_MIB = 24, CHILDREN = 4 };

static void one_process(void)
{
	size_t pages = (size_t)ONE_MIB * MIB / PAGE;
	char *p = map_anon(pages * PAGE, PROT_READ | PROT_WRITE);
	size_t bad_odd = 0, bad_even = 0;

	pattern_fill_pages(p, 0, pages, 1);
	say("one_80m_written_and_read", "%zu wrong words", pattern_check_pages(p, 0, pages, 1));
	for (size_t k = 1; k < pages; k += 2)
		pattern_fill_pages(p, k, 1, 2);
	for (size_t k = 0; k < pages; k++)
		*(k % 2 ? &bad_odd : &bad_even) += pattern_check_pages(p, k, 1, k % 2 ? 2 : 1);
	say("one_80m_odd_pages_rewritten", "%zu wrong words", bad_odd);
	say("one_80m_even_pages_kept", "%zu wrong words", bad_even);
	sys_munmap((uintptr_t)p, pages * PAGE);
}

/* writer: one of the processes at once; its exit status is 0 when intact. */
static int writer(void *arg)
{
	uint64_t tag = 10 + (uintptr_t)arg;
	size_t pages = (size_t)EACH_MIB * MIB / PAGE;
	char *p = map_anon(pages * PAGE, PROT_READ | PROT_WRITE);

	pattern_fill_pages(p, 0, pages, tag);
	sched_yield();
	size_t bad = pattern_check_pages(p, 0, pages, tag);
	pattern_fill_pages(p, 0, pages / 2, tag + 100);
	bad += pattern_check_pages(p, 0, pages / 2, tag + 100);
	bad += pattern_check_pages(p, pages / 2, pages - pages / 2, tag);
	return bad ? 1 : 0;
}

static void processes_at_once(void)
{
	pid_t pid[CHILDREN];
	int intact = 0;

	for (int i = 0; i < CHILDREN; i++) {
		pid[i] = fork_flushed();
		if (pid[i] == 0)
			_exit(writer((void *)(uintptr_t)i));
	}
	for (int i = 0; i < CHILDREN; i++) {
		int st = reap(pid[i]);
		intact += WIFEXITED(st) && WEXITSTATUS(st) == 0;
	}
	say("four_processes_24m_each", "%d of %d intact", intact, CHILDREN);
}

int main(void)
{
	one_process();
	processes_at_once();
	return 0;
}
