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
#include "vmops.h"
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

enum { N = 256, PAGE = VM_PAGE, FORK_N = 7, FORK_BYTES = 16 << 20, UNMAP_N = 16 };

static unsigned long long t[N];

static void report(const char *name, unsigned long long v)
{
	printf("vmcost: %s=%llu\n", name, v);
	fflush(stdout);
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

static unsigned long long munmap_per_page(void)
{
	for (int i = 0; i < UNMAP_N; i++) {
		char *p = vm_map((long)N * PAGE);
		memset(p, 1, (long)N * PAGE);
		unsigned long long t0 = rdtsc();
		munmap(p, (long)N * PAGE);
		t[i] = (rdtsc() - t0) / N;
	}
	return median(t, UNMAP_N);
}

/* The copy in the child, then the reuse in the parent once it is gone. */
static void cow_costs(unsigned long long present)
{
	char *b = vm_map((long)N * PAGE);
	vm_write_cost(b, N, t);   /* b's pages are now present */
	pid_t pid = fork();
	if (pid == 0) {
		report("cow_fault_copy", vm_write_cost(b, N, t) - present);
		_exit(0);
	}
	waitpid(pid, NULL, 0);
	report("cow_fault_reuse", vm_write_cost(b, N, t) - present);
	munmap(b, (long)N * PAGE);
}

int main(void)
{
	char *a = vm_map((long)N * PAGE);
	unsigned long long zero = vm_write_cost(a, N, t);      /* demand-zero faults */
	unsigned long long present = vm_write_cost(a, N, t);   /* no fault: the baseline */
	report("getpid", getpid_cost());
	report("demand_zero_fault", zero - present);
	cow_costs(present);
	report("present_write", present);
	report("mprotect", vm_mprotect_cost(N, t));
	report("mmap_munmap", vm_mmap_cost(0, N, t));
	report("mmap_touch_munmap", vm_mmap_cost(1, N, t));
	report("munmap_per_page", munmap_per_page());
	report("fork_16m", vm_fork_cost(FORK_BYTES, FORK_N, t));
	return 0;
}
