/* vmstat: the kernel's virtual-memory counters, explained (CS:APP 9.3: VM as a cache).
 *
 *   vmstat              every counter since boot, each with what it counts
 *   vmstat CMD ARGS...  run CMD and print the change of every counter it
 *                       caused (its fork and exec included), each explained
 *
 * pgfault counts every page fault; the other lines split them by the case
 * mm/fault.c resolved them with (demand-zero, file page, COW copy or reuse).
 */
#include <stdio.h>
#include <sys/wait.h>
#include <unistd.h>

#include "vmcounters.h"

static int show_totals(void)
{
	struct vm_snapshot zero = { 0 }, now;
	if (vm_snapshot_read("/proc/vmstat", &now) < 0) {
		perror("/proc/vmstat");
		return 1;
	}
	printf("counters since boot (/proc/vmstat):\n");
	vm_snapshot_print_delta(&zero, &now);
	return 0;
}

static int run_and_compare(char **argv)
{
	struct vm_snapshot before, after;
	int status;
	if (vm_snapshot_read("/proc/vmstat", &before) < 0) {
		perror("/proc/vmstat");
		return 1;
	}
	fflush(stdout);
	pid_t pid = fork();
	if (pid == 0) {
		char path[256];
		snprintf(path, sizeof path, "/bin/%s", argv[0]);
		execv(argv[0][0] == '/' ? argv[0] : path, argv);
		perror(argv[0]);
		_exit(127);
	}
	if (pid < 0 || waitpid(pid, &status, 0) < 0) {
		perror("vmstat");
		return 1;
	}
	vm_snapshot_read("/proc/vmstat", &after);
	printf("vmstat: what running `%s` changed (its fork and exec included):\n", argv[0]);
	if (!vm_snapshot_print_delta(&before, &after))
		printf("  nothing\n");
	return WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
}

int main(int argc, char **argv)
{
	if (argc > 1 && argv[1][0] == '-') {
		fprintf(stderr, "usage: vmstat [CMD ARGS...]\n");
		return 2;
	}
	return argc > 1 ? run_and_compare(argv + 1) : show_totals();
}
