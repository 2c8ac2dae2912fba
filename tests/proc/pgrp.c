/* pgrp: process groups and sessions, and signals sent to a group.
 *
 * setpgid's rules (own or child only, ESRCH, EINVAL, EPERM for a group in
 * another session, EACCES after the child's execve), getpgid/getpgrp,
 * setsid (EPERM for a group leader), getsid; kill(-pgid) and kill(0)
 * reaching every member; wait4 on a group (-pgid) and on the caller's own
 * group (0).
 */
#include "testlib.h"

static int new_session(void *arg)
{
	(void)arg;
	pid_t me = getpid();
	if (setsid() != me)
		return 1;
	if (getsid(0) != me || getpgrp() != me || getpgid(0) != me)
		return 2;
	if (setsid() != -1 || errno != EPERM)
		return 3;
	if (setpgid(0, getppid()) != -1 || errno != EPERM)
		return 4;   /* a session leader cannot move */
	return 0;
}

static void group_kill_cases(void)
{
	pid_t a = spawn_blocked();
	pid_t b = spawn_blocked();

	show_rc("setpgid_child_own_group", setpgid(a, 0));
	show_rc("setpgid_child_join", setpgid(b, a));
	show_yes("getpgid_child", getpgid(a) == a && getpgid(b) == a);
	show_yes("getpgid_self_unchanged", getpgid(0) == getpgrp() && getpgrp() != a);
	show_rc("kill_group", kill(-a, SIGTERM));
	int st;
	show_yes("wait_group_first", waitpid(-a, &st, 0) > 0 && WIFSIGNALED(st) && WTERMSIG(st) == SIGTERM);
	show_yes("wait_group_second", waitpid(-a, &st, 0) > 0 && WIFSIGNALED(st) && WTERMSIG(st) == SIGTERM);
	show_rc("wait_group_empty", waitpid(-a, &st, 0));
	show_rc("kill_empty_group", kill(-a, SIGTERM));
}

static void own_group_cases(void)
{
	pid_t a = spawn_blocked();
	pid_t other = spawn_blocked();
	setpgid(a, 0);
	/* wait4(0): only children in the caller's group, so `other` is reaped */
	kill(other, SIGKILL);
	int st;
	show_yes("wait_own_group", waitpid(0, &st, 0) == other);
	kill(a, SIGKILL);
	show_yes("wait_other_group_by_pid", waitpid(a, &st, 0) == a);
}

static int exec_then_block(void *arg)
{
	(void)arg;
	return 0;
}

static void error_cases(void)
{
	show_rc("setpgid_negative", setpgid(0, -1));
	show_rc("setpgid_no_such_pid", setpgid(999999, 0));
	show_rc("setpgid_not_child", setpgid(1, 0));
	show_rc("setpgid_self_noop", setpgid(0, getpgrp()));
	show_rc("getpgid_no_such_pid", getpgid(999999));
	show_rc("getsid_no_such_pid", getsid(999999));
	show_child("setsid_in_child", new_session, NULL);
	show_child("child_returns", exec_then_block, NULL);
}

static void exec_case(const char *argv0)
{
	char path[PATH_LEN];
	pid_t pid = fork_flushed();

	if (pid == 0) {
		char *args[] = { (char *)prog_path(path, argv0, "pgrp"), "block", NULL };
		execv(args[0], args);
		_exit(127);
	}
	/* the child announces its exec by changing group itself */
	while (getpgid(pid) != pid)
		sched_yield();
	show_rc("setpgid_after_exec", setpgid(pid, getpgrp()));
	kill(pid, SIGKILL);
	reap(pid);
}

int main(int argc, char **argv)
{
	if (argc > 1) {   /* the exec'd child */
		setpgid(0, 0);
		for (;;)
			pause();
	}
	group_kill_cases();
	own_group_cases();
	error_cases();
	exec_case(argv[0]);
	return 0;
}
