/* itimer_cpu: the CPU-time interval timers. ITIMER_VIRTUAL (user time,
 * SIGVTALRM) and ITIMER_PROF (user + system time, SIGPROF) fire after
 * enough work and re-arm with their interval; getitimer reads them back;
 * a fork child starts without them; their default action kills; the
 * errors of setitimer/getitimer. No case depends on how long anything
 * takes: each loop works until the signal it waits for has come.
 */
#include <sys/time.h>
#include "testlib.h"

static volatile sig_atomic_t vtalrm, prof;

static void on_vtalrm(int sig)
{
	(void)sig;
	vtalrm++;
}

static void on_prof(int sig)
{
	(void)sig;
	prof++;
}

static volatile unsigned long sink;

/* Work in user mode until *count reaches n (or a very long time: then no). */
static int spin_until(volatile sig_atomic_t *count, int n)
{
	for (unsigned long i = 0; i < 400000000000ul && *count < n; i++)
		sink += i;
	return *count >= n;
}

/* Work mostly in the kernel (system calls) until *count reaches n. */
static int syscalls_until(volatile sig_atomic_t *count, int n)
{
	for (unsigned long i = 0; i < 4000000000ul && *count < n; i++)
		sink += syscall(SYS_getppid);
	return *count >= n;
}

static long arm(int which, long value_ms, long interval_ms)
{
	struct itimerval v = { { interval_ms / 1000, interval_ms % 1000 * 1000 }, { value_ms / 1000, value_ms % 1000 * 1000 } };

	return setitimer(which, &v, NULL);
}

static void readback_cases(void)
{
	struct itimerval v;

	show_rc("arm_virtual", arm(ITIMER_VIRTUAL, 5000, 250));
	show_rc("getitimer_virtual", getitimer(ITIMER_VIRTUAL, &v));
	show_yes("virtual_value_in_range", v.it_value.tv_sec * 1000000 + v.it_value.tv_usec > 0 &&
		 v.it_value.tv_sec * 1000000 + v.it_value.tv_usec <= 10000000);   /* Linux rounds to its tick */
	say("virtual_interval", "%ld.%06ld", (long)v.it_interval.tv_sec, (long)v.it_interval.tv_usec);
	show_rc("disarm_virtual", arm(ITIMER_VIRTUAL, 0, 0));
	show_rc("getitimer_disarmed", getitimer(ITIMER_VIRTUAL, &v));
	say("disarmed_value", "%ld.%06ld", (long)v.it_value.tv_sec, (long)v.it_value.tv_usec);
	show_rc("arm_prof", arm(ITIMER_PROF, 3000, 0));
	struct itimerval old;
	struct itimerval none = { 0 };
	show_rc("setitimer_returns_old", setitimer(ITIMER_PROF, &none, &old));
	show_yes("old_prof_value_in_range", old.it_value.tv_sec * 1000000 + old.it_value.tv_usec > 0 &&
		 old.it_value.tv_sec * 1000000 + old.it_value.tv_usec <= 6000000);
	say("old_prof_interval", "%ld.%06ld", (long)old.it_interval.tv_sec, (long)old.it_interval.tv_usec);
}

static void firing_cases(void)
{
	struct itimerval v;

	set_handler(SIGVTALRM, on_vtalrm, SA_RESTART);
	set_handler(SIGPROF, on_prof, SA_RESTART);
	show_rc("arm_virtual_oneshot", arm(ITIMER_VIRTUAL, 20, 0));
	show_yes("sigvtalrm_after_user_work", spin_until(&vtalrm, 1));
	getitimer(ITIMER_VIRTUAL, &v);
	say("oneshot_disarmed_after", "%ld.%06ld", (long)v.it_value.tv_sec, (long)v.it_value.tv_usec);
	show_rc("arm_virtual_periodic", arm(ITIMER_VIRTUAL, 20, 20));
	show_yes("sigvtalrm_three_times", spin_until(&vtalrm, 4));
	arm(ITIMER_VIRTUAL, 0, 0);
	show_rc("arm_prof_periodic", arm(ITIMER_PROF, 20, 20));
	show_yes("sigprof_after_user_work", spin_until(&prof, 2));
	show_yes("sigprof_after_kernel_work", syscalls_until(&prof, 4));
	arm(ITIMER_PROF, 0, 0);
}

static int child_timers(void *arg)
{
	struct itimerval v, p;

	(void)arg;
	getitimer(ITIMER_VIRTUAL, &v);
	getitimer(ITIMER_PROF, &p);
	return v.it_value.tv_sec || v.it_value.tv_usec || p.it_value.tv_sec || p.it_value.tv_usec ? 1 : 0;
}

static int spin_to_death(void *arg)
{
	arm(*(int *)arg, 20, 0);
	spin_until(&vtalrm, 1000000);   /* the default action ends it first */
	return 9;
}

static void process_cases(void)
{
	int which;

	arm(ITIMER_VIRTUAL, 10000, 0);
	arm(ITIMER_PROF, 10000, 0);
	show_child("fork_child_has_no_cpu_timers", child_timers, NULL);
	arm(ITIMER_VIRTUAL, 0, 0);
	arm(ITIMER_PROF, 0, 0);
	signal(SIGVTALRM, SIG_DFL);
	signal(SIGPROF, SIG_DFL);
	which = ITIMER_VIRTUAL;
	show_child("sigvtalrm_default_kills", spin_to_death, &which);
	which = ITIMER_PROF;
	show_child("sigprof_default_kills", spin_to_death, &which);
}

static void error_cases(void)
{
	struct itimerval v = { { 0, 0 }, { 0, 1000000 } };

	show_rc("setitimer_bad_which", setitimer(3, &v, NULL));
	show_rc("getitimer_bad_which", getitimer(3, &v));
	show_rc("setitimer_virtual_bad_usec", setitimer(ITIMER_VIRTUAL, &v, NULL));
	show_rc("setitimer_prof_efault", syscall(SYS_setitimer, ITIMER_PROF, KERNEL_ADDR, 0));
	show_rc("getitimer_prof_efault", syscall(SYS_getitimer, ITIMER_PROF, KERNEL_ADDR));
	show_rc("setitimer_old_efault", syscall(SYS_setitimer, ITIMER_VIRTUAL, 0, KERNEL_ADDR));
}

int main(void)
{
	readback_cases();
	firing_cases();
	process_cases();
	error_cases();
	return 0;
}
