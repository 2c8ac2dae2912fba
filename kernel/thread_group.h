/*
 * A thread group: the process that the threads made by clone(CLONE_THREAD)
 * form together (Linux's signal_struct, with the thread list). The
 * structure is in proc.h (the return to user mode reads its pending set);
 * kernel/thread_group.c says what it owns and what is always true.
 */
#ifndef PAGODA_THREAD_GROUP_H
#define PAGODA_THREAD_GROUP_H
#include "proc.h"


/* A new group with p as its only thread and leader; -ENOMEM or 0. */
int tg_create(struct proc *p);
/* p (just allocated) joins the group of `of` as one more thread. */
void tg_add_thread(struct proc *p, struct proc *of);
/* proc_free: p leaves the thread list; the last one frees the group. */
void tg_release(struct proc *p);

static inline bool thread_group_leader(const struct proc *p)
{
	return p->tg->leader == p;
}

/* The thread in p's group with this tid, or NULL. */
struct proc *tg_find_thread(const struct proc *p, int tid);
/* SIGKILL to every other thread of the group that has not exited. */
void zap_other_threads(struct proc *p);
/* execve from any thread: the others die, and p takes the leader's pid. */
void de_thread(struct proc *p);

#endif
