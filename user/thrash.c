/* thrash: the cliff where main memory stops being a good cache (CS:APP 9.3.4).
 *
 * Sweeps a working set from half of RAM to twice RAM in eighths. Each step
 * runs in a child of its own: it maps the working set, writes every page
 * once (demand-zero, no major fault), then makes 4 references per page at
 * random (a fixed sequence), and prints how many of those references took a
 * major fault: a page that had been written out to swap and had to be read
 * back. While the set fits, the rate stays near zero; past RAM it climbs
 * toward 1 - RAM/set, and every such reference costs a disk read: thrashing.
 *
 * RAM here is what the kernel says is free when the demo starts (sysinfo
 * freeram + bufferram), or the MiB given as the first argument. Without
 * swap, the steps past RAM are killed by the kernel's OOM killer, and the
 * demo says so. Always true: a step's figures are its own child's
 * (getrusage RUSAGE_SELF), and every page is checked to hold what was
 * written to it last.
 *
 * Each step also prints the child's working set and page-fault frequency as
 * the kernel measured them over its last window of CPU time (/proc/self/
 * status WsPages and Pff, faults per 1000 ticks; mm/workingset.c), read at
 * the end of its random references: the working set stops growing at what
 * fits in RAM while the PFF climbs ("-" on a kernel without them).
 *
 * usage: thrash [RAM_MIB]          (try it with: make run MEM=48M SWAP=256M)
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/resource.h>
#include <sys/sysinfo.h>
#include <sys/wait.h>
#include <unistd.h>

#include "vmcounters.h"

enum { PAGE = 4096, REFS_PER_PAGE = 4, BAR = 40 };

struct step_result {
	long refs;
	long majflt;
	long ws_pages, pff;   /* -1: the kernel has no such figures */
	int checked;
};

static long free_pages(void)
{
	struct sysinfo si;

	if (sysinfo(&si) != 0)
		return 0;
	return (long)((si.freeram + si.bufferram) * si.mem_unit / PAGE);
}

static long majflt_now(void)
{
	struct rusage ru;

	getrusage(RUSAGE_SELF, &ru);
	return ru.ru_majflt;
}

/* next_page: a fixed pseudo-random sequence (a 64-bit LCG), the same on every run. */
static long next_page(unsigned long long *state, long pages)
{
	*state = *state * 6364136223846793005ull + 1442695040888963407ull;
	return (long)((*state >> 33) % (unsigned long long)pages);
}

/* run_step: in the child; writes the result where the parent can read it. */
static void run_step(long pages, struct step_result *out)
{
	unsigned char *ws = mmap(NULL, pages * PAGE, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	unsigned char *shadow = calloc(pages, 1);
	unsigned long long state = 2026;

	if (ws == MAP_FAILED || !shadow)
		_exit(2);
	for (long p = 0; p < pages; p++)
		ws[p * PAGE] = shadow[p] = 1;
	long before = majflt_now();
	out->refs = REFS_PER_PAGE * pages;
	for (long i = 0; i < out->refs; i++) {
		long p = next_page(&state, pages);
		ws[p * PAGE] = ++shadow[p];
	}
	out->majflt = majflt_now() - before;
	out->ws_pages = proc_field("/proc/self/status", "WsPages:");
	out->pff = proc_field("/proc/self/status", "Pff:");
	out->checked = 1;
	for (long p = 0; p < pages; p++)
		out->checked &= ws[p * PAGE] == shadow[p];
}

static void print_bar(double rate)
{
	char bar[BAR + 1];
	int n = (int)(rate * BAR + 0.5);

	memset(bar, '#', n);
	bar[n] = 0;
	printf("|%-*s|", BAR, bar);
}

/* step: one working-set size, in a child; returns 0 if the child was killed. */
static int step(long pages, long ram)
{
	struct step_result *res = mmap(NULL, sizeof *res, PROT_READ | PROT_WRITE, MAP_SHARED | MAP_ANONYMOUS, -1, 0);
	int status;

	fflush(stdout);
	pid_t pid = fork();
	if (pid == 0) {
		run_step(pages, res);
		_exit(0);
	}
	waitpid(pid, &status, 0);
	printf("%6ld MiB  %4ld%% of RAM  ", pages * PAGE >> 20, pages * 100 / ram);
	if (!WIFEXITED(status) || WEXITSTATUS(status) != 0) {
		printf("killed by %s: out of memory? boot with swap (make run SWAP=256M)\n",
		       WIFSIGNALED(status) ? strsignal(WTERMSIG(status)) : "an error");
		return 0;
	}
	double rate = (double)res->majflt / res->refs;
	printf("%8ld refs %6ld major faults  %5.1f%% ", res->refs, res->majflt, 100 * rate);
	if (res->ws_pages >= 0)
		printf("ws %5ld pff %6ld ", res->ws_pages, res->pff);
	else
		printf("ws     - pff      - ");
	print_bar(rate);
	printf("%s\n", res->checked ? "" : "  DATA LOST");
	munmap(res, sizeof *res);
	return 1;
}

int main(int argc, char **argv)
{
	long ram = argc > 1 ? atol(argv[1]) * (1 << 20) / PAGE : free_pages();

	if (ram <= 0) {
		fprintf(stderr, "thrash: cannot tell how much RAM is free; give it in MiB\n");
		return 2;
	}
	printf("thrash: RAM for the working set %ld MiB; %d random references per page\n",
	       ram * PAGE >> 20, REFS_PER_PAGE);
	printf("working set (share of RAM)       references, major faults     rate  ws (pages) pff (per 1000 ticks)\n");
	for (int eighths = 4; eighths <= 16; eighths++)
		if (!step(ram * eighths / 8, ram))
			break;
	return 0;
}
