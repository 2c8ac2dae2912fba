/* demo_lazy: demand paging, watched (CS:APP 9.3.4 and 9.8).
 *
 * mmap reserves 8 pages but maps none of them; each first touch takes a page
 * fault that the kernel resolves with a zero-filled frame ("demand-zero
 * page"). Boot with `trace=fault` (make run CMDLINE=trace=fault) to see one
 * kernel line per fault.
 */
#include <stdio.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/resource.h>

#include "vmcounters.h"

static long faults(void)
{
	struct rusage ru;
	getrusage(RUSAGE_SELF, &ru);
	return ru.ru_minflt;
}

int main(void)
{
	enum { PAGES = 8, PAGE = 4096 };
	struct vm_snapshot start, end;
	int have_counters = vm_snapshot_self(&start) == 0;   /* Pagoda's /proc/self/vmstat */
	char *p = mmap(NULL, PAGES * PAGE, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	if (p == MAP_FAILED)
		return 1;
	printf("mapped %d pages at %p: no frame behind any of them yet\n", PAGES, (void *)p);
	long before = faults();
	for (int i = 0; i < PAGES; i += 2) {
		p[i * PAGE] = 'x';   /* first touch: a demand-zero fault */
		printf("touched page %d\n", i);
	}
	long first = faults() - before;
	before = faults();
	for (int i = 0; i < PAGES; i += 2)
		p[i * PAGE + 1] = 'y';   /* already present: no fault */
	long second = faults() - before;
	printf("first touches: %ld faults; second touches: %ld faults\n", first, second);
	printf("page 1 (never touched) reads as zero: %s\n", p[PAGE] == 0 ? "yes" : "no");
	if (have_counters && vm_snapshot_self(&end) == 0) {
		printf("this process's counters changed by:\n");
		vm_snapshot_print_delta(&start, &end);
	}
	return first >= PAGES / 2 && second == 0 ? 0 : 1;
}
