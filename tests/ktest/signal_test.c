/* Signal generation and the pending set (kernel/sigpending.c, sigaction.c),
 * on a process that never runs: what is queued, dropped, or dequeued first. */
#include "../../kernel/ktest.h"
#include "../../kernel/linux_abi.h"
#include "../../kernel/proc.h"
#include "../../kernel/thread_group.h"
#include "../../mm/kheap.h"

static uint64_t bit(int sig) { return 1ull << (sig - 1); }

static struct proc *quiet_proc(void)
{
	struct proc *p = kzalloc(sizeof(*p));
	KT_ASSERT(p != NULL);
	p->state = PROC_RUNNING;   /* never woken, never scheduled */
	p->pid = 424242;
	KT_ASSERT(tg_create(p) == 0);   /* a process of one thread */
	KT_ASSERT(copy_sighand(p, NULL, false) == 0);
	return p;
}

static void quiet_free(struct proc *p)
{
	sighand_put(p);
	tg_release(p);
	kfree(p);
}

/* What is pending for the thread: its own signals and its process's. */
static uint64_t pending(const struct proc *p)
{
	return p->sigpending | p->tg->shared_pending;
}

KTEST(signal_dequeue_sigkill_first_then_lowest)
{
	struct proc *p = quiet_proc();
	struct ksiginfo info = { .code = SI_USER, .pid = 7 }, got;
	send_signal(p, SIGTERM, &info);
	send_signal(p, SIGUSR1, &info);
	send_signal(p, SIGKILL, &info);
	KT_EQ(pending(p), bit(SIGTERM) | bit(SIGUSR1) | bit(SIGKILL));
	KT_EQ(dequeue_signal(p, ~0ull, &got), SIGKILL);
	KT_EQ(dequeue_signal(p, ~0ull, &got), SIGUSR1);
	KT_EQ(got.pid, 7);
	KT_EQ(dequeue_signal(p, ~0ull, &got), SIGTERM);
	KT_EQ(dequeue_signal(p, ~0ull, &got), 0);
	quiet_free(p);
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
	quiet_free(p);
}

/* Ignored signals are discarded at generation, unless blocked (the action
 * may change before they are unblocked); SIGKILL never is. */
KTEST(signal_ignored_dropped_unless_blocked)
{
	struct proc *p = quiet_proc();
	struct ksiginfo info = { .code = SI_USER };
	send_signal(p, SIGCHLD, &info);   /* default: ignore */
	KT_EQ(pending(p), 0);
	p->sighand->action[SIGUSR1].handler = SIG_IGN;
	send_signal(p, SIGUSR1, &info);
	KT_EQ(pending(p), 0);
	p->sigmask = bit(SIGUSR1);
	send_signal(p, SIGUSR1, &info);
	KT_EQ(pending(p), bit(SIGUSR1));
	KT_ASSERT(!signal_pending(p));   /* blocked: nothing to deliver */
	quiet_free(p);
}

/* A fault signal cannot be blocked or ignored: force_sig makes it the
 * default action and unblocks it, so it kills (issue 19's row). */
KTEST(signal_forced_fault_unblocks_and_resets)
{
	struct proc *p = quiet_proc();
	p->sigmask = bit(SIGSEGV);
	p->sighand->action[SIGSEGV].handler = 0x401000;
	force_sig(p, SIGSEGV);
	KT_EQ(p->sigmask & bit(SIGSEGV), 0);
	KT_EQ(p->sighand->action[SIGSEGV].handler, SIG_DFL);
	KT_ASSERT(signal_pending(p));
	p->sighand->action[SIGFPE].handler = SIG_IGN;
	force_sig(p, SIGFPE);
	KT_EQ(p->sighand->action[SIGFPE].handler, SIG_DFL);
	KT_ASSERT(pending(p) & bit(SIGFPE));
	quiet_free(p);
}

/* kill(2)'s signal waits in the process's set for any thread; tgkill's in
 * the thread's own; the thread's own come out first (as Linux). */
KTEST(signal_thread_and_process_pending_sets)
{
	struct proc *p = quiet_proc();
	struct ksiginfo to_process = { .code = SI_USER, .pid = 1 }, to_thread = { .code = SI_TKILL, .pid = 2 }, got;
	send_signal(p, SIGUSR1, &to_process);
	send_signal_thread(p, SIGUSR2, &to_thread);
	KT_EQ(p->tg->shared_pending, bit(SIGUSR1));
	KT_EQ(p->sigpending, bit(SIGUSR2));
	KT_EQ(dequeue_signal(p, ~0ull, &got), SIGUSR2);
	KT_EQ(got.code, SI_TKILL);
	KT_EQ(dequeue_signal(p, ~0ull, &got), SIGUSR1);
	KT_EQ(got.code, SI_USER);
	send_signal_thread(p, SIGTERM, &to_thread);
	send_signal(p, SIGTERM, &to_process);
	flush_signals_group(p, bit(SIGTERM));   /* sigaction's "ignore" drops both */
	KT_EQ(pending(p), 0);
	quiet_free(p);
}
