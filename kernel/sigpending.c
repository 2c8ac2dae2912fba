/*
 * Signal generation and the pending set (signal(7)).
 *
 * Each process has two 64-bit sets, bit sig-1 for signal sig:
 *
 *   sigpending   generated and not yet delivered (one instance per signal:
 *                a second one while the first is pending is dropped, so
 *                siginfo[sig] always describes the first);
 *   sigmask      blocked: stays pending until unblocked.
 *
 * Invariants:
 *   - SIGKILL and SIGSTOP are never in sigmask;
 *   - a signal whose action is "ignore" is never added to sigpending unless
 *     it is blocked (its action may change before it is unblocked);
 *   - a SLEEPING process with a pending signal that is not blocked (or is in
 *     its rt_sigtimedwait set) has been made runnable: every sleep in Pagoda
 *     is interruptible, and every sleeper rechecks its condition.
 *
 * Delivery (the handler frame or the default action) is in sigaction.c;
 * the syscalls that read and change these sets are here.
 */
#include "errno.h"
#include "linux_abi.h"
#include "proc.h"
#include "syscalls.h"
#include "string.h"
#include "timer.h"
#include "uaccess.h"

#define SIGSET_SIZE 8
#define UNBLOCKABLE (sigbit(SIGKILL) | sigbit(SIGSTOP))

static inline uint64_t sigbit(int sig) { return 1ull << (sig - 1); }

bool signal_pending(const struct proc *p)
{
	return (p->sigpending & ~p->sigmask) != 0;
}

bool fatal_signal_pending(const struct proc *p)
{
	return (p->sigpending & sigbit(SIGKILL)) != 0;
}

static void signal_wake(struct proc *p, int sig)
{
	bool wakes = !(p->sigmask & sigbit(sig)) || (p->sigwaiting & sigbit(sig));
	if (p->state == PROC_SLEEPING && wakes) {
		p->wait_channel = NULL;
		p->wake_tick = 0;
		sched_make_runnable(p);
	}
}

void send_signal(struct proc *p, int sig, const struct ksiginfo *info)
{
	if (sig <= 0 || sig >= NSIG || p->state == PROC_ZOMBIE)
		return;
	jobctl_signal_sent(p, sig);
	if (sig_ignored(p, sig))
		return;
	spin_lock(&p->siglock);
	bool queued = p->sigpending & sigbit(sig);
	if (!queued) {
		p->sigpending |= sigbit(sig);
		p->siginfo[sig] = *info;
	}
	spin_unlock(&p->siglock);
	if (!queued)
		signal_wake(p, sig);
}

/* A signal the kernel raises for the process's own doing. As Linux's
 * force_sig: if it is blocked or ignored, it cannot be, so the action
 * becomes the default and the signal is unblocked -- a fault inside a
 * handler that blocks it, or an ignored SIGSEGV, kills instead of
 * repeating the faulting instruction forever. */
static void force_sig_info(struct proc *p, int sig, const struct ksiginfo *info)
{
	struct k_sigaction *ka = &p->sigactions[sig];
	if (ka->handler == SIG_IGN || (p->sigmask & sigbit(sig))) {
		ka->handler = SIG_DFL;
		p->sigmask &= ~sigbit(sig);
	}
	spin_lock(&p->siglock);
	p->sigpending &= ~sigbit(sig);   /* this instance, with this siginfo */
	spin_unlock(&p->siglock);
	send_signal(p, sig, info);
}

void force_sig(struct proc *p, int sig)
{
	struct ksiginfo info = { .code = SI_KERNEL };
	force_sig_info(p, sig, &info);
}

void force_sig_fault(int sig, int code, uintptr_t addr, const struct trapframe *tf)
{
	struct ksiginfo info = { .code = code, .addr = addr, .trapno = (uint32_t)tf->vector, .err = tf->error };
	force_sig_info(current_proc(), sig, &info);
}

int dequeue_signal(struct proc *p, uint64_t set, struct ksiginfo *info)
{
	spin_lock(&p->siglock);
	uint64_t ready = p->sigpending & set;
	int sig = !ready ? 0 : ready & sigbit(SIGKILL) ? SIGKILL : __builtin_ctzll(ready) + 1;
	if (sig) {
		p->sigpending &= ~sigbit(sig);
		*info = p->siginfo[sig];
	}
	spin_unlock(&p->siglock);
	return sig;
}

/* fork(2): the child inherits the mask and the actions, not the pending
 * signals or the timers. */
void signal_fork(struct proc *child, const struct proc *parent)
{
	child->sigmask = parent->sigmask;
	memcpy(child->sigactions, parent->sigactions, sizeof(child->sigactions));
	child->altstack = parent->altstack;
	child->exit_signal = SIGCHLD;
}

/* The parent learns of the exit: SIGCHLD (or clone's exit signal) with the
 * child's status (sigaction(2), "The siginfo_t argument"). */
void signal_exit_notify(struct proc *p)
{
	int st = p->exit_status;
	bool killed = (st & 0x7f) != 0;
	struct ksiginfo info = {
		.code = killed ? ((st & 0x80) ? CLD_DUMPED : CLD_KILLED) : CLD_EXITED,
		.pid = p->pid,
		.status = killed ? (st & 0x7f) : (st >> 8) & 0xff,
		.utime = p->utime_ticks,
		.stime = p->stime_ticks,
	};
	if (p->parent && p->exit_signal)
		send_signal(p->parent, p->exit_signal, &info);
}

/* ---- rt_sigprocmask(2), rt_sigpending(2) ---- */

static long set_blocked(struct proc *p, int how, uint64_t set)
{
	switch (how) {
	case SIG_BLOCK: p->sigmask |= set; break;
	case SIG_UNBLOCK: p->sigmask &= ~set; break;
	case SIG_SETMASK: p->sigmask = set; break;
	default: return -EINVAL;
	}
	p->sigmask &= ~UNBLOCKABLE;
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
		long err = set_blocked(p, how, set);
		if (err)
			return err;
	}
	if (uold && copy_to_user(uold, &old, sizeof(old)))
		return -EFAULT;
	return 0;
}

long sys_rt_sigpending(uintptr_t uset, size_t setsize)
{
	struct proc *p = current_proc();
	if (setsize > SIGSET_SIZE)
		return -EINVAL;
	uint64_t set = p->sigpending & p->sigmask;
	return copy_to_user(uset, &set, setsize);
}

/* ---- waiting for a signal: pause(2), rt_sigsuspend(2), rt_sigtimedwait(2) ---- */

static void sleep_until_signal(struct proc *p)
{
	while (!signal_pending(p))
		sleep_on(&p->sigpending, 0);
}

long sys_pause(void)
{
	sleep_until_signal(current_proc());
	return -ERESTARTNOHAND;
}

/* The old mask comes back after the handler returns (it is saved in the
 * frame), or at once if no handler runs: deliver_pending sees restore_sigmask. */
long sys_rt_sigsuspend(uintptr_t umask, size_t setsize)
{
	struct proc *p = current_proc();
	uint64_t set;
	if (setsize != SIGSET_SIZE)
		return -EINVAL;
	if (copy_from_user(&set, umask, sizeof(set)))
		return -EFAULT;
	p->saved_sigmask = p->sigmask;
	p->restore_sigmask = true;
	p->sigmask = set & ~UNBLOCKABLE;
	sleep_until_signal(p);
	return -ERESTARTNOHAND;
}

static long timeout_ticks(uintptr_t uts, uint64_t *ticks)
{
	uint64_t ns;
	*ticks = UINT64_MAX;
	if (!uts)
		return 0;
	long err = timespec_from_user(uts, &ns);
	if (!err)
		*ticks = ns_to_ticks(ns);
	return err;
}

/* Sleep until a signal of `set` is pending, another unblocked one is, or the
 * timeout passes. The signals of `set` are normally blocked: sigwaiting lets
 * them wake the sleeper anyway. */
static void sleep_for_set(struct proc *p, uint64_t set, uint64_t ticks)
{
	uint64_t deadline = ticks == UINT64_MAX ? 0 : timer_ticks() + ticks + 1;
	p->sigwaiting = set;
	while (!(p->sigpending & set) && !signal_pending(p) && (!deadline || timer_ticks() < deadline))
		sleep_on(&p->sigpending, deadline);
	p->sigwaiting = 0;
}

long sys_rt_sigtimedwait(uintptr_t uset, uintptr_t uinfo, uintptr_t uts, size_t setsize)
{
	struct proc *p = current_proc();
	uint64_t set, ticks;
	struct ksiginfo info;
	if (setsize != SIGSET_SIZE)
		return -EINVAL;
	if (copy_from_user(&set, uset, sizeof(set)))
		return -EFAULT;
	long err = timeout_ticks(uts, &ticks);
	if (err)
		return err;
	set &= ~UNBLOCKABLE;
	int sig = dequeue_signal(p, set, &info);
	if (!sig && ticks) {
		sleep_for_set(p, set, ticks);
		sig = dequeue_signal(p, set, &info);
	}
	if (!sig)
		return signal_pending(p) ? -EINTR : -EAGAIN;
	struct linux_siginfo si;
	fill_siginfo(&si, sig, &info);
	if (uinfo && copy_to_user(uinfo, &si, sizeof(si)))
		return -EFAULT;
	return sig;
}
