/* Thread groups (kernel/thread_group.c) on tasks that never run: the list,
 * the counts, tgid, lookups by tid, SIGKILL to the other threads, and the
 * shared signal actions' reference count. */
#include "../../kernel/exit_work.h"
#include "../../kernel/ktest.h"
#include "../../kernel/linux_abi.h"
#include "../../kernel/proc.h"
#include "../../kernel/thread_group.h"
#include "../../mm/kheap.h"

static uint64_t bit(int sig) { return 1ull << (sig - 1); }

static struct proc *idle_task(int pid)
{
	struct proc *p = kzalloc(sizeof(*p));
	KT_ASSERT(p != NULL);
	p->state = PROC_RUNNING;   /* never woken, never scheduled */
	p->pid = pid;
	return p;
}

/* A leader and two threads, made as clone(CLONE_THREAD|CLONE_SIGHAND) does. */
static struct proc *group_of_three(struct proc **t1, struct proc **t2)
{
	struct proc *leader = idle_task(515150);
	KT_ASSERT(tg_create(leader) == 0);
	KT_ASSERT(copy_sighand(leader, NULL, false) == 0);
	*t1 = idle_task(515151);
	*t2 = idle_task(515152);
	tg_add_thread(*t1, leader);
	tg_add_thread(*t2, leader);
	KT_ASSERT(copy_sighand(*t1, leader, true) == 0);
	KT_ASSERT(copy_sighand(*t2, leader, true) == 0);
	return leader;
}

static void release_task(struct proc *p)
{
	sighand_put(p);
	tg_release(p);
	kfree(p);
}

KTEST(thread_group_list_counts_and_tgid)
{
	struct proc *t1, *t2, *leader = group_of_three(&t1, &t2);
	struct thread_group *tg = leader->tg;
	KT_EQ(tg->count, 3);
	KT_EQ(tg->nr_threads, 3);
	KT_EQ(tg->threads, leader);   /* leader first, then in creation order */
	KT_EQ(leader->thread_next, t1);
	KT_EQ(t1->thread_next, t2);
	KT_EQ(t1->tgid, leader->pid);
	KT_EQ(t2->tg, tg);
	KT_ASSERT(thread_group_leader(leader) && !thread_group_leader(t1));
	KT_EQ(leader->sighand->count, 3);   /* one table for the three */
	KT_EQ(tg_find_thread(t2, 515151), t1);
	t1->state = PROC_ZOMBIE;   /* an exited thread is not found */
	KT_EQ(tg_find_thread(leader, 515151), NULL);
	release_task(t1);
	KT_EQ(tg->count, 2);
	KT_EQ(leader->thread_next, t2);
	KT_EQ(leader->sighand->count, 2);
	release_task(t2);
	release_task(leader);
}

/* exit_group's and a fatal signal's first step: SIGKILL to each other
 * thread's own pending set; not to the caller, not to an exited one. */
KTEST(thread_group_zap_other_threads)
{
	struct proc *t1, *t2, *leader = group_of_three(&t1, &t2);
	t2->state = PROC_ZOMBIE;
	zap_other_threads(leader);
	KT_EQ(leader->sigpending, 0);
	KT_EQ(t1->sigpending, bit(SIGKILL));
	KT_EQ(t2->sigpending, 0);
	KT_ASSERT(fatal_signal_pending(t1));
	release_task(t1);
	release_task(t2);
	release_task(leader);
}

/* kill(2) to a process whose leader blocks the signal wakes (here: marks
 * pending for) the process, and a thread that does not block it takes it. */
KTEST(thread_group_process_signal_taken_by_unblocked_thread)
{
	struct proc *t1, *t2, *leader = group_of_three(&t1, &t2);
	struct ksiginfo info = { .code = SI_USER }, got;
	leader->sigmask = bit(SIGUSR1);
	t1->sigmask = bit(SIGUSR1);
	send_signal(leader, SIGUSR1, &info);
	KT_EQ(leader->tg->shared_pending, bit(SIGUSR1));
	KT_ASSERT(!signal_pending(leader) && !signal_pending(t1));
	KT_ASSERT(signal_pending(t2));
	KT_EQ(dequeue_signal(t2, ~t2->sigmask, &got), SIGUSR1);
	KT_EQ(leader->tg->shared_pending, 0);
	release_task(t1);
	release_task(t2);
	release_task(leader);
}

/* A kernel thread's actions (ignore_signals): kill(2) naming it, or -1,
 * leaves nothing but SIGKILL/SIGSTOP pending, which it never acts on. */
KTEST(thread_group_kernel_thread_ignores_signals)
{
	struct proc *k = idle_task(515160);
	struct ksiginfo info = { .code = SI_USER };
	KT_ASSERT(tg_create(k) == 0);
	KT_ASSERT(ignore_signals(k) == 0);
	send_signal(k, SIGUSR1, &info);
	send_signal(k, SIGTERM, &info);
	KT_EQ(k->tg->shared_pending | k->sigpending, 0);
	send_signal(k, SIGKILL, &info);
	KT_EQ(k->tg->shared_pending, bit(SIGKILL));
	release_task(k);
}

/* The syscall's signal work bit (kernel/exit_work.h): tgkill's signal marks
 * its thread; kill's marks every thread of the process, any of which may
 * take it; only the thread itself clears its bit. */
KTEST(thread_group_signal_sends_set_work_sigpending)
{
	struct proc *t1, *t2, *leader = group_of_three(&t1, &t2);
	struct ksiginfo info = { .code = SI_USER };
	send_signal_thread(t1, SIGUSR1, &info);
	KT_EQ(t1->work, WORK_SIGPENDING);
	KT_EQ(leader->work | t2->work, 0);
	send_signal(leader, SIGUSR2, &info);
	KT_EQ(leader->work & t1->work & t2->work, WORK_SIGPENDING);
	release_task(t1);
	release_task(t2);
	release_task(leader);
}
