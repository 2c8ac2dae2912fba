/* preempt: the timer takes the CPU away from a program that never gives it
 * up. A child spins forever incrementing a counter in shared memory; the
 * parent spins (no syscalls) until it sees the counter move, then kills the
 * child. Without preemption on the timer tick, whichever runs first would
 * keep the CPU forever and the test would time out.
 *
 * Also: an unimplemented syscall number returns ENOSYS, and the process
 * goes on.
 */
#include <signal.h>
#include <sys/syscall.h>
#include "testlib.h"

int main(void)
{
	volatile long *shared = (volatile long *)map_shared(PAGE);
	volatile long spins = 0;

	pid_t pid = fork_flushed();
	if (pid == 0) {
		for (;;)
			shared[0]++;
	}
	while (shared[0] < 1000)
		spins++;
	show_yes("parent_saw_child_run", shared[0] >= 1000);
	shared[1] = 1;
	kill(pid, SIGKILL);
	show_status("spinning_child_killed", reap(pid));

	pid = fork_flushed();
	if (pid == 0) {   /* the roles swapped: the child waits for the parent */
		while (shared[2] < 1000)
			;
		_exit(7);
	}
	for (long i = 0; i < 5000; i++)
		shared[2]++;
	show_status("waiting_child_finished", reap(pid));

	show_rc("unknown_syscall_400", syscall(400));
	show_rc("unknown_syscall_huge", syscall(100000));
	show_yes("alive_after_enosys", 1);
	return 0;
}
