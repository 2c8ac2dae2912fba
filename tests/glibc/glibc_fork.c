/* glibc_fork: glibc's process calls, in a binary built with the host's gcc
 * -static (glibc), not musl.
 *
 * glibc's fork() is clone(CLONE_CHILD_SETTID|CLONE_CHILD_CLEARTID|SIGCHLD)
 * with the tid word in its thread descriptor; its system() and popen() go
 * through posix_spawn (clone(CLONE_VM|CLONE_VFORK)) and /bin/sh -c; its
 * signal() installs handlers with its own restorer. Each must behave as on
 * Linux. (/bin/sh is dash on the host and Pagoda's shell, with -c, here;
 * busybox is on both PATHs.)
 */
#include "testlib.h"

static volatile int got;

static void on_usr1(int sig)
{
	(void)sig;
	got++;
}

int main(void)
{
	pid_t pid = fork_flushed();

	if (pid == 0)
		_exit(getpid() == (pid_t)syscall(SYS_gettid) ? 7 : 1);
	show_status("glibc_fork_child", reap(pid));
	pid = fork_flushed();
	if (pid == 0) {
		pid_t inner = fork_flushed();
		if (inner == 0)
			_exit(3);
		_exit(WEXITSTATUS(reap(inner)) + 1);
	}
	show_status("glibc_fork_grandchild", reap(pid));
	signal(SIGUSR1, on_usr1);
	raise(SIGUSR1);
	say("glibc_signal_handler", "%d", got);
	pid = vfork();
	if (pid == 0)
		_exit(5);
	show_status("glibc_vfork", reap(pid));
	/* system() and popen(): posix_spawn (CLONE_VM|CLONE_VFORK) of /bin/sh -c */
	fflush(stdout);
	show_status("glibc_system_exit_3", system("exit 3"));
	FILE *f = popen("busybox echo through popen", "r");
	char line[64] = "";
	if (f && fgets(line, sizeof line, f))
		line[strcspn(line, "\n")] = 0;
	say("glibc_popen_reads", "%s", line);
	show_status("glibc_pclose", f ? pclose(f) : -1);
	return 0;
}
