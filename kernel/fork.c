/*
 * fork(2), vfork(2) and clone(2) with the flags libcs use to make processes:
 *
 *   fork            a new process whose address space is a copy-on-write
 *                   duplicate (mm_dup) of the parent's, with the same open
 *                   files and registers; fork returns 0 in the child.
 *   CLONE_VM|CLONE_VFORK (vfork, posix_spawn)
 *                   the child borrows the parent's address space itself
 *                   (p->mm_borrowed) and the parent sleeps until the child
 *                   execs or exits, so exactly one of them runs in it at a
 *                   time; the child's exec or exit gives it back untouched.
 *   CLONE_CHILD_SETTID, CLONE_PARENT_SETTID, CLONE_CHILD_CLEARTID, CLONE_SETTLS,
 *   a new stack pointer, and the exit signal in the low byte (CSIGNAL).
 *
 * Threads (CLONE_VM without CLONE_VFORK, CLONE_THREAD) are not supported:
 * EINVAL. Invariant: a process with mm_borrowed set has a parent sleeping in
 * vfork_wait on it, and that parent does not run until vfork_done.
 */
#include "errno.h"
#include "fpu.h"
#include "../fs/vfs.h"
#include "linux_abi.h"
#include "proc.h"
#include "string.h"
#include "syscalls.h"
#include "uaccess.h"
#include "../mm/kheap.h"
#include "../mm/mm.h"

struct clone_args {
	uint64_t flags;
	uintptr_t newsp, parent_tid, child_tid, tls;
};

#define CLONE_SUPPORTED (CSIGNAL | CLONE_VM | CLONE_VFORK | CLONE_SETTLS | CLONE_PARENT_SETTID | \
			 CLONE_CHILD_CLEARTID | CLONE_CHILD_SETTID)

static void link_child(struct proc *parent, struct proc *child)
{
	child->parent = parent;
	child->sibling = parent->children;
	parent->children = child;
}

/* The child's copy of everything but the address space. */
static void copy_process_state(struct proc *child, struct proc *parent, const struct clone_args *a)
{
	*child->tf = *parent->tf;
	fpu_fork(child);
	child->tf->rax = 0;   /* fork returns 0 in the child */
	if (a->newsp)
		child->tf->rsp = a->newsp;
	memcpy(child->name, parent->name, sizeof(child->name));
	memcpy(child->exe, parent->exe, sizeof(child->exe));
	files_dup(child, parent);
	cwd_dup(child, parent);
	child->fs_base = a->flags & CLONE_SETTLS ? a->tls : parent->fs_base;
	signal_fork(child, parent);
	child->exit_signal = (int)(a->flags & CSIGNAL);
	child->pgid = parent->pgid;
	child->sid = parent->sid;
	child->umask = parent->umask;
	memcpy(child->rlimits, parent->rlimits, sizeof(child->rlimits));
	child->ngroups = parent->ngroups;
	memcpy(child->groups, parent->groups, sizeof(child->groups));
	if (parent->cmdline && (child->cmdline = kmalloc(parent->cmdline_len ? parent->cmdline_len : 1))) {
		memcpy(child->cmdline, parent->cmdline, parent->cmdline_len);
		child->cmdline_len = parent->cmdline_len;
	}
	if (a->flags & CLONE_CHILD_CLEARTID)
		child->clear_child_tid = a->child_tid;
}

/* The parent's tid word now; the child's when the child first runs
 * (schedule_tail), in its own address space. */
static void write_tids(struct proc *child, const struct clone_args *a)
{
	int tid = child->pid;
	if (a->flags & CLONE_CHILD_SETTID)
		child->set_child_tid = a->child_tid;
	if (a->flags & CLONE_PARENT_SETTID)
		copy_to_user(a->parent_tid, &tid, sizeof(tid));
}

/* A new process's first code, on its own stack in its own address space
 * (kernel/switch.asm proc_first_entry), before it enters user mode. */
void schedule_tail(void)
{
	struct proc *p = current_proc();
	proc_free_released();
	if (p->set_child_tid) {
		int tid = p->pid;
		copy_to_user(p->set_child_tid, &tid, sizeof(tid));   /* a bad address is the child's problem */
		p->set_child_tid = 0;
	}
}

/* The parent of a vfork child: asleep until the child gives the address
 * space back. Signals wait too: the child runs in the parent's memory, so
 * the parent may not run (or exit) before. */
static void vfork_wait(struct proc *parent, struct proc *child)
{
	parent->vfork_child = child;
	while (parent->vfork_child)
		sleep_on(&parent->vfork_child, 0);
}

void vfork_done(struct proc *child)
{
	if (!child->mm_borrowed)
		return;
	child->mm_borrowed = false;
	child->parent->vfork_child = NULL;
	wakeup(&child->parent->vfork_child);
}

static long do_fork(const struct clone_args *a)
{
	struct proc *parent = current_proc();
	struct proc *child = proc_alloc(parent->name);
	if (!child)
		return -EAGAIN;
	bool share = a->flags & CLONE_VM;
	child->mm = share ? parent->mm : mm_dup(parent->mm);
	if (!child->mm) {
		child->state = PROC_ZOMBIE;
		proc_free(child);
		return -ENOMEM;
	}
	child->mm_borrowed = share;
	copy_process_state(child, parent, a);
	link_child(parent, child);
	write_tids(child, a);
	int pid = child->pid;
	proc_start_user(child);
	if (share)
		vfork_wait(parent, child);
	return pid;
}

long sys_fork(void)
{
	struct clone_args a = { .flags = SIGCHLD };
	return do_fork(&a);
}

long sys_vfork(void)
{
	struct clone_args a = { .flags = CLONE_VM | CLONE_VFORK | SIGCHLD };
	return do_fork(&a);
}

/* clone(2), x86-64 argument order: flags, stack, parent_tid, child_tid, tls. */
long sys_clone(uint64_t flags, uintptr_t newsp, uintptr_t parent_tid, uintptr_t child_tid, uintptr_t tls)
{
	if (flags & ~(uint64_t)CLONE_SUPPORTED)
		return -EINVAL;   /* threads, namespaces, ... */
	if ((flags & CLONE_VM) && !(flags & CLONE_VFORK))
		return -EINVAL;   /* a second thread in one address space: not yet */
	if ((flags & CSIGNAL) >= NSIG)
		return -EINVAL;
	struct clone_args a = { flags, newsp, parent_tid, child_tid, tls };
	return do_fork(&a);
}

/* set_tid_address(2): the word cleared and futex-woken when this process
 * exits (when another process still uses the memory: a vfork parent). */
long sys_set_tid_address(uintptr_t tidptr)
{
	current_proc()->clear_child_tid = tidptr;
	return current_proc()->pid;
}

/* At exit or exec, before the address space goes away or is given back. */
void mm_release(struct proc *p)
{
	if (p->clear_child_tid && p->mm_borrowed) {
		uint32_t zero = 0;
		if (!copy_to_user(p->clear_child_tid, &zero, sizeof(zero)))
			futex_wake(p->mm, p->clear_child_tid, 1, ~0u);
	}
	p->clear_child_tid = 0;
	vfork_done(p);
}
