/*
 * fork(2), vfork(2), clone(2) and clone3(2): new processes and new threads.
 *
 *   fork            a new process whose address space is a copy-on-write
 *                   duplicate (mm_dup) of the parent's, with a copy of the
 *                   open files, cwd and signal actions; fork returns 0 in
 *                   the child.
 *   CLONE_VM|CLONE_VFORK (vfork, posix_spawn)
 *                   the child borrows the parent's address space itself
 *                   (p->mm_borrowed) and the parent thread sleeps until the
 *                   child execs or exits, so exactly one of them runs in it
 *                   at a time; the child's exec or exit gives it back.
 *   CLONE_VM|CLONE_FS|CLONE_FILES|CLONE_SIGHAND|CLONE_THREAD (pthread_create)
 *                   a new thread of the caller's process: the same mm, fd
 *                   table, cwd and actions (each reference-counted, see
 *                   proc.h), its own tid, stack (newsp), TLS (CLONE_SETTLS),
 *                   signal mask and pending set (kernel/thread_group.c).
 *   CLONE_CHILD_SETTID, CLONE_PARENT_SETTID, CLONE_CHILD_CLEARTID (the word
 *   cleared and futex-woken at the thread's exit: pthread_join waits on it),
 *   and the exit signal in the low byte (CSIGNAL; a thread has none).
 *
 * Each CLONE_VM/FS/FILES/SIGHAND flag shares its object, its absence copies
 * it, in any combination Linux allows (clone_flags_valid gives Linux's
 * EINVAL cases). Invariant: a process with mm_borrowed set has its
 * vfork_waiter sleeping in vfork_wait on it until vfork_done.
 */
#include "kernel_lock.h"
#include "errno.h"
#include "fpu.h"
#include "../fs/vfs.h"
#include "linux_abi.h"
#include "proc.h"
#include "string.h"
#include "syscalls.h"
#include "thread_group.h"
#include "uaccess.h"
#include "../mm/kheap.h"
#include "../mm/layout.h"
#include "../mm/mm.h"

struct clone_args {
	uint64_t flags;
	uintptr_t newsp, parent_tid, child_tid, tls;
};

#define CLONE_SUPPORTED (CSIGNAL | CLONE_VM | CLONE_FS | CLONE_FILES | CLONE_SIGHAND | CLONE_THREAD | \
			 CLONE_SYSVSEM | CLONE_VFORK | CLONE_SETTLS | CLONE_PARENT_SETTID | CLONE_CHILD_CLEARTID | \
			 CLONE_CHILD_SETTID | CLONE_DETACHED)

/* A new process is a child of the caller's process (its leader). */
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
	child->fs_base = a->flags & CLONE_SETTLS ? a->tls : parent->fs_base;
	signal_fork(child, parent);
	if ((a->flags & (CLONE_VM | CLONE_VFORK)) == CLONE_VM)
		child->altstack = (struct linux_stack){ .ss_flags = SS_DISABLE };   /* a stack of its own: not the parent's altstack */
	child->exit_signal = a->flags & CLONE_THREAD ? 0 : (int)(a->flags & CSIGNAL);
	child->cpus_allowed = parent->cpus_allowed;
	child->pgid = parent->pgid;
	child->sid = parent->sid;
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
	kernel_unlock();   /* schedule() switched here with it held; user mode runs without */
}

/* The parent of a vfork child: asleep until the child gives the address
 * space back. Signals wait too: the child runs in the parent's memory, so
 * the parent may not run (or exit) before. */
static void vfork_wait(struct proc *parent, struct proc *child)
{
	parent->vfork_child = child;
	child->vfork_waiter = parent;
	while (parent->vfork_child)
		sleep_on(&parent->vfork_child, 0);
}

void vfork_done(struct proc *child)
{
	struct proc *w = child->vfork_waiter;
	if (!child->mm_borrowed)
		return;
	child->mm_borrowed = false;
	child->vfork_waiter = NULL;
	w->vfork_child = NULL;
	wakeup(&w->vfork_child);
}

/* The address space, files, cwd and actions: each shared or copied. */
static int copy_resources(struct proc *child, struct proc *parent, uint64_t flags)
{
	child->mm = flags & CLONE_VM ? mm_get(parent->mm) : mm_dup(parent->mm);
	if (!child->mm)
		return -ENOMEM;
	child->mm_borrowed = (flags & (CLONE_VM | CLONE_VFORK)) == (CLONE_VM | CLONE_VFORK);
	int err = copy_files(child, parent, flags & CLONE_FILES);
	if (!err)
		err = copy_fs(child, parent, flags & CLONE_FS);
	if (!err)
		err = copy_sighand(child, parent, flags & CLONE_SIGHAND);
	return err;
}

static long do_fork(const struct clone_args *a)
{
	struct proc *parent = current_proc();
	bool thread = a->flags & CLONE_THREAD;
	struct proc *child = proc_alloc(parent->name, thread ? parent : NULL);
	if (!child)
		return -EAGAIN;
	int err = copy_resources(child, parent, a->flags);
	if (err) {
		child->state = PROC_ZOMBIE;
		child->tg->nr_threads--;
		proc_free(child);   /* puts what was taken */
		return err;
	}
	copy_process_state(child, parent, a);
	if (!thread)
		link_child(parent->tg->leader, child);
	write_tids(child, a);
	int pid = child->pid;
	proc_start_user(child);
	if (child->mm_borrowed)
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

/* Linux's refusals (copy_process), then what Pagoda does not do. */
static bool clone_flags_valid(uint64_t flags)
{
	if ((flags & (CLONE_NEWNS | CLONE_FS)) == (CLONE_NEWNS | CLONE_FS))
		return false;
	if ((flags & (CLONE_NEWUSER | CLONE_FS)) == (CLONE_NEWUSER | CLONE_FS))
		return false;
	if ((flags & CLONE_THREAD) && !(flags & CLONE_SIGHAND))
		return false;   /* threads share signal actions */
	if ((flags & CLONE_SIGHAND) && !(flags & CLONE_VM))
		return false;   /* actions point at code in one address space */
	return !(flags & ~(uint64_t)CLONE_SUPPORTED);   /* namespaces, ptrace, CLONE_PARENT, ... */
}

/* clone(2), x86-64 argument order: flags, stack, parent_tid, child_tid, tls. */
long sys_clone(uint64_t flags, uintptr_t newsp, uintptr_t parent_tid, uintptr_t child_tid, uintptr_t tls)
{
	if (!clone_flags_valid(flags) || (flags & CSIGNAL) >= NSIG)
		return -EINVAL;
	if ((flags & CLONE_SETTLS) && !fs_base_valid(tls))
		return -EPERM;   /* as arch_prctl(ARCH_SET_FS) */
	struct clone_args a = { flags, newsp, parent_tid, child_tid, tls };
	return do_fork(&a);
}

/* clone3(2)'s struct clone_args, the fields up to tls (CLONE_ARGS_SIZE_VER0). */
struct clone3_args {
	uint64_t flags, pidfd, child_tid, parent_tid, exit_signal, stack, stack_size, tls;
};

/* clone3(2): the same, from a structure; the stack is [stack, stack+size). */
long sys_clone3(uintptr_t uargs, size_t size)
{
	struct clone3_args c;
	if (size < sizeof(c))
		return -EINVAL;
	if (size > PAGE_SIZE)
		return -E2BIG;
	if (copy_from_user(&c, uargs, sizeof(c)))
		return -EFAULT;
	if ((c.flags & CSIGNAL) || c.exit_signal >= NSIG || !clone_flags_valid(c.flags))
		return -EINVAL;
	if ((c.flags & CLONE_THREAD) && c.exit_signal)
		return -EINVAL;
	if (!c.stack != !c.stack_size)
		return -EINVAL;
	if ((c.flags & CLONE_SETTLS) && !fs_base_valid(c.tls))
		return -EPERM;
	struct clone_args a = { c.flags | c.exit_signal, c.stack ? c.stack + c.stack_size : 0, c.parent_tid,
				c.child_tid, c.tls };
	return do_fork(&a);
}

/* set_tid_address(2): the word cleared and futex-woken when this process
 * exits (when another process still uses the memory: a vfork parent). */
long sys_set_tid_address(uintptr_t tidptr)
{
	current_proc()->clear_child_tid = tidptr;
	return current_proc()->pid;
}

/* At exit or exec, before the address space goes away or is given back:
 * the lock words on p's robust list are marked (their owner died); if someone else still uses it (another thread: pthread_join waits on
 * this word; a vfork parent), the tid word is cleared and its waiter woken. */
void mm_release(struct proc *p)
{
	exit_robust_list(p);
	if (p->clear_child_tid && p->mm && p->mm->users > 1) {
		uint32_t zero = 0;
		if (!copy_to_user(p->clear_child_tid, &zero, sizeof(zero)))
			futex_wake(p->mm, p->clear_child_tid, 1, ~0u);
	}
	p->clear_child_tid = 0;
	vfork_done(p);
}
