/* vmcost: what the kernel's hot paths cost, in guest instructions.
 *
 * Run under QEMU with `-icount shift=0` (tools/pagoda-run --icount), where
 * rdtsc counts retired guest instructions: the figures are then exact and
 * repeatable, and comparable between kernels booted the same way.
 *
 *   getpid            one syscall round trip (entry, dispatch, sysret)
 *   demand-zero fault first write to an untouched anonymous page
 *   cow fault (copy)  first write to a page shared with a forked child
 *
 * Each figure is the median of N samples minus the cost of the same access
 * without a fault (a write to a page already present).
 */
#include <stdio.h>
#include "icount.h"
#include <stdlib.h>
#include <sys/mman.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

enum { N = 256, PAGE = 4096 };

/* Cost of one write to each page of p, median over N pages. */
static unsigned long long touch_cost(volatile char *p)
{
	static unsigned long long t[N];
	for (int i = 0; i < N; i++) {
		unsigned long long t0 = rdtsc();
		p[(long)i * PAGE] = 1;
		t[i] = rdtsc() - t0;
	}
	return median(t, N);
}

static unsigned long long getpid_cost(void)
{
	static unsigned long long t[N];
	for (int i = 0; i < N; i++) {
		unsigned long long t0 = rdtsc();
		syscall(SYS_getpid);
		t[i] = rdtsc() - t0;
	}
	return median(t, N);
}

static char *map(void)
{
	char *p = mmap(NULL, (long)N * PAGE, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	if (p == MAP_FAILED)
		exit(1);
	return p;
}

int main(void)
{
	char *a = map();
	unsigned long long zero = touch_cost(a);      /* demand-zero faults */
	unsigned long long present = touch_cost(a);   /* no fault: the baseline */
	char *b = map();
	touch_cost(b);                                /* b's pages are now present */
	fflush(stdout);
	pid_t pid = fork();
	if (pid == 0) {
		unsigned long long cow = touch_cost(b);   /* the parent still shares them: copy */
		printf("vmcost: cow_fault_copy=%llu\n", cow - present);
		fflush(stdout);
		_exit(0);
	}
	waitpid(pid, NULL, 0);
	printf("vmcost: getpid=%llu\n", getpid_cost());
	printf("vmcost: demand_zero_fault=%llu\n", zero - present);
	printf("vmcost: present_write=%llu\n", present);
	return 0;
}
