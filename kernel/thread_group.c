/*
 * Thread groups: the threads of one process (clone(2) CLONE_THREAD).
 *
 *   struct thread_group
 *     leader  ----------------> [leader] -> [t1] -> [t2] -> NULL   (threads, thread_next)
 *     shared_pending            kill(2)'s signals, for whichever thread takes them
 *     group_exit, exit code     exit_group(2) or a fatal signal: all of them die
 *
 * Each thread keeps its own pid (the tid); getpid returns the tgid, the
 * leader's pid. The leader is what the rest of the system sees as the
 * process: only it is on its parent's child list, the process's children
 * are on its list, wait4 reports it, and its pid names the process in
 * /proc. A thread other than the leader is released at its exit (nobody
 * waits for it); the leader stays a zombie until the last thread is gone,
 * and only then does its parent hear of the exit.
 *
 * Always true:
 *   - every struct proc is on exactly one group's thread list from
 *     proc_alloc to proc_free, and count is the length of that list;
 *   - nr_threads counts the threads on the list that have not exited;
 *   - while nr_threads > 0 the leader is on the list (a zombie at worst),
 *     and tg->leader->pid == t->tgid for each thread t;
 *   - group_exit, once set, stays set: no thread of the group returns to
 *     user mode again.
 * Lock: tg->lock guards the shared pending set (kernel/sigpending.c); the
 * list, counts and leader change only in kernel code on one CPU
 * (docs/locking.md).
 */
#include "thread_group.h"
#include "errno.h"
#include "linux_abi.h"
#include "../mm/kheap.h"

int tg_create(struct proc *p)
{
	struct thread_group *tg = kzalloc(sizeof(*tg));
	if (!tg)
		return -ENOMEM;
	spin_lock_init(&tg->lock, "tg->lock");
	tg->count = tg->nr_threads = 1;
	tg->leader = tg->threads = p;
	p->tg = tg;
	p->tgid = p->pid;
	p->thread_next = NULL;
	return 0;
}

void tg_add_thread(struct proc *p, struct proc *of)
{
	struct thread_group *tg = of->tg;
	struct proc **pp = &tg->threads;
	while (*pp)
		pp = &(*pp)->thread_next;
	*pp = p;
	p->thread_next = NULL;
	p->tg = tg;
	p->tgid = tg->leader->pid;
	tg->count++;
	tg->nr_threads++;
}

void tg_release(struct proc *p)
{
	struct thread_group *tg = p->tg;
	if (!tg)
		return;   /* proc_alloc failed before the group was made */
	struct proc **pp = &tg->threads;
	while (*pp != p)
		pp = &(*pp)->thread_next;
	*pp = p->thread_next;
	if (tg->leader == p)
		tg->leader = NULL;   /* the last to go: every other thread has exited */
	if (--tg->count == 0)
		kfree(tg);
}

struct proc *tg_find_thread(const struct proc *p, int tid)
{
	for (struct proc *t = p->tg->threads; t; t = t->thread_next)
		if (t->pid == tid && t->state != PROC_ZOMBIE)
			return t;
	return NULL;
}

void zap_other_threads(struct proc *p)
{
	struct ksiginfo info = { .code = SI_KERNEL };
	for (struct proc *t = p->tg->threads; t; t = t->thread_next)
		if (t != p && t->state != PROC_ZOMBIE)
			send_signal_thread(t, SIGKILL, &info);
}

/* p takes the place of the old leader (a zombie now) in its parent's child
 * list, with its pid, children and parent; the old leader is released. */
static void take_leadership(struct proc *p, struct proc *old)
{
	struct thread_group *tg = p->tg;
	p->pid = p->tgid;
	p->parent = old->parent;
	p->exit_signal = old->exit_signal;
	p->children = old->children;
	for (struct proc *c = p->children; c; c = c->sibling)
		c->parent = p;
	p->sibling = old->sibling;
	struct proc **pp = &p->parent->children;
	while (*pp != old)
		pp = &(*pp)->sibling;
	*pp = p;
	p->start_tick = old->start_tick;
	old->children = old->sibling = old->parent = NULL;
	old->pid = -old->pid;   /* no lookup finds it again */
	tg->leader = p;
	proc_free_later(old);
}

void de_thread(struct proc *p)
{
	struct thread_group *tg = p->tg;
	if (tg->nr_threads == 1 && thread_group_leader(p))
		return;
	tg->exec_task = p;
	zap_other_threads(p);
	while (tg->nr_threads > 1)
		sleep_on(tg, 0);   /* each exiting thread wakes us */
	tg->exec_task = NULL;
	if (!thread_group_leader(p))
		take_leadership(p, tg->leader);
}
