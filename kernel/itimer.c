/*
 * The interval timers of setitimer(2)/getitimer(2):
 *   ITIMER_REAL     wall-clock time (shared with alarm(2)), SIGALRM
 *   ITIMER_VIRTUAL  the process's user-mode CPU time, SIGVTALRM
 *   ITIMER_PROF     its user + kernel CPU time, SIGPROF
 * When one expires the process gets its signal (si_code SI_KERNEL, as
 * Linux) and the timer re-arms with its interval.
 *
 * ITIMER_REAL is a deadline in nanoseconds on timer_ns's clock, the one
 * clock_gettime reads (p->itimer_expires, 0 when disarmed), checked by
 * itimer_tick at every tick: it fires at the first tick at or after it, and
 * getitimer reports the time left to it, never more than was asked. The CPU timers count down the
 * ticks charged to the process (sched_tick samples who runs at each tick,
 * as it does for utime and stime): p->cpu_itimer[].left, 0 when disarmed,
 * changed under p->siglock (the tick and the syscalls both touch it).
 * Times are rounded up to whole ticks (1/HZ s): a timer never fires early.
 * A child of fork starts with no timers; execve keeps them.
 */
#include "errno.h"
#include "linux_abi.h"
#include "proc.h"
#include "syscalls.h"
#include "timer.h"
#include "uaccess.h"

#define US_PER_TICK (1000000ull / HZ)

static uint64_t tv_to_ticks(const struct timeval *tv)
{
	uint64_t us = (uint64_t)tv->tv_sec * 1000000ull + (uint64_t)tv->tv_usec;
	return (us + US_PER_TICK - 1) / US_PER_TICK;
}

static struct timeval ticks_to_tv(uint64_t ticks)
{
	uint64_t us = ticks * US_PER_TICK;
	return (struct timeval){ (int64_t)(us / 1000000), (int64_t)(us % 1000000) };
}

static bool tv_valid(const struct timeval *tv)
{
	return tv->tv_sec >= 0 && tv->tv_usec >= 0 && tv->tv_usec < 1000000;
}

/* Time left; one microsecond for a timer due but not yet fired (as Linux). */
static struct itimerval itimer_get(const struct proc *p)
{
	uint64_t now = timer_ns(), left = 0;
	if (p->itimer_expires)
		left = p->itimer_expires > now ? p->itimer_expires - now : 1000;
	struct timeval value = { (int64_t)(left / 1000000000ull), (int64_t)(left % 1000000000ull + 999) / 1000 };
	if (value.tv_usec == 1000000)
		value = (struct timeval){ value.tv_sec + 1, 0 };
	return (struct itimerval){ .it_interval = ticks_to_tv(p->itimer_interval), .it_value = value };
}

static void itimer_set(struct proc *p, const struct itimerval *v)
{
	uint64_t us = (uint64_t)v->it_value.tv_sec * 1000000ull + (uint64_t)v->it_value.tv_usec;
	bool huge = (uint64_t)v->it_value.tv_sec >= UINT64_MAX / 4 / 1000000000ull;
	p->itimer_expires = us ? (huge ? UINT64_MAX / 2 : timer_ns() + us * 1000) : 0;
	p->itimer_interval = tv_to_ticks(&v->it_interval);
}

void itimer_tick(uint64_t now)
{
	const uint64_t ns_per_tick = 1000000000ull / HZ;
	for (struct proc *p = proc_first(); p; p = p->all_next) {
		if (!p->itimer_expires || p->itimer_expires > now * ns_per_tick || p->state == PROC_ZOMBIE)
			continue;
		p->itimer_expires = p->itimer_interval ? (now + p->itimer_interval) * ns_per_tick : 0;
		struct ksiginfo info = { .code = SI_KERNEL };
		send_signal(p, SIGALRM, &info);
	}
}

/* ---- the CPU-time timers ---- */

static struct cpu_itimer *cpu_timer(struct proc *p, int which)
{
	return &p->cpu_itimer[which == ITIMER_PROF];
}

static struct itimerval cpu_itimer_get(struct proc *p, int which)
{
	spin_lock(&p->siglock);
	struct cpu_itimer t = *cpu_timer(p, which);
	spin_unlock(&p->siglock);
	return (struct itimerval){ .it_interval = ticks_to_tv(t.interval), .it_value = ticks_to_tv(t.left) };
}

static void cpu_itimer_set(struct proc *p, int which, const struct itimerval *v)
{
	spin_lock(&p->siglock);
	*cpu_timer(p, which) = (struct cpu_itimer){ tv_to_ticks(&v->it_value), tv_to_ticks(&v->it_interval) };
	spin_unlock(&p->siglock);
}

/* One tick off t; its signal if that was the last (siglock is a leaf:
 * dropped before sending). */
static void cpu_itimer_count(struct proc *p, struct cpu_itimer *t, int sig)
{
	spin_lock(&p->siglock);
	bool fired = t->left && !--t->left;
	if (fired)
		t->left = t->interval;
	spin_unlock(&p->siglock);
	struct ksiginfo info = { .code = SI_KERNEL };
	if (fired)
		send_signal(p, sig, &info);
}

void itimer_cpu_tick(struct proc *p, bool user)
{
	if (user)
		cpu_itimer_count(p, &p->cpu_itimer[0], SIGVTALRM);
	cpu_itimer_count(p, &p->cpu_itimer[1], SIGPROF);
}

static bool which_valid(int which)
{
	return which == ITIMER_REAL || which == ITIMER_VIRTUAL || which == ITIMER_PROF;
}

static struct itimerval any_itimer_get(struct proc *p, int which)
{
	return which == ITIMER_REAL ? itimer_get(p) : cpu_itimer_get(p, which);
}

long sys_getitimer(int which, uintptr_t uval)
{
	if (!which_valid(which))
		return -EINVAL;
	struct itimerval v = any_itimer_get(current_proc(), which);
	return copy_to_user(uval, &v, sizeof(v));
}

long sys_setitimer(int which, uintptr_t unew, uintptr_t uold)
{
	struct proc *p = current_proc();
	struct itimerval n = { 0 };
	if (!which_valid(which))
		return -EINVAL;
	struct itimerval old = any_itimer_get(p, which);
	if (unew && copy_from_user(&n, unew, sizeof(n)))
		return -EFAULT;
	if (!tv_valid(&n.it_value) || !tv_valid(&n.it_interval))
		return -EINVAL;
	if (which == ITIMER_REAL)
		itimer_set(p, &n);   /* a NULL new value disarms (Linux accepts it) */
	else
		cpu_itimer_set(p, which, &n);
	if (uold && copy_to_user(uold, &old, sizeof(old)))
		return -EFAULT;
	return 0;
}

/* alarm(2): the seconds left on the previous timer, rounded to nearest, and
 * never 0 while it was armed (Linux's alarm_setitimer). */
long sys_alarm(unsigned seconds)
{
	struct proc *p = current_proc();
	struct itimerval old = itimer_get(p);
	struct itimerval n = { .it_value = { seconds, 0 } };
	itimer_set(p, &n);
	long left = old.it_value.tv_sec;
	if ((!left && old.it_value.tv_usec) || old.it_value.tv_usec >= 500000)
		left++;
	return left;
}
