/* clocks: clock_gettime, nanosleep and getrusage. Times are compared, never
 * printed: monotonic never goes back, a sleep lasts at least what was asked,
 * ru_minflt counts the faults a loop of first touches takes.
 * clock_gettime is called by raw syscall: libc would use the host's vDSO,
 * which Pagoda does not have and which faults instead of returning EFAULT.
 */
#include <poll.h>
#include <pthread.h>
#include <sys/resource.h>
#include <sys/time.h>
#include "testlib.h"

static long gettime(long clock, struct timespec *ts)
{
	return syscall(SYS_clock_gettime, clock, ts);
}

static long ns_between(const struct timespec *a, const struct timespec *b)
{
	return (b->tv_sec - a->tv_sec) * 1000000000L + (b->tv_nsec - a->tv_nsec);
}

static void gettime_cases(void)
{
	struct timespec a, b;
	int back = 0, bad_nsec = 0;

	show_rc("clock_monotonic", gettime(CLOCK_MONOTONIC, &a));
	show_rc("clock_realtime", gettime(CLOCK_REALTIME, &b));
	show_yes("clock_realtime_after_2020", b.tv_sec > 1577836800L);
	for (int i = 0; i < 1000; i++) {
		gettime(CLOCK_MONOTONIC, &b);
		back += ns_between(&a, &b) < 0;
		bad_nsec += b.tv_nsec < 0 || b.tv_nsec >= 1000000000L;
		a = b;
	}
	show_yes("clock_monotonic_never_back", back == 0);
	show_yes("clock_nsec_in_range", bad_nsec == 0);
	show_rc("clock_bad_id", gettime(999, &a));
	show_rc("clock_kernel_ptr", gettime(CLOCK_MONOTONIC, (void *)KERNEL_ADDR));
	show_rc("clock_null_ptr", gettime(CLOCK_MONOTONIC, NULL));
	show_rc("clock_readonly_ptr", gettime(CLOCK_REALTIME,
		(void *)map_anon(PAGE, PROT_READ)));
}

static void sleep_cases(void)
{
	struct timespec a, b, req = { 0, 30 * 1000000L };

	gettime(CLOCK_MONOTONIC, &a);
	show_rc("nanosleep_30ms", nanosleep(&req, NULL));
	gettime(CLOCK_MONOTONIC, &b);
	show_yes("nanosleep_lasted_30ms", ns_between(&a, &b) >= 30 * 1000000L);
	req = (struct timespec){ 0, 0 };
	show_rc("nanosleep_zero", nanosleep(&req, NULL));
	req = (struct timespec){ 0, 1000000000L };
	show_rc("nanosleep_nsec_1e9", syscall(SYS_nanosleep, &req, NULL));
	req = (struct timespec){ 0, -1 };
	show_rc("nanosleep_nsec_negative", syscall(SYS_nanosleep, &req, NULL));
	req = (struct timespec){ -1, 0 };
	show_rc("nanosleep_sec_negative", syscall(SYS_nanosleep, &req, NULL));
	show_rc("nanosleep_req_kernel", syscall(SYS_nanosleep, KERNEL_ADDR, NULL));
	req = (struct timespec){ 0, 1000 };
	show_rc("nanosleep_rem_unused_bad", syscall(SYS_nanosleep, &req, KERNEL_ADDR));
}

/* Threads that enter the kernel without pause: with several CPUs the one
 * that takes the tick's interrupt often waits for the kernel lock before it
 * counts the tick, and a clock read meanwhile must still not lag. */
static volatile int busy_stop;

static void *busy_syscalls(void *arg)
{
	(void)arg;
	while (!busy_stop)
		syscall(SYS_getppid);
	return NULL;
}

static void sleep_while_busy_cases(void)
{
	enum { THREADS = 3, SLEEPS = 20 };
	pthread_t t[THREADS];
	struct timespec a, b, req = { 0, 10 * 1000000L };
	int started = 0, short_sleeps = 0;

	for (int i = 0; i < THREADS; i++)
		started += pthread_create(&t[i], NULL, busy_syscalls, NULL) == 0;
	for (int i = 0; i < SLEEPS; i++) {
		gettime(CLOCK_MONOTONIC, &a);
		nanosleep(&req, NULL);
		gettime(CLOCK_MONOTONIC, &b);
		short_sleeps += ns_between(&a, &b) < req.tv_nsec;
	}
	busy_stop = 1;
	for (int i = 0; i < THREADS; i++)
		pthread_join(t[i], NULL);
	show_yes("busy_threads_started", started == THREADS);
	show_yes("no_sleep_shorter_than_asked_while_busy", short_sleeps == 0);
}

/* Timers and timeouts never end before the time asked, on the clock the
 * program reads: a 25 ms interval timer (which rounds to three 10 ms ticks
 * on Pagoda) started anywhere within a tick, and a 25 ms poll and
 * sigtimedwait with nothing to wait for. */
static volatile int alarms;

static void on_alarm(int sig)
{
	(void)sig;
	alarms++;
}

/* Spin for ms milliseconds: a wait that ends at a tick leaves the next one
 * starting just after a tick, and these start at each point within one. */
static void spin_ms(int ms)
{
	struct timespec a, b;
	gettime(CLOCK_MONOTONIC, &a);
	do
		gettime(CLOCK_MONOTONIC, &b);
	while (ns_between(&a, &b) < ms * 1000000L);
}

static void timeout_cases(void)
{
	enum { ROUNDS = 10, MS = 25 };
	struct itimerval it = { { 0, 0 }, { 0, MS * 1000 } };
	struct timespec a, b, req = { 0, MS * 1000000L };
	int early_alarm = 0, early_poll = 0, early_wait = 0;
	sigset_t set;

	set_handler(SIGALRM, on_alarm, 0);
	sigemptyset(&set);
	sigaddset(&set, SIGUSR2);
	sigprocmask(SIG_BLOCK, &set, NULL);
	for (int i = 0; i < ROUNDS; i++) {
		int before = alarms;
		spin_ms(i);
		gettime(CLOCK_MONOTONIC, &a);
		setitimer(ITIMER_REAL, &it, NULL);
		while (alarms == before)
			pause();
		gettime(CLOCK_MONOTONIC, &b);
		early_alarm += ns_between(&a, &b) < req.tv_nsec;
		spin_ms(i);
		gettime(CLOCK_MONOTONIC, &a);
		poll(NULL, 0, MS);
		gettime(CLOCK_MONOTONIC, &b);
		early_poll += ns_between(&a, &b) < req.tv_nsec;
		spin_ms(i);
		gettime(CLOCK_MONOTONIC, &a);
		sigtimedwait(&set, NULL, &req);
		gettime(CLOCK_MONOTONIC, &b);
		early_wait += ns_between(&a, &b) < req.tv_nsec;
	}
	show_yes("itimer_never_early", early_alarm == 0);
	show_yes("poll_timeout_never_early", early_poll == 0);
	show_yes("sigtimedwait_timeout_never_early", early_wait == 0);
}

static long minflt(int who)
{
	struct rusage ru;

	getrusage(who, &ru);
	return ru.ru_minflt;
}

static int touch_100_pages(void *arg)
{
	char *p = map_anon(100 * PAGE, PROT_READ | PROT_WRITE);

	(void)arg;
	for (int i = 0; i < 100; i++)
		p[i * PAGE] = 1;
	return 0;
}

static void rusage_cases(void)
{
	struct rusage ru;
	long before, delta;

	show_rc("getrusage_self", getrusage(RUSAGE_SELF, &ru));
	show_rc("getrusage_children", getrusage(RUSAGE_CHILDREN, &ru));
	show_rc("getrusage_bad_who", getrusage(5, &ru));
	show_rc("getrusage_kernel_ptr", getrusage(RUSAGE_SELF, (void *)KERNEL_ADDR));
	before = minflt(RUSAGE_SELF);
	touch_100_pages(NULL);
	delta = minflt(RUSAGE_SELF) - before;
	show_yes("minflt_counts_100_touches", delta >= 100 && delta < 150);
	before = minflt(RUSAGE_CHILDREN);
	show_child("minflt_child", touch_100_pages, NULL);
	delta = minflt(RUSAGE_CHILDREN) - before;
	show_yes("minflt_children_after_reap", delta >= 100);
}

int main(void)
{
	gettime_cases();
	sleep_cases();
	sleep_while_busy_cases();
	timeout_cases();
	rusage_cases();
	return 0;
}
