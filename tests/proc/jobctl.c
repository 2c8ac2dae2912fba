/* jobctl: job control. SIGSTOP and SIGTSTP stop a child (not SIGTSTP in an
 * orphaned process group, nor with a handler), SIGCONT continues it and
 * discards pending stop signals, SIGKILL ends a stopped child; wait4's
 * WUNTRACED and WCONTINUED and waitid's WSTOPPED, WCONTINUED, WNOWAIT
 * report each event once; the parent's SIGCHLD says CLD_STOPPED and
 * CLD_CONTINUED; /proc/PID/stat and status show T for a stopped child and
 * Z for one that exited and was not reaped; waitid's errors.
 * Nothing here depends on timing: every wait is for an event that must come.
 */
#include <fcntl.h>
#include "testlib.h"

/* /proc/PID/<file> into buf (NUL-terminated); its length, or -1. */
static long read_proc(pid_t pid, const char *file, char *buf, size_t size)
{
	char path[64];
	snprintf(path, sizeof path, "/proc/%d/%s", (int)pid, file);
	int fd = open(path, O_RDONLY);
	long n = fd < 0 ? -1 : read(fd, buf, size - 1);

	if (fd >= 0)
		close(fd);
	buf[n > 0 ? n : 0] = 0;
	return n;
}

static char state_of(pid_t pid)
{
	char buf[512];

	if (read_proc(pid, "stat", buf, sizeof buf) <= 0)
		return '-';
	char *p = strrchr(buf, ')');
	return p && p[1] == ' ' ? p[2] : '?';
}

static int status_line_is(pid_t pid, const char *want)
{
	char buf[2048];

	read_proc(pid, "status", buf, sizeof buf);
	return strstr(buf, want) != NULL;
}

static const char *wait_str(int st)
{
	static char buf[48];

	if (WIFSTOPPED(st))
		snprintf(buf, sizeof buf, "stopped by %s", signal_name(WSTOPSIG(st)));
	else if (WIFCONTINUED(st))
		snprintf(buf, sizeof buf, "continued");
	else
		return status_str(st);
	return buf;
}

static void show_wait(const char *name, pid_t pid, int options)
{
	int st = 0;
	pid_t got = waitpid(pid, &st, options);

	if (got < 0)
		show_rc(name, got);
	else if (got == 0)
		say(name, "nothing");
	else
		say(name, "%s%s", got == pid ? "" : "other child ", wait_str(st));
}

static pid_t child_pausing(int new_group)
{
	pid_t pid = fork_flushed();

	if (pid == 0) {
		if (new_group)
			setpgid(0, 0);
		for (;;)
			pause();
	}
	if (new_group)
		setpgid(pid, pid);   /* either one wins: the group exists before any signal */
	return pid;
}

/* The next SIGCHLD's si_code and si_status (SIGCHLD is blocked). */
static void show_sigchld(const char *name)
{
	sigset_t set;
	siginfo_t si;

	sigemptyset(&set);
	sigaddset(&set, SIGCHLD);
	if (sigwaitinfo(&set, &si) != SIGCHLD)
		setup_fail("sigwaitinfo");
	const char *code = si.si_code == CLD_STOPPED ? "CLD_STOPPED" : si.si_code == CLD_CONTINUED ? "CLD_CONTINUED"
			 : si.si_code == CLD_KILLED ? "CLD_KILLED" : si.si_code == CLD_EXITED ? "CLD_EXITED" : "other";
	say(name, "%s %s", code, si.si_code == CLD_EXITED ? "status" : signal_name(si.si_status));
}

static void stop_cont_cases(void)
{
	pid_t pid = child_pausing(0);

	show_rc("kill_sigstop", kill(pid, SIGSTOP));
	show_wait("wait_stopped", pid, WUNTRACED);
	show_sigchld("sigchld_stopped");
	say("proc_stat_stopped", "%c", state_of(pid));
	show_yes("proc_status_stopped", status_line_is(pid, "State:\tT (stopped)"));
	show_wait("stop_reported_once", pid, WUNTRACED | WNOHANG);
	show_wait("stopped_not_reported_without_wuntraced", pid, WNOHANG);
	show_rc("kill_sigcont", kill(pid, SIGCONT));
	show_wait("wait_continued", pid, WCONTINUED);
	show_sigchld("sigchld_continued");
	show_wait("continue_reported_once", pid, WCONTINUED | WNOHANG);
	show_rc("stop_again", kill(pid, SIGSTOP));
	show_wait("wait_stopped_again", pid, WUNTRACED);
	show_sigchld("sigchld_stopped_again");
	show_rc("kill_while_stopped", kill(pid, SIGKILL));
	show_wait("killed_while_stopped", pid, WUNTRACED);
	show_sigchld("sigchld_killed");
}

static void tstp_cases(void)
{
	pid_t pid = child_pausing(1);

	show_rc("kill_sigtstp", kill(pid, SIGTSTP));
	show_wait("tstp_stops", pid, WUNTRACED);
	show_sigchld("sigchld_tstp");
	show_rc("kill_stopped_tstp", kill(pid, SIGKILL));
	show_wait("tstp_child_killed", pid, 0);
	show_sigchld("sigchld_tstp_killed");
}

static void tstp_handled(int sig)
{
	(void)sig;
}

static int raise_handled_tstp(void *arg)
{
	(void)arg;
	set_handler(SIGTSTP, tstp_handled, 0);
	raise(SIGTSTP);
	return 3;
}

static int raise_tstp_orphaned(void *arg)
{
	(void)arg;
	setsid();   /* a new session: its group has no parent in the session */
	raise(SIGTSTP);
	raise(SIGTTIN);
	raise(SIGTTOU);
	return 5;
}

static int cont_discards_pending_stop(void *arg)
{
	sigset_t set;

	(void)arg;
	setpgid(0, 0);
	sigemptyset(&set);
	sigaddset(&set, SIGTSTP);
	sigprocmask(SIG_BLOCK, &set, NULL);
	raise(SIGTSTP);
	raise(SIGCONT);
	sigprocmask(SIG_UNBLOCK, &set, NULL);   /* nothing left to stop on */
	return 7;
}

static void no_stop_cases(void)
{
	show_child("tstp_with_handler_runs_handler", raise_handled_tstp, NULL);
	show_child("tstp_in_orphaned_group_discarded", raise_tstp_orphaned, NULL);
	show_child("sigcont_discards_pending_tstp", cont_discards_pending_stop, NULL);
}

/* SIGSTOP stops even in an orphaned group; a blocked read goes on after. */
static void orphan_stop_cases(void)
{
	int fds[2];

	if (pipe(fds))
		setup_fail("pipe");
	pid_t pid = fork_flushed();
	if (pid == 0) {
		char c = 0;
		setsid();
		close(fds[1]);
		raise(SIGSTOP);
		_exit(read(fds[0], &c, 1) == 1 ? c : 99);
	}
	close(fds[0]);
	show_wait("sigstop_stops_orphaned_group", pid, WUNTRACED);
	show_sigchld("sigchld_orphan_stopped");
	show_rc("continue_orphan", kill(pid, SIGCONT));
	show_sigchld("sigchld_orphan_continued");
	show_rc("write_to_reader", write(fds[1], "\x06", 1));
	show_wait("reader_exits_with_byte", pid, 0);
	show_sigchld("sigchld_orphan_exited");
	close(fds[1]);
}

static void show_waitid(const char *name, idtype_t type, id_t id, int options)
{
	siginfo_t si;

	memset(&si, 0x55, sizeof si);
	long rc = waitid(type, id, &si, options);
	if (rc < 0) {
		show_rc(name, rc);
		return;
	}
	const char *code = si.si_code == CLD_STOPPED ? "CLD_STOPPED" : si.si_code == CLD_CONTINUED ? "CLD_CONTINUED"
			 : si.si_code == CLD_EXITED ? "CLD_EXITED" : si.si_code == CLD_KILLED ? "CLD_KILLED"
			 : si.si_code == 0 ? "0" : "other";
	say(name, "signo %d code %s status %d pid %s", si.si_signo, code, si.si_status,
	    si.si_pid == 0 ? "0" : si.si_pid == (pid_t)id ? "child" : "other");
}

static void waitid_cases(void)
{
	pid_t pid = child_pausing(0);

	kill(pid, SIGSTOP);
	show_waitid("waitid_stopped_nowait", P_PID, pid, WSTOPPED | WNOWAIT);
	show_waitid("waitid_stopped_again", P_PID, pid, WSTOPPED);
	show_waitid("waitid_stop_consumed", P_PID, pid, WSTOPPED | WNOHANG);
	kill(pid, SIGCONT);
	show_waitid("waitid_continued", P_PID, pid, WCONTINUED);
	kill(pid, SIGKILL);
	show_waitid("waitid_killed_nowait", P_PID, pid, WEXITED | WNOWAIT);
	say("proc_stat_zombie", "%c", state_of(pid));
	show_yes("proc_status_zombie", status_line_is(pid, "State:\tZ (zombie)"));
	show_waitid("waitid_killed", P_ALL, pid, WEXITED);
	say("proc_stat_reaped", "%c", state_of(pid));
	show_rc("waitid_no_options", waitid(P_ALL, 0, &(siginfo_t){ 0 }, 0));
	show_rc("waitid_bad_option", waitid(P_ALL, 0, &(siginfo_t){ 0 }, WEXITED | 0x10000));
	show_rc("waitid_bad_idtype", waitid((idtype_t)7, 0, &(siginfo_t){ 0 }, WEXITED));
	show_rc("waitid_pid_zero", waitid(P_PID, 0, &(siginfo_t){ 0 }, WEXITED));
	show_rc("waitid_no_children", waitid(P_ALL, 0, &(siginfo_t){ 0 }, WEXITED));
	show_rc("waitid_efault_no_children", syscall(SYS_waitid, P_ALL, 0, KERNEL_ADDR, WEXITED, 0));
	pid = child_pausing(0);
	show_waitid("waitid_wnohang_nothing", P_PID, pid, WEXITED | WNOHANG);
	show_rc("waitid_efault", syscall(SYS_waitid, P_PID, pid, KERNEL_ADDR, WEXITED | WNOHANG, 0));
	show_rc("waitid_pgid_own_group", waitid(P_PGID, 0, &(siginfo_t){ 0 }, WEXITED | WNOHANG));
	kill(pid, SIGKILL);
	show_waitid("waitid_pgid_zero_finds_child", P_PGID, 0, WEXITED);
}

static void zombie_cases(void)
{
	pid_t pid = fork_flushed();

	if (pid == 0)
		_exit(9);
	show_waitid("zombie_ready", P_PID, pid, WEXITED | WNOWAIT);
	say("zombie_state", "%c", state_of(pid));
	show_yes("zombie_listed_in_proc", access("/proc", F_OK) == 0 && state_of(pid) == 'Z');
	show_wait("zombie_reaped", pid, 0);
	say("gone_after_reap", "%c", state_of(pid));
}

int main(void)
{
	sigset_t set;

	sigemptyset(&set);
	sigaddset(&set, SIGCHLD);
	sigprocmask(SIG_BLOCK, &set, NULL);   /* read with sigwaitinfo */
	stop_cont_cases();
	tstp_cases();
	sigprocmask(SIG_UNBLOCK, &set, NULL);
	signal(SIGCHLD, SIG_DFL);
	no_stop_cases();
	sigprocmask(SIG_BLOCK, &set, NULL);
	orphan_stop_cases();
	sigprocmask(SIG_UNBLOCK, &set, NULL);
	waitid_cases();
	zombie_cases();
	return 0;
}
