/*
 * Signal generation and the pending sets (signal(7)).
 *
 * A signal is pending for one thread or for the whole process. Each set is
 * 64 bits, bit sig-1 for signal sig:
 *
 *   p->sigpending        sent to thread p: tkill, tgkill, its own faults
 *   tg->shared_pending   sent to the process (kill, SIGCHLD, timers): the
 *                        first thread that does not block it takes it
 *   p->sigmask           blocked by thread p: stays pending until unblocked
 *
 * One instance per signal in each set: a second one while the first is
 * pending is dropped, so siginfo[sig] (shared_info[sig]) describes the first.
 *
 * Invariants:
 *   - SIGKILL and SIGSTOP are never in a sigmask;
 *   - a signal whose action is "ignore" is never added to a pending set
 *     unless it is blocked (its action may change before it is unblocked);
 *   - a SLEEPING thread with a pending signal that it does not block (or
 *     that is in its rt_sigtimedwait set) has been made runnable: every
 *     sleep in Pagoda is interruptible, and every sleeper rechecks;
 *   - a process-directed signal that some thread does not block has woken
 *     one such thread; SIGKILL sent to a process is sent to every thread.
 *
 * Delivery (the handler frame or the default action) is in sigaction.c;
 * the syscalls that read and change these sets are here.
 */
#include "errno.h"
#include "exit_work.h"
#include "linux_abi.h"
#include "proc.h"
#include "syscalls.h"
#include "string.h"
#include "thread_group.h"
#include "timer.h"
#include "uaccess.h"

#define SIGSET_SIZE 8
#define UNBLOCKABLE (sigbit(SIGKILL) | sigbit(SIGSTOP))

static inline uint64_t sigbit(int sig) { return 1ull << (sig - 1); }

/* Everything pending for thread p: its own and its process's. */
static uint64_t pending_set(const struct proc *p)
{
	return p->sigpending | p->tg->shared_pending;
}

/* Something to act on before user mode: an unblocked signal, or a group
 * stop to join (kernel/jobctl.c). */
bool signal_pending(const struct proc *p)
{
	return (pending_set(p) & ~p->sigmask) != 0 || p->group_stop_pending;
}

bool fatal_signal_pending(const struct proc *p)
{
	return (pending_set(p) & sigbit(SIGKILL)) != 0 || p->tg->group_exit;
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

/* Add sig to a pending set unless it is there; false if it was. */
static bool queue_signal(uint64_t *set, struct ksiginfo *infos, struct spinlock *lock, int sig,
			 const struct ksiginfo *info)
{
	spin_lock(lock);
	bool queued = *set & sigbit(sig);
	if (!queued) {
		*set |= sigbit(sig);
		infos[sig] = *info;
	}
	spin_unlock(lock);
	return !queued;
}

static bool wants_signal(const struct proc *t, int sig)
{
	return t->state != PROC_ZOMBIE && !(t->sigmask & sigbit(sig));
}

/* A process-directed signal was queued: wake a thread that will take it,
 * p itself if it can (Linux's complete_signal). SIGKILL goes to them all. */
static void complete_signal(struct proc *p, int sig)
{
	if (sig == SIGKILL) {
		zap_other_threads(p);
		if (p->state != PROC_ZOMBIE)
			signal_wake(p, sig);
		return;
	}
	struct proc *t = p;
	if (!wants_signal(t, sig))
		for (t = p->tg->threads; t && !wants_signal(t, sig); t = t->thread_next)
			;
	if (t)
		signal_wake(t, sig);
}

void send_signal(struct proc *p, int sig, const struct ksiginfo *info)
{
	struct thread_group *tg = p->tg;
	if (sig <= 0 || sig >= NSIG || tg->nr_threads == 0)
		return;
	jobctl_signal_sent(p, sig);
	if (sig_ignored(p, sig))
		return;
	if (!queue_signal(&tg->shared_pending, tg->shared_info, &tg->lock, sig, info))
		return;
	for (struct proc *t = tg->threads; t; t = t->thread_next)
		set_work(t, WORK_SIGPENDING);   /* whichever takes it: each tests on its way out */
	complete_signal(p, sig);
}

void send_signal_thread(struct proc *t, int sig, const struct ksiginfo *info)
{
	if (sig <= 0 || sig >= NSIG || t->state == PROC_ZOMBIE)
		return;
	jobctl_signal_sent(t, sig);
	if (sig_ignored(t, sig))
		return;
	if (!queue_signal(&t->sigpending, t->siginfo, &t->siglock, sig, info))
		return;
	set_work(t, WORK_SIGPENDING);
	signal_wake(t, sig);
}

/* Discard every pending instance of the signals in mask, the process's
 * and each thread's (sigaction setting "ignore", SIGCONT and the stops). */
void flush_signals_group(struct proc *p, uint64_t mask)
{
	struct thread_group *tg = p->tg;
	spin_lock(&tg->lock);
	tg->shared_pending &= ~mask;
	spin_unlock(&tg->lock);
	for (struct proc *t = tg->threads; t; t = t->thread_next) {
		spin_lock(&t->siglock);
		t->sigpending &= ~mask;
		spin_unlock(&t->siglock);
	}
}

/* A signal the kernel raises for the process's own doing. As Linux's
 * force_sig: if it is blocked or ignored, it cannot be, so the action
 * becomes the default and the signal is unblocked -- a fault inside a
 * handler that blocks it, or an ignored SIGSEGV, kills instead of
 * repeating the faulting instruction forever. */
static void force_sig_info(struct proc *p, int sig, const struct ksiginfo *info)
{
	struct k_sigaction *ka = &p->sighand->action[sig];
	if (ka->handler == SIG_IGN || (p->sigmask & sigbit(sig))) {
		ka->handler = SIG_DFL;
		p->sigmask &= ~sigbit(sig);
	}
	spin_lock(&p->siglock);
	p->sigpending &= ~sigbit(sig);   /* this instance, with this siginfo */
	spin_unlock(&p->siglock);
	send_signal_thread(p, sig, info);   /* the faulting thread's own */
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

/* The lowest signal of `set` in one pending set (SIGKILL first), taken
 * out with its siginfo; 0 if none. */
static int dequeue_from(uint64_t *pending, struct ksiginfo *infos, struct spinlock *lock, uint64_t set,
			struct ksiginfo *info)
{
	spin_lock(lock);
	uint64_t ready = *pending & set;
	int sig = !ready ? 0 : ready & sigbit(SIGKILL) ? SIGKILL : __builtin_ctzll(ready) + 1;
	if (sig) {
		*pending &= ~sigbit(sig);
		*info = infos[sig];
	}
	spin_unlock(lock);
	return sig;
}

/* The thread's own signals first, then the process's (as Linux). */
int dequeue_signal(struct proc *p, uint64_t set, struct ksiginfo *info)
{
	struct thread_group *tg = p->tg;
	int sig = dequeue_from(&p->sigpending, p->siginfo, &p->siglock, set, info);
	return sig ? sig : dequeue_from(&tg->shared_pending, tg->shared_info, &tg->lock, set, info);
}

/* fork(2): the child inherits the mask and the actions, not the pending
 * signals or the timers. */
void signal_fork(struct proc *child, const struct proc *parent)
{
	child->sigmask = parent->sigmask;
	child->work = WORK_SIGPENDING;   /* its first syscall's end tests in full: the shared set may hold one */
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
	set_work(p, WORK_SIGPENDING);   /* a pending signal may be unblocked now */
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
	uint64_t set = pending_set(p) & p->sigmask;
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
	set_work(p, WORK_SIGPENDING);
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
	uint64_t deadline = ticks == UINT64_MAX ? 0 : timer_deadline(ticks);
	p->sigwaiting = set;
	while (!(pending_set(p) & set) && !signal_pending(p) && (!deadline || timer_ticks() < deadline))
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
