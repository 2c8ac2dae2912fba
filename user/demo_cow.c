/* demo_cow: fork and copy-on-write, watched (CS:APP 9.8.2).
 *
 * After fork, parent and child share every page read-only. The first write
 * to a shared page faults; the kernel copies the page for the writer
 * ("copy-on-write: copy"), or, when the other side no longer holds it, just
 * makes it writable again ("copy-on-write: reuse"). Boot with `trace=fault`
 * to see each decision, and run `vmstat` before and after.
 */
#include <stdio.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/wait.h>
#include <unistd.h>

#include "vmcounters.h"

int main(void)
{
	enum { PAGES = 4, PAGE = 4096 };
	char *buf = mmap(NULL, PAGES * PAGE, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	if (buf == MAP_FAILED)
		return 1;
	memset(buf, 'p', PAGES * PAGE);   /* the parent owns 4 private pages */
	static struct vm_snapshot start, end;
	int have_counters = vm_snapshot_self(&start) == 0;   /* Pagoda's /proc/self/vmstat */
	fflush(stdout);
	pid_t pid = fork();
	if (pid == 0) {
		buf[0] = 'c';   /* child writes page 0: copy (the parent still shares it) */
		printf("child:  page 0 = %c, page 1 = %c\n", buf[0], buf[PAGE]);
		static const struct vm_snapshot birth;   /* a new process's counters start at zero */
		if (have_counters && vm_snapshot_self(&end) == 0) {
			printf("child:  my counters since fork:\n");
			vm_snapshot_print_delta(&birth, &end);
		}
		fflush(stdout);
		_exit(0);
	}
	int status;
	waitpid(pid, &status, 0);
	buf[PAGE] = 'P';   /* parent writes page 1: the child is gone, so reuse */
	printf("parent: page 0 = %c, page 1 = %c (the child's write did not reach us)\n", buf[0], buf[PAGE]);
	if (have_counters && vm_snapshot_self(&end) == 0) {
		printf("parent: my counters since fork:\n");
		vm_snapshot_print_delta(&start, &end);
	}
	return buf[0] == 'p' ? 0 : 1;
}
