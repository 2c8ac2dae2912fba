/*
 * The real-time interval timer: setitimer(2)/getitimer(2) ITIMER_REAL and
 * alarm(2), which share it. When it expires the process gets SIGALRM
 * (si_code SI_KERNEL, as Linux's it_real_fn) and the timer re-arms with
 * its interval.
 *
 * Each process holds one deadline in ticks (p->itimer_expires, 0 when
 * disarmed) and an interval in ticks; itimer_tick checks the deadlines at
 * every tick. Times are rounded up to whole ticks (1/HZ s): a timer never
 * fires early. ITIMER_VIRTUAL and ITIMER_PROF (CPU-time timers) are not
 * implemented: EINVAL.
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

static struct itimerval itimer_get(const struct proc *p)
{
	uint64_t now = timer_ticks();
	uint64_t left = p->itimer_expires > now ? p->itimer_expires - now : (p->itimer_expires ? 1 : 0);
	return (struct itimerval){ .it_interval = ticks_to_tv(p->itimer_interval), .it_value = ticks_to_tv(left) };
}

static void itimer_set(struct proc *p, const struct itimerval *v)
{
	uint64_t ticks = tv_to_ticks(&v->it_value);
	p->itimer_expires = ticks ? timer_ticks() + ticks : 0;
	p->itimer_interval = tv_to_ticks(&v->it_interval);
}

void itimer_tick(uint64_t now)
{
	for (struct proc *p = proc_first(); p; p = p->all_next) {
		if (!p->itimer_expires || p->itimer_expires > now || p->state == PROC_ZOMBIE)
			continue;
		p->itimer_expires = p->itimer_interval ? now + p->itimer_interval : 0;
		struct ksiginfo info = { .code = SI_KERNEL };
		send_signal(p, SIGALRM, &info);
	}
}

long sys_getitimer(int which, uintptr_t uval)
{
	if (which != ITIMER_REAL)
		return -EINVAL;
	struct itimerval v = itimer_get(current_proc());
	return copy_to_user(uval, &v, sizeof(v));
}

long sys_setitimer(int which, uintptr_t unew, uintptr_t uold)
{
	struct proc *p = current_proc();
	struct itimerval n = { 0 }, old = itimer_get(p);
	if (which != ITIMER_REAL)
		return -EINVAL;
	if (unew && copy_from_user(&n, unew, sizeof(n)))
		return -EFAULT;
	if (!tv_valid(&n.it_value) || !tv_valid(&n.it_interval))
		return -EINVAL;
	itimer_set(p, &n);   /* a NULL new value disarms (Linux accepts it) */
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
