/*
 * The small syscalls: identity, time, sleeping, resource usage, limits,
 * thread pointer, and the signal bookkeeping musl's start-up and fork use.
 * Each validates its arguments as Linux does (see the man page named).
 */
#include "errno.h"
#include "linux_abi.h"
#include "printk.h"
#include "proc.h"
#include "random.h"
#include "rtc.h"
#include "string.h"
#include "syscalls.h"
#include "timer.h"
#include "uaccess.h"
#include "x86.h"
#include "../mm/frame.h"
#include "../mm/mm.h"

long sys_getpid(void) { return current_proc()->pid; }
long sys_gettid(void) { return current_proc()->pid; }
long sys_getppid(void) { struct proc *p = current_proc(); return p->parent ? p->parent->pid : 0; }
long sys_getuid(void) { return 0; }
long sys_getpgrp(void) { return current_proc()->pid; }
long sys_umask(int mask) { (void)mask; return 022; }

long sys_set_tid_address(uintptr_t tidptr)
{
	current_proc()->clear_child_tid = tidptr;
	return current_proc()->pid;
}

/* uname(2) */
long sys_uname(uintptr_t ubuf)
{
	struct utsname u;
	memset(&u, 0, sizeof(u));
	strlcpy(u.sysname, "Pagoda", sizeof(u.sysname));
	strlcpy(u.nodename, "pagoda", sizeof(u.nodename));
	strlcpy(u.release, "0.1", sizeof(u.release));
	strlcpy(u.version, "#1 teaching kernel", sizeof(u.version));
	strlcpy(u.machine, "x86_64", sizeof(u.machine));
	strlcpy(u.domainname, "(none)", sizeof(u.domainname));
	return copy_to_user(ubuf, &u, sizeof(u));
}

/* ---- time: clock_gettime(2), nanosleep(2) ---- */

static struct timespec ns_to_timespec(uint64_t ns)
{
	return (struct timespec){ (int64_t)(ns / 1000000000ull), (int64_t)(ns % 1000000000ull) };
}

static long clock_now(int clock, struct timespec *ts)
{
	uint64_t ns = timer_ns();
	struct proc *p = current_proc();
	switch (clock) {
	case CLOCK_REALTIME:
	case CLOCK_REALTIME_COARSE:
		*ts = ns_to_timespec(ns + rtc_boot_epoch() * 1000000000ull);
		return 0;
	case CLOCK_MONOTONIC:
	case CLOCK_MONOTONIC_RAW:
	case CLOCK_MONOTONIC_COARSE:
	case CLOCK_BOOTTIME:
		*ts = ns_to_timespec(ns);
		return 0;
	case CLOCK_PROCESS_CPUTIME_ID:
	case CLOCK_THREAD_CPUTIME_ID:
		*ts = ns_to_timespec((p->utime_ticks + p->stime_ticks) * (1000000000ull / HZ));
		return 0;
	default:
		return -EINVAL;
	}
}

long sys_clock_gettime(int clock, uintptr_t uts)
{
	struct timespec ts;
	long err = clock_now(clock, &ts);
	return err ? err : copy_to_user(uts, &ts, sizeof(ts));
}

long sys_clock_getres(int clock, uintptr_t uts)
{
	struct timespec ts;
	long err = clock_now(clock, &ts);
	if (err || !uts)
		return err;
	ts = ns_to_timespec(1000000000ull / HZ);
	return copy_to_user(uts, &ts, sizeof(ts));
}

long sys_gettimeofday(uintptr_t utv, uintptr_t utz)
{
	(void)utz;
	struct timespec ts;
	clock_now(CLOCK_REALTIME, &ts);
	struct timeval tv = { ts.tv_sec, ts.tv_nsec / 1000 };
	return utv ? copy_to_user(utv, &tv, sizeof(tv)) : 0;
}

long sys_time(uintptr_t ut)
{
	struct timespec ts;
	clock_now(CLOCK_REALTIME, &ts);
	if (ut && copy_to_user(ut, &ts.tv_sec, sizeof(ts.tv_sec)))
		return -EFAULT;
	return ts.tv_sec;
}

static bool timespec_valid(const struct timespec *ts)
{
	return ts->tv_sec >= 0 && ts->tv_nsec >= 0 && ts->tv_nsec < 1000000000;
}

/* Ticks covering a valid relative time, rounded up. A time longer than the
 * tick counter can reach (INT64_MAX seconds, 2^62 seconds) saturates: that
 * sleep ends only by a signal, as on Linux (regression: the product
 * tv_sec * 10^9 wrapped and the sleep returned at once). */
static uint64_t timespec_to_ticks(const struct timespec *ts)
{
	const uint64_t ns_per_tick = 1000000000ull / HZ;
	if ((uint64_t)ts->tv_sec >= UINT64_MAX / 4 / HZ)
		return UINT64_MAX / 2;
	return (uint64_t)ts->tv_sec * HZ + (ts->tv_nsec + ns_per_tick - 1) / ns_per_tick;
}

static long sleep_for(const struct timespec *ts)
{
	if (!timespec_valid(ts))
		return -EINVAL;
	uint64_t ticks = timespec_to_ticks(ts);
	if (!ticks)
		return 0;
	sleep_on(NULL, timer_ticks() + ticks + 1);   /* +1: the current tick is partly over */
	return current_proc()->pending_kill ? -EINTR : 0;
}

long sys_nanosleep(uintptr_t ureq, uintptr_t urem)
{
	(void)urem;
	struct timespec ts;
	if (copy_from_user(&ts, ureq, sizeof(ts)))
		return -EFAULT;
	return sleep_for(&ts);
}

/* An absolute time as the relative time from now (zero when it has passed);
 * both are valid, so neither subtraction can overflow. */
static struct timespec time_until(const struct timespec *when, const struct timespec *now)
{
	struct timespec d = { when->tv_sec - now->tv_sec, when->tv_nsec - now->tv_nsec };
	if (d.tv_nsec < 0) {
		d.tv_nsec += 1000000000;
		d.tv_sec--;
	}
	return d.tv_sec < 0 ? (struct timespec){ 0, 0 } : d;
}

long sys_clock_nanosleep(int clock, int flags, uintptr_t ureq, uintptr_t urem)
{
	(void)urem;
	struct timespec ts, now;
	if (clock_now(clock, &now))
		return -EINVAL;
	if (copy_from_user(&ts, ureq, sizeof(ts)))
		return -EFAULT;
	if (!timespec_valid(&ts))
		return -EINVAL;
	if (flags & TIMER_ABSTIME)
		ts = time_until(&ts, &now);
	return sleep_for(&ts);
}

long sys_sched_yield(void)
{
	sched_yield_current();
	return 0;
}

/* ---- getrusage(2), sysinfo(2), limits ---- */

long sys_getrusage(int who, uintptr_t uru)
{
	struct proc *p = current_proc();
	struct rusage ru;
	memset(&ru, 0, sizeof(ru));
	uint64_t ut, st, flt;
	if (who == RUSAGE_SELF || who == RUSAGE_THREAD) {
		ut = p->utime_ticks, st = p->stime_ticks, flt = p->minflt;
	} else if (who == RUSAGE_CHILDREN) {
		ut = p->cutime_ticks, st = p->cstime_ticks, flt = p->cminflt;
	} else {
		return -EINVAL;
	}
	ru.ru_utime = (struct timeval){ (int64_t)(ut / HZ), (int64_t)(ut % HZ) * (1000000 / HZ) };
	ru.ru_stime = (struct timeval){ (int64_t)(st / HZ), (int64_t)(st % HZ) * (1000000 / HZ) };
	ru.ru_minflt = flt;
	if (p->mm && who != RUSAGE_CHILDREN)
		ru.ru_maxrss = mm_resident_pages(p->mm, 0, USER_TOP) * 4;
	return copy_to_user(uru, &ru, sizeof(ru));
}

long sys_sysinfo(uintptr_t uinfo)
{
	struct sysinfo si;
	struct frame_stats s;
	frame_get_stats(&s);
	memset(&si, 0, sizeof(si));
	si.uptime = timer_ticks() / HZ;
	si.totalram = s.total * PAGE_SIZE;
	si.freeram = s.free * PAGE_SIZE;
	si.procs = proc_count();
	si.mem_unit = 1;
	return copy_to_user(uinfo, &si, sizeof(si));
}

static struct rlimit limit_of(int resource)
{
	switch (resource) {
	case RLIMIT_STACK: return (struct rlimit){ STACK_LIMIT, RLIM_INFINITY };
	case RLIMIT_NOFILE: return (struct rlimit){ NFILE_PER_PROC, NFILE_PER_PROC };
	default: return (struct rlimit){ RLIM_INFINITY, RLIM_INFINITY };
	}
}

long sys_getrlimit(int resource, uintptr_t ulim)
{
	if (resource < 0 || resource >= 16)
		return -EINVAL;
	struct rlimit r = limit_of(resource);
	return copy_to_user(ulim, &r, sizeof(r));
}

long sys_prlimit64(int pid, int resource, uintptr_t unew, uintptr_t uold)
{
	if (pid && pid != current_proc()->pid)
		return proc_find(pid) ? -EPERM : -ESRCH;
	if (resource < 0 || resource >= 16)
		return -EINVAL;
	if (unew)
		return -EPERM;   /* limits are fixed in Pagoda */
	struct rlimit r = limit_of(resource);
	return uold ? copy_to_user(uold, &r, sizeof(r)) : 0;
}

/* ---- arch_prctl(2): the thread pointer musl keeps in FS ---- */

long sys_arch_prctl(int code, uint64_t addr)
{
	struct proc *p = current_proc();
	switch (code) {
	case ARCH_SET_FS:
		if (addr >= USER_TOP)
			return -EPERM;   /* kernel or non-canonical */
		p->fs_base = addr;
		wrmsr(MSR_FS_BASE, addr);
		return 0;
	case ARCH_GET_FS:
		return copy_to_user(addr, &p->fs_base, sizeof(p->fs_base));
	case ARCH_SET_GS:
		return addr >= USER_TOP ? -EPERM : 0;
	case ARCH_GET_GS: {
		uint64_t zero = 0;
		return copy_to_user(addr, &zero, sizeof(zero));
	}
	default:
		return -EINVAL;
	}
}

/* ---- signals: rt_sigaction(2), rt_sigprocmask(2), kill(2) ---- */

#define SIGSET_SIZE 8
#define UNBLOCKABLE ((1ull << (SIGKILL - 1)) | (1ull << (SIGSTOP - 1)))

long sys_rt_sigaction(int sig, uintptr_t uact, uintptr_t uold, size_t setsize)
{
	struct proc *p = current_proc();
	if (setsize != SIGSET_SIZE)
		return -EINVAL;
	struct k_sigaction act;
	if (uact && copy_from_user(&act, uact, sizeof(act)))
		return -EFAULT;   /* Linux copies in before it looks at sig */
	if (sig < 1 || sig >= NSIG || (uact && (sig == SIGKILL || sig == SIGSTOP)))
		return -EINVAL;
	if (uold && copy_to_user(uold, &p->sigactions[sig], sizeof(act)))
		return -EFAULT;
	if (uact)
		p->sigactions[sig] = act;   /* stored; only SIG_DFL and SIG_IGN take effect */
	return 0;
}

long sys_rt_sigprocmask(int how, uintptr_t uset, uintptr_t uold, size_t setsize)
{
	struct proc *p = current_proc();
	uint64_t set, old = p->sigmask;
	if (setsize != SIGSET_SIZE)
		return -EINVAL;
	if (uset) {   /* Linux's order: read and apply the new set, then report the old */
		if (copy_from_user(&set, uset, sizeof(set)))
			return -EFAULT;
		switch (how) {
		case SIG_BLOCK: p->sigmask |= set; break;
		case SIG_UNBLOCK: p->sigmask &= ~set; break;
		case SIG_SETMASK: p->sigmask = set; break;
		default: return -EINVAL;
		}
		p->sigmask &= ~UNBLOCKABLE;
	}
	if (uold && copy_to_user(uold, &old, sizeof(old)))
		return -EFAULT;
	return 0;
}

/* kill(-1, sig): every process but init and the caller. */
static long kill_all(int sig)
{
	long sent = 0;
	for (struct proc *p = proc_first(); p; p = p->all_next) {
		if (p->pid <= 1 || p == current_proc() || p->state == PROC_ZOMBIE)   /* never init */
			continue;
		sent++;
		if (sig)
			force_sig(p, sig);
	}
	return sent ? 0 : -ESRCH;
}

long sys_kill(int pid, int sig)
{
	if (sig < 0 || sig >= NSIG)
		return -EINVAL;
	if (pid < -1)
		return -ESRCH;   /* every process is its own group: no such group */
	if (pid == -1)
		return kill_all(sig);
	struct proc *target = pid ? proc_find(pid) : current_proc();
	if (!target || target->state == PROC_ZOMBIE)
		return target ? 0 : -ESRCH;
	if (sig && !(target->pid == 1 && target->sigactions[sig].handler == SIG_DFL))
		force_sig(target, sig);   /* as Linux: init ignores signals it has no handler for */
	return 0;
}

long sys_tkill(int tid, int sig)
{
	if (tid <= 0)
		return -EINVAL;
	return sys_kill(tid, sig);
}

long sys_tgkill(int tgid, int tid, int sig)
{
	if (tgid <= 0 || tid <= 0)
		return -EINVAL;
	return sys_kill(tid, sig);
}

long sys_getrandom(uintptr_t ubuf, size_t n, unsigned flags)
{
	if (flags & ~7u)
		return -EINVAL;
	uint8_t tmp[256];
	size_t done = 0;
	while (done < n) {
		size_t k = n - done < sizeof(tmp) ? n - done : sizeof(tmp);
		random_bytes(tmp, k);
		if (copy_to_user(ubuf + done, tmp, k))
			return done ? (long)done : -EFAULT;
		done += k;
	}
	return (long)n;
}

/* set_robust_list(2): threads only; remembered nowhere, but the size is checked. */
long sys_set_robust_list(uintptr_t head, size_t len)
{
	(void)head;
	return len == 24 ? 0 : -EINVAL;
}
