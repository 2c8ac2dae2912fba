/* vmcost: what the kernel's VM operations cost, in guest instructions.
 *
 * Run under QEMU with `-icount shift=0` (tools/pagoda-run --icount), where
 * rdtsc counts retired guest instructions: the figures are then exact and
 * repeatable, and comparable between kernels booted the same way.
 *
 *   getpid              one syscall round trip (entry, dispatch, sysret)
 *   demand_zero_fault   first write to an untouched anonymous page
 *   cow_fault_copy      first write in the child to a page shared since fork
 *   cow_fault_reuse     first write in the parent once the child has exited
 *                       (the frame is no longer shared: no copy)
 *   present_write       a write to a present page (user instructions only)
 *   mprotect            one page inside a touched 16-page area, RW -> R
 *                       (split) and back (merge): the mean of the two calls
 *   mmap_munmap         mmap + munmap of one anonymous page
 *   mmap_touch_munmap   the same with one write between
 *   munmap_per_page     munmap of 256 touched pages, divided by 256
 *   fork_16m            fork of a process with 16 MiB touched, parent side
 *                       (fork's return in the parent)
 *
 * Each figure is the median of its samples; the fault rows have the cost of
 * the same write to a present page taken off.
 */
#include <stdio.h>
#include "icount.h"
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

enum { N = 256, PAGE = 4096, FORK_N = 7, FORK_BYTES = 16 << 20, UNMAP_N = 16 };

static unsigned long long t[N];

static char *map(long len)
{
	char *p = mmap(NULL, len, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	if (p == MAP_FAILED)
		exit(1);
	return p;
}

static void report(const char *name, unsigned long long v)
{
	printf("vmcost: %s=%llu\n", name, v);
	fflush(stdout);
}

/* Cost of one write to each of the N pages of p, median. */
static unsigned long long touch_cost(volatile char *p)
{
	for (int i = 0; i < N; i++) {
		unsigned long long t0 = rdtsc();
		p[(long)i * PAGE] = 1;
		t[i] = rdtsc() - t0;
	}
	return median(t, N);
}

static unsigned long long getpid_cost(void)
{
	for (int i = 0; i < N; i++) {
		unsigned long long t0 = rdtsc();
		syscall(SYS_getpid);
		t[i] = rdtsc() - t0;
	}
	return median(t, N);
}

/* One page in the middle of a touched 16-page area, to R and back. */
static unsigned long long mprotect_cost(void)
{
	char *a = map(16L * PAGE), *mid = a + 8L * PAGE;
	memset(a, 1, 16L * PAGE);
	for (int i = 0; i < N; i++) {
		unsigned long long t0 = rdtsc();
		if (mprotect(mid, PAGE, PROT_READ) || mprotect(mid, PAGE, PROT_READ | PROT_WRITE))
			exit(1);
		t[i] = (rdtsc() - t0) / 2;
	}
	munmap(a, 16L * PAGE);
	return median(t, N);
}

static unsigned long long mmap_cost(int touch)
{
	for (int i = 0; i < N; i++) {
		unsigned long long t0 = rdtsc();
		volatile char *p = map(PAGE);
		if (touch)
			p[0] = 1;
		if (munmap((void *)p, PAGE))
			exit(1);
		t[i] = rdtsc() - t0;
	}
	return median(t, N);
}

static unsigned long long munmap_per_page(void)
{
	for (int i = 0; i < UNMAP_N; i++) {
		char *p = map((long)N * PAGE);
		memset(p, 1, (long)N * PAGE);
		unsigned long long t0 = rdtsc();
		munmap(p, (long)N * PAGE);
		t[i] = (rdtsc() - t0) / N;
	}
	return median(t, UNMAP_N);
}

/* Parent side of fork with 16 MiB written just before; the child waits on
 * a pipe so that it costs nothing should it run first. */
static unsigned long long fork_cost(void)
{
	char *a = map(FORK_BYTES);
	for (int i = 0; i < FORK_N; i++) {
		int fd[2];
		memset(a, i + 1, FORK_BYTES);
		if (pipe(fd))
			exit(1);
		unsigned long long t0 = rdtsc();
		pid_t pid = fork();
		if (pid == 0) {
			char c;
			_exit(read(fd[0], &c, 1) == 1 ? 0 : 1);
		}
		t[i] = rdtsc() - t0;
		if (pid < 0 || write(fd[1], "x", 1) != 1 || waitpid(pid, NULL, 0) != pid)
			exit(1);
		close(fd[0]);
		close(fd[1]);
	}
	munmap(a, FORK_BYTES);
	return median(t, FORK_N);
}

/* The copy in the child, then the reuse in the parent once it is gone. */
static void cow_costs(unsigned long long present)
{
	char *b = map((long)N * PAGE);
	touch_cost(b);   /* b's pages are now present */
	pid_t pid = fork();
	if (pid == 0) {
		report("cow_fault_copy", touch_cost(b) - present);
		_exit(0);
	}
	waitpid(pid, NULL, 0);
	report("cow_fault_reuse", touch_cost(b) - present);
	munmap(b, (long)N * PAGE);
}

int main(void)
{
	char *a = map((long)N * PAGE);
	unsigned long long zero = touch_cost(a);      /* demand-zero faults */
	unsigned long long present = touch_cost(a);   /* no fault: the baseline */
	report("getpid", getpid_cost());
	report("demand_zero_fault", zero - present);
	cow_costs(present);
	report("present_write", present);
	report("mprotect", mprotect_cost());
	report("mmap_munmap", mmap_cost(0));
	report("mmap_touch_munmap", mmap_cost(1));
	report("munmap_per_page", munmap_per_page());
	report("fork_16m", fork_cost());
	return 0;
}
