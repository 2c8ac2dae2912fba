/*
 * Signal dispositions and delivery (sigaction(2), signal(7)).
 *
 * p->sighand->action[sig] is what happens when sig is delivered: SIG_DFL (the
 * default action: terminate; ignore for SIGCHLD, SIGURG, SIGWINCH and
 * SIGCONT; stop for SIGSTOP, SIGTSTP, SIGTTIN and SIGTTOU: kernel/jobctl.c),
 * SIG_IGN, or a user handler.
 *
 * deliver_pending (kernel/proc.h) runs on a return to user mode whose
 * thread has WORK_SIGPENDING set (kernel/exit_work.h: every change that can
 * make a signal deliverable sets it) and calls do_signal when anything is
 * to be done. For each pending signal
 * that is not blocked, lowest number first (SIGKILL before all), it either
 * takes the default action or builds a handler frame on the user stack
 * (sigframe.c), blocking sa_mask and, unless SA_NODEFER, the signal itself
 * while the handler runs. Frames nest: several handlers may be stacked
 * before the process runs again, as on Linux.
 *
 * The table is a struct sighand_struct, shared by a process's threads
 * (clone's CLONE_SIGHAND; count of them), copied by fork, made private
 * again by exec; sighand->lock guards a change of it.
 *
 * Invariants: action[SIGKILL] and action[SIGSTOP] are always
 * SIG_DFL; a blocking syscall interrupted by a signal returns one of the
 * -ERESTART* codes, and nothing but deliver_pending turns them into EINTR
 * or a restart, so user space never sees them.
 */
#include "errno.h"
#include "linux_abi.h"
#include "proc.h"
#include "string.h"
#include "syscalls.h"
#include "thread_group.h"
#include "uaccess.h"
#include "../mm/kheap.h"

static inline uint64_t sigbit(int sig) { return 1ull << (sig - 1); }

/* Default action "ignore" (signal(7)). SIGCONT's "continue" happens when
 * it is sent (kernel/jobctl.c); delivered, it is ignored. */
static bool default_ignored(int sig)
{
	switch (sig) {
	case SIGCHLD: case SIGURG: case SIGWINCH: case SIGCONT:
		return true;
	default:
		return false;
	}
}

/* A blocked signal is never ignored at generation: its action may change
 * before it is unblocked. */
static bool action_ignores(uintptr_t h, int sig)
{
	return h == SIG_IGN || (h == SIG_DFL && default_ignored(sig));
}

bool sig_ignored(const struct proc *p, int sig)
{
	if (sig == SIGKILL || (p->sigmask & sigbit(sig)))
		return false;
	return action_ignores(p->sighand->action[sig].handler, sig);
}

/* The SigIgn and SigCgt sets of /proc/PID/status. */
uint64_t sig_ignored_set(const struct proc *p)
{
	uint64_t set = 0;
	for (int s = 1; s < NSIG; s++)
		set |= p->sighand->action[s].handler == SIG_IGN ? sigbit(s) : 0;
	return set;
}

uint64_t sig_caught_set(const struct proc *p)
{
	uint64_t set = 0;
	for (int s = 1; s < NSIG; s++)
		set |= p->sighand->action[s].handler > SIG_IGN ? sigbit(s) : 0;
	return set;
}

bool sig_handled(const struct proc *p, int sig)
{
	return p->sighand->action[sig].handler > SIG_IGN && !(p->sigmask & sigbit(sig));
}

/* ---- the table: shared, copied, released ---- */

static struct sighand_struct *sighand_copy(const struct sighand_struct *from)
{
	struct sighand_struct *sh = kzalloc(sizeof(*sh));
	if (!sh)
		return NULL;
	sh->count = 1;
	spin_lock_init(&sh->lock, "sighand->lock");
	if (from)
		memcpy(sh->action, from->action, sizeof(sh->action));
	return sh;
}

int copy_sighand(struct proc *child, struct proc *parent, bool share)
{
	if (share && parent->sighand) {
		__atomic_add_fetch(&parent->sighand->count, 1, __ATOMIC_ACQ_REL);
		child->sighand = parent->sighand;
		return 0;
	}
	child->sighand = sighand_copy(parent ? parent->sighand : NULL);
	return child->sighand ? 0 : -ENOMEM;
}

/* A kernel thread's table: every signal ignored (Linux's ignore_signals), so
 * kill(2) of it, or of -1, discards what it sends; SIGKILL and SIGSTOP stay
 * SIG_DFL and wait, undelivered, for a return to user mode that never comes. */
int ignore_signals(struct proc *p)
{
	if (copy_sighand(p, NULL, false))
		return -ENOMEM;
	for (int s = 1; s < NSIG; s++)
		if (s != SIGKILL && s != SIGSTOP)
			p->sighand->action[s].handler = SIG_IGN;
	return 0;
}

void sighand_put(struct proc *p)
{
	struct sighand_struct *sh = p->sighand;
	p->sighand = NULL;
	if (sh && !__atomic_sub_fetch(&sh->count, 1, __ATOMIC_ACQ_REL))
		kfree(sh);
}

/* execve(2): handlers are reset to SIG_DFL (their code is gone); ignored
 * signals stay ignored; the mask and pending set are kept. A table still
 * shared (CLONE_SIGHAND without CLONE_THREAD) is copied first; -ENOMEM. */
int signal_exec_reset(struct proc *p)
{
	if (p->sighand->count > 1) {
		struct sighand_struct *own = sighand_copy(p->sighand);
		if (!own)
			return -ENOMEM;
		sighand_put(p);
		p->sighand = own;
	}
	for (int s = 1; s < NSIG; s++)
		if (p->sighand->action[s].handler != SIG_IGN)
			p->sighand->action[s] = (struct k_sigaction){ 0 };
	p->altstack = (struct linux_stack){ .ss_flags = SS_DISABLE };
	return 0;
}

long sys_rt_sigaction(int sig, uintptr_t uact, uintptr_t uold, size_t setsize)
{
	struct proc *p = current_proc();
	if (setsize != sizeof(uint64_t))
		return -EINVAL;
	struct k_sigaction act, old;
	if (uact && copy_from_user(&act, uact, sizeof(act)))
		return -EFAULT;   /* Linux copies in before it looks at sig */
	if (sig < 1 || sig >= NSIG || (uact && (sig == SIGKILL || sig == SIGSTOP)))
		return -EINVAL;
	struct sighand_struct *sh = p->sighand;
	spin_lock(&sh->lock);
	old = sh->action[sig];
	if (uact) {
		act.mask &= ~(sigbit(SIGKILL) | sigbit(SIGSTOP));
		sh->action[sig] = act;
	}
	spin_unlock(&sh->lock);
	if (uact && action_ignores(act.handler, sig))
		flush_signals_group(p, sigbit(sig));   /* POSIX: setting "ignore" discards a pending one, in every thread */
	if (uold && copy_to_user(uold, &old, sizeof(old)))
		return -EFAULT;
	return 0;
}

/* ---- delivery ---- */

static void restart_syscall(struct trapframe *tf, long nr)
{
	tf->rax = (uint64_t)nr;
	tf->rip -= 2;   /* back onto the 2-byte `syscall` instruction */
}

/* A handler is about to run: the interrupted syscall's -ERESTART* result
 * becomes EINTR, or a restart after the handler (SA_RESTART). */
static void restart_or_eintr(struct trapframe *tf, long nr, const struct k_sigaction *ka)
{
	long r = (long)tf->rax;
	if (r == -ERESTARTNOHAND || (r == -ERESTARTSYS && !(ka->flags & SA_RESTART)))
		tf->rax = (uint64_t)-EINTR;
	else if (r == -ERESTARTSYS || r == -ERESTARTNOINTR)
		restart_syscall(tf, nr);
}

/* The default action "terminate" ends the whole process, every thread. */
static __attribute__((noreturn)) void default_terminate(int sig)
{
	do_group_exit(wstatus_signaled(sig, false));   /* no core dumps: the core bit stays clear */
}

/* Run the handler for sig: build its frame and change the mask. */
static void handle_signal(struct proc *p, int sig, const struct ksiginfo *info)
{
	struct k_sigaction *ka = &p->sighand->action[sig];
	uint64_t oldmask = p->restore_sigmask ? p->saved_sigmask : p->sigmask;
	if (setup_rt_frame(p, sig, ka, info, oldmask) < 0) {
		force_sig(p, SIGSEGV);   /* no room for the frame: as Linux, SIGSEGV */
		return;
	}
	p->restore_sigmask = false;
	p->sigmask |= ka->mask | (ka->flags & SA_NODEFER ? 0 : sigbit(sig));
	p->sigmask &= ~(sigbit(SIGKILL) | sigbit(SIGSTOP));
	if (ka->flags & SA_RESETHAND)
		*ka = (struct k_sigaction){ 0 };
}

void do_signal(struct proc *p, long syscall_nr)
{
	struct ksiginfo info;
	int sig;
	if (syscall_nr >= 0 && !is_restart_code((long)p->tf->rax))
		syscall_nr = -1;
	if (p->group_stop_pending && !fatal_signal_pending(p))
		do_signal_stop(0);   /* another thread stopped the process */
	p->group_stop_pending = false;
	while ((sig = dequeue_signal(p, ~p->sigmask, &info)) != 0) {
		struct k_sigaction *ka = &p->sighand->action[sig];
		if (ka->handler == SIG_IGN || (ka->handler == SIG_DFL && default_ignored(sig)))
			continue;
		if (ka->handler == SIG_DFL && sig_is_stop(sig)) {
			if (sig_stops(p, sig))
				do_signal_stop(sig);   /* back here once continued: go on */
			continue;
		}
		if (ka->handler == SIG_DFL)
			default_terminate(sig);
		if (syscall_nr >= 0)
			restart_or_eintr(p->tf, syscall_nr, ka);
		syscall_nr = -1;
		handle_signal(p, sig, &info);
	}
	if (syscall_nr >= 0)
		restart_syscall(p->tf, syscall_nr);   /* no handler ran: as if never interrupted */
	if (p->restore_sigmask) {
		p->sigmask = p->saved_sigmask;
		p->restore_sigmask = false;
	}
}
