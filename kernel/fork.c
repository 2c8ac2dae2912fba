/*
 * fork(2) (and vfork, and clone with fork's flags): a new process whose
 * address space is a copy-on-write duplicate (mm_dup) of the parent's, with
 * the same open files and registers; fork returns 0 in the child.
 */
#include "errno.h"
#include "file.h"
#include "fpu.h"
#include "linux_abi.h"
#include "proc.h"
#include "string.h"
#include "syscalls.h"
#include "../mm/mm.h"

static long do_fork(void)
{
	struct proc *parent = current_proc();
	struct proc *child = proc_alloc(parent->name);
	if (!child)
		return -EAGAIN;
	child->mm = mm_dup(parent->mm);
	if (!child->mm) {
		child->state = PROC_ZOMBIE;
		proc_free(child);
		return -ENOMEM;
	}
	*child->tf = *parent->tf;
	fpu_fork(child);
	child->tf->rax = 0;   /* fork returns 0 in the child */
	memcpy(child->name, parent->name, sizeof(child->name));
	memcpy(child->exe, parent->exe, sizeof(child->exe));
	files_dup(child, parent);
	child->fs_base = parent->fs_base;
	child->sigmask = parent->sigmask;
	memcpy(child->sigactions, parent->sigactions, sizeof(child->sigactions));
	child->parent = parent;
	child->sibling = parent->children;
	parent->children = child;
	proc_start_user(child);
	return child->pid;
}

long sys_fork(void)
{
	return do_fork();
}

/* vfork may share the address space and suspend the parent; a full fork is
 * a correct implementation of its contract (vfork(2), NOTES). */
long sys_vfork(void)
{
	return do_fork();
}

long sys_clone(uint64_t flags, uintptr_t newsp)
{
	if ((flags & ~CSIGNAL) != 0 || newsp)
		return -EINVAL;   /* threads and CLONE_VM are not supported */
	return do_fork();
}
