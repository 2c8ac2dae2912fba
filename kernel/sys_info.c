/*
 * The small syscalls: identity, time, sleeping, resource usage,
 * thread pointer.
 * Each validates its arguments as Linux does (see the man page named).
 */
#include "errno.h"
#include "linux_abi.h"
#include "printk.h"
#include "proc.h"
#include "thread_group.h"
#include "random.h"
#include "rtc.h"
#include "string.h"
#include "syscalls.h"
#include "timer.h"
#include "uaccess.h"
#include "x86.h"
#include "../mm/filemap.h"
#include "../mm/frame.h"
#include "../mm/filemap.h"
#include "../mm/mm.h"
#include "../mm/swapfile.h"

long sys_getpid(void) { return current_proc()->tgid; }
long sys_gettid(void) { return current_proc()->pid; }
long sys_getppid(void) { struct proc *parent = current_proc()->tg->leader->parent; return parent ? parent->pid : 0; }
long sys_getuid(void) { return 0; }

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

/* Sleep; a signal that is not blocked ends it early with -EINTR and the
 * time left in *urem (when urem is given). */
static long sleep_for(const struct timespec *ts, uintptr_t urem)
{
	struct proc *p = current_proc();
	if (!timespec_valid(ts))
		return -EINVAL;
	uint64_t ticks = timespec_to_ticks(ts);
	if (!ticks)
		return 0;
	uint64_t deadline = timer_deadline(ticks);
	while (timer_ticks() < deadline && !signal_pending(p))
		sleep_on(NULL, deadline);
	if (timer_ticks() >= deadline)
		return 0;
	uint64_t left = deadline - timer_ticks();
	struct timespec rem = { (int64_t)(left / HZ), (int64_t)(left % HZ) * (1000000000 / HZ) };
	if (urem && copy_to_user(urem, &rem, sizeof(rem)))
		return -EFAULT;
	return -EINTR;
}

long sys_nanosleep(uintptr_t ureq, uintptr_t urem)
{
	struct timespec ts;
	if (copy_from_user(&ts, ureq, sizeof(ts)))
		return -EFAULT;
	return sleep_for(&ts, urem);
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
	struct timespec ts, now;
	if (clock_now(clock, &now))
		return -EINVAL;
	if (copy_from_user(&ts, ureq, sizeof(ts)))
		return -EFAULT;
	if (!timespec_valid(&ts))
		return -EINVAL;
	if (flags & TIMER_ABSTIME) {
		ts = time_until(&ts, &now);
		urem = 0;   /* an absolute sleep reports no time left */
	}
	return sleep_for(&ts, urem);
}

long sys_sched_yield(void)
{
	sched_yield_current();
	return 0;
}

/* ---- getrusage(2), sysinfo(2) ---- */

long sys_getrusage(int who, uintptr_t uru)
{
	struct proc *p = current_proc();
	struct rusage ru;
	memset(&ru, 0, sizeof(ru));
	uint64_t ut, st, flt, majflt;
	if (who == RUSAGE_SELF || who == RUSAGE_THREAD) {
		ut = p->utime_ticks, st = p->stime_ticks, flt = p->minflt, majflt = p->majflt;
	} else if (who == RUSAGE_CHILDREN) {
		ut = p->cutime_ticks, st = p->cstime_ticks, flt = p->cminflt, majflt = p->cmajflt;
	} else {
		return -EINVAL;
	}
	ru.ru_utime = (struct timeval){ (int64_t)(ut / HZ), (int64_t)(ut % HZ) * (1000000 / HZ) };
	ru.ru_stime = (struct timeval){ (int64_t)(st / HZ), (int64_t)(st % HZ) * (1000000 / HZ) };
	ru.ru_minflt = flt;
	ru.ru_majflt = majflt;
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
	si.bufferram = filemap_reclaimable() * PAGE_SIZE;   /* Pagoda: clean cached pages nothing maps */
	si.totalswap = total_swap_pages() * PAGE_SIZE;   /* what `free` shows on its Swap: line */
	si.freeswap = nr_swap_pages() * PAGE_SIZE;
	si.procs = proc_count();
	si.mem_unit = 1;
	return copy_to_user(uinfo, &si, sizeof(si));
}

/* ---- arch_prctl(2): the thread pointer musl keeps in FS ---- */

/* A thread pointer a user may set (arch_prctl, clone's CLONE_SETTLS): not
 * the kernel half or a non-canonical address, which wrmsr would refuse. */
bool fs_base_valid(uintptr_t addr)
{
	return addr < USER_TOP;
}

long sys_arch_prctl(int code, uint64_t addr)
{
	struct proc *p = current_proc();
	switch (code) {
	case ARCH_SET_FS:
		if (!fs_base_valid(addr))
			return -EPERM;
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

