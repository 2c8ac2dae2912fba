/* sigwait: waiting for signals and being interrupted by them.
 *
 * rt_sigsuspend (mask swapped for the wait, restored after the handler),
 * rt_sigtimedwait (dequeue with siginfo, timeout, EAGAIN), pause; EINTR and
 * SA_RESTART for blocking calls (nanosleep with the time left, wait4);
 * alarm's and setitimer's rules and SIGALRM; SIGCHLD with its siginfo, and
 * the children of a parent that ignores SIGCHLD reaped for it.
 */
#define _GNU_SOURCE
#include "testlib.h"
#include <sys/time.h>

static volatile int hits, inner_masked;

static void on_sig(int sig)
{
	sigset_t now;

	(void)sig;
	hits++;
	sigprocmask(SIG_BLOCK, NULL, &now);
	inner_masked = sigismember(&now, SIGUSR2);
}

static void block(int sig, sigset_t *old)
{
	sigset_t set;

	sigemptyset(&set);
	sigaddset(&set, sig);
	sigprocmask(SIG_BLOCK, &set, old);
}

static void suspend_cases(void)
{
	sigset_t old, wait, now;

	set_handler(SIGUSR1, on_sig, 0);
	block(SIGUSR1, &old);
	raise(SIGUSR1);
	show_yes("blocked_not_run", hits == 0);
	sigemptyset(&wait);
	sigaddset(&wait, SIGUSR2);
	show_rc("sigsuspend_returns", sigsuspend(&wait));
	show_yes("sigsuspend_ran_handler", hits == 1);
	show_yes("sigsuspend_mask_in_handler", inner_masked);
	sigprocmask(SIG_BLOCK, NULL, &now);
	show_yes("sigsuspend_mask_restored", sigismember(&now, SIGUSR1) && !sigismember(&now, SIGUSR2));
	sigprocmask(SIG_SETMASK, &old, NULL);
	signal(SIGUSR1, SIG_DFL);
}

static void timedwait_cases(void)
{
	sigset_t set, old;
	siginfo_t si;
	struct timespec zero = { 0, 0 }, short_wait = { 0, 20000000 };

	block(SIGUSR2, &old);
	sigemptyset(&set);
	sigaddset(&set, SIGUSR2);
	show_rc("timedwait_nothing_poll", sigtimedwait(&set, &si, &zero));
	show_rc("timedwait_nothing_20ms", sigtimedwait(&set, &si, &short_wait));
	kill(getpid(), SIGUSR2);
	int sig = sigtimedwait(&set, &si, &zero);
	say("timedwait_got", "%s", signal_name(sig));
	show_yes("timedwait_info", si.si_signo == SIGUSR2 && si.si_code == SI_USER && si.si_pid == getpid());
	sigpending(&set);
	show_yes("timedwait_dequeued", !sigismember(&set, SIGUSR2));
	struct timespec bad = { 0, 2000000000 };
	sigaddset(&set, SIGUSR2);
	show_rc("timedwait_bad_timespec", sigtimedwait(&set, &si, &bad));
	sigprocmask(SIG_SETMASK, &old, NULL);
}

static void eintr_cases(void)
{
	struct itimerval it = { { 0, 0 }, { 0, 20000 } };
	struct timespec req = { 100, 0 }, rem = { 0, 0 };

	set_handler(SIGALRM, on_sig, 0);
	setitimer(ITIMER_REAL, &it, NULL);
	show_rc("nanosleep_interrupted", nanosleep(&req, &rem));
	show_yes("nanosleep_rem_left", rem.tv_sec > 0 && rem.tv_sec <= 100);
	hits = 0;
	setitimer(ITIMER_REAL, &it, NULL);
	show_rc("pause_interrupted", pause());
	show_yes("pause_ran_handler", hits == 1);
	set_handler(SIGALRM, on_sig, SA_RESTART);
	setitimer(ITIMER_REAL, &it, NULL);
	show_rc("pause_not_restarted", pause());   /* pause never restarts */
	signal(SIGALRM, SIG_DFL);
}

/* wait4: EINTR without SA_RESTART; restarted with it (the handler kills the
 * child, so the restarted wait4 returns it). */
static pid_t victim;

static void on_alarm_kill(int sig)
{
	(void)sig;
	hits++;
	kill(victim, SIGKILL);
}

static void wait_restart_cases(void)
{
	struct itimerval it = { { 0, 0 }, { 0, 20000 } };
	int st;

	set_handler(SIGALRM, on_alarm_kill, 0);
	victim = spawn_blocked();
	setitimer(ITIMER_REAL, &it, NULL);
	show_rc("wait4_eintr", wait4(victim, &st, 0, NULL));
	show_status("wait4_after_eintr", reap(victim));
	set_handler(SIGALRM, on_alarm_kill, SA_RESTART);
	victim = spawn_blocked();
	hits = 0;
	setitimer(ITIMER_REAL, &it, NULL);
	show_yes("wait4_restarted", wait4(victim, &st, 0, NULL) == victim && hits == 1);
	show_status("wait4_restarted_status", st);
	signal(SIGALRM, SIG_DFL);
}

static void alarm_cases(void)
{
	struct itimerval it, big = { { 1, 0 }, { 30, 0 } };

	show_rc("alarm_first", alarm(50));
	show_rc("alarm_replaced", alarm(20));   /* 50 s minus a moment, rounded: 50 */
	show_rc("alarm_cancel", alarm(0));
	getitimer(ITIMER_REAL, &it);
	show_yes("getitimer_disarmed", it.it_value.tv_sec == 0 && it.it_value.tv_usec == 0);
	setitimer(ITIMER_REAL, &big, NULL);
	getitimer(ITIMER_REAL, &it);
	show_yes("getitimer_left", it.it_value.tv_sec <= 30 && it.it_value.tv_sec >= 28);
	show_yes("getitimer_interval", it.it_interval.tv_sec == 1 && it.it_interval.tv_usec == 0);
	show_rc("alarm_reads_itimer", alarm(0));
	struct itimerval bad = { { 0, 0 }, { 0, 1000000 } };
	show_rc("setitimer_bad_usec", setitimer(ITIMER_REAL, &bad, NULL));
	show_rc("setitimer_bad_which", setitimer(7, &big, NULL));
	/* the default action of SIGALRM terminates */
	pid_t pid = fork_flushed();
	if (pid == 0) {
		alarm(1);
		for (;;)
			pause();
	}
	show_status("alarm_default_kills", reap(pid));
}

static void sigchld_cases(void)
{
	sigset_t set, old;
	siginfo_t si;
	struct timespec ten = { 10, 0 };

	block(SIGCHLD, &old);
	pid_t pid = fork_flushed();
	if (pid == 0)
		_exit(3);
	sigemptyset(&set);
	sigaddset(&set, SIGCHLD);
	show_rc("sigchld_arrives", sigtimedwait(&set, &si, &ten));
	show_yes("sigchld_info_exited", si.si_code == CLD_EXITED && si.si_status == 3 && si.si_pid == pid);
	reap(pid);
	pid = spawn_blocked();
	kill(pid, SIGKILL);
	sigtimedwait(&set, &si, &ten);
	show_yes("sigchld_info_killed", si.si_code == CLD_KILLED && si.si_status == SIGKILL && si.si_pid == pid);
	reap(pid);
	sigprocmask(SIG_SETMASK, &old, NULL);
	signal(SIGCHLD, SIG_IGN);
	pid = fork_flushed();
	if (pid == 0)
		_exit(0);
	show_rc("ignored_sigchld_autoreaps", wait4(-1, NULL, 0, NULL));
	signal(SIGCHLD, SIG_DFL);
}

int main(void)
{
	suspend_cases();
	timedwait_cases();
	eintr_cases();
	wait_restart_cases();
	alarm_cases();
	sigchld_cases();
	return 0;
}
