/* Signal generation and the pending set (kernel/sigpending.c, sigaction.c),
 * on a process that never runs: what is queued, dropped, or dequeued first. */
#include "../../kernel/ktest.h"
#include "../../kernel/linux_abi.h"
#include "../../kernel/proc.h"
#include "../../mm/kheap.h"

static uint64_t bit(int sig) { return 1ull << (sig - 1); }

static struct proc *quiet_proc(void)
{
	struct proc *p = kzalloc(sizeof(*p));
	KT_ASSERT(p != NULL);
	p->state = PROC_RUNNING;   /* never woken, never scheduled */
	p->pid = 424242;
	return p;
}

KTEST(signal_dequeue_sigkill_first_then_lowest)
{
	struct proc *p = quiet_proc();
	struct ksiginfo info = { .code = SI_USER, .pid = 7 }, got;
	send_signal(p, SIGTERM, &info);
	send_signal(p, SIGUSR1, &info);
	send_signal(p, SIGKILL, &info);
	KT_EQ(p->sigpending, bit(SIGTERM) | bit(SIGUSR1) | bit(SIGKILL));
	KT_EQ(dequeue_signal(p, ~0ull, &got), SIGKILL);
	KT_EQ(dequeue_signal(p, ~0ull, &got), SIGUSR1);
	KT_EQ(got.pid, 7);
	KT_EQ(dequeue_signal(p, ~0ull, &got), SIGTERM);
	KT_EQ(dequeue_signal(p, ~0ull, &got), 0);
	kfree(p);
}

/* A second instance of a pending standard signal is dropped: the first's
 * siginfo stays. */
KTEST(signal_standard_signals_do_not_queue)
{
	struct proc *p = quiet_proc();
	struct ksiginfo first = { .code = SI_USER, .pid = 1 }, second = { .code = SI_TKILL, .pid = 2 }, got;
	send_signal(p, SIGUSR2, &first);
	send_signal(p, SIGUSR2, &second);
	KT_EQ(dequeue_signal(p, ~0ull, &got), SIGUSR2);
	KT_EQ(got.pid, 1);
	KT_EQ(dequeue_signal(p, ~0ull, &got), 0);
	kfree(p);
}

/* Ignored signals are discarded at generation, unless blocked (the action
 * may change before they are unblocked); SIGKILL never is. */
KTEST(signal_ignored_dropped_unless_blocked)
{
	struct proc *p = quiet_proc();
	struct ksiginfo info = { .code = SI_USER };
	send_signal(p, SIGCHLD, &info);   /* default: ignore */
	KT_EQ(p->sigpending, 0);
	p->sigactions[SIGUSR1].handler = SIG_IGN;
	send_signal(p, SIGUSR1, &info);
	KT_EQ(p->sigpending, 0);
	p->sigmask = bit(SIGUSR1);
	send_signal(p, SIGUSR1, &info);
	KT_EQ(p->sigpending, bit(SIGUSR1));
	KT_ASSERT(!signal_pending(p));   /* blocked: nothing to deliver */
	kfree(p);
}

/* A fault signal cannot be blocked or ignored: force_sig makes it the
 * default action and unblocks it, so it kills (issue 19's row). */
KTEST(signal_forced_fault_unblocks_and_resets)
{
	struct proc *p = quiet_proc();
	p->sigmask = bit(SIGSEGV);
	p->sigactions[SIGSEGV].handler = 0x401000;
	force_sig(p, SIGSEGV);
	KT_EQ(p->sigmask & bit(SIGSEGV), 0);
	KT_EQ(p->sigactions[SIGSEGV].handler, SIG_DFL);
	KT_ASSERT(signal_pending(p));
	p->sigactions[SIGFPE].handler = SIG_IGN;
	force_sig(p, SIGFPE);
	KT_EQ(p->sigactions[SIGFPE].handler, SIG_DFL);
	KT_ASSERT(p->sigpending & bit(SIGFPE));
	kfree(p);
}
