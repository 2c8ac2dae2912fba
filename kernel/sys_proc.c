/*
 * Per-process attributes that a process sets for itself and its children
 * inherit: the file-creation mask (umask(2)), resource limits
 * (getrlimit(2), prlimit64), supplementary groups (getgroups(2)), its name
 * (prctl(2) PR_SET_NAME), and what it reads about itself: process times
 * (times(2)). CPU affinity is kernel/affinity.c's.
 *
 * Invariants: rlim_cur <= rlim_max for every limit; a limit is only
 * recorded and reported except where a subsystem reads it (none lower
 * Pagoda's fixed ceilings yet: RLIMIT_STACK is STACK_LIMIT, RLIMIT_NOFILE
 * NFILE_PER_PROC); ngroups <= NGROUPS_PER_PROC.
 */
#include "errno.h"
#include "linux_abi.h"
#include "proc.h"
#include "syscalls.h"
#include "string.h"
#include "timer.h"
#include "uaccess.h"
#include "../mm/layout.h"

enum { PR_SET_NAME = 15, PR_GET_NAME = 16 };

void proc_attr_init(struct proc *p)
{
	for (int r = 0; r < RLIM_NLIMITS; r++)
		p->rlimits[r] = (struct rlimit){ RLIM_INFINITY, RLIM_INFINITY };
	p->rlimits[RLIMIT_STACK] = (struct rlimit){ STACK_LIMIT, RLIM_INFINITY };
	p->rlimits[RLIMIT_NOFILE] = (struct rlimit){ NFILE_PER_PROC, NFILE_PER_PROC };
	p->rlimits[RLIMIT_CORE] = (struct rlimit){ 0, RLIM_INFINITY };
	p->rlimits[RLIMIT_MEMLOCK] = (struct rlimit){ MLOCK_LIMIT, MLOCK_LIMIT };
}

long sys_umask(int mask)
{
	struct proc *p = current_proc();
	long old = p->fs->umask;   /* every thread's that shares the cwd (CLONE_FS) */
	p->fs->umask = (uint32_t)mask & 0777;
	return old;
}

/* ---- limits ---- */

static long set_limit(struct proc *p, int resource, const struct rlimit *r)
{
	if (r->rlim_cur > r->rlim_max)
		return -EINVAL;
	if (resource == RLIMIT_NOFILE && r->rlim_max > NFILE_PER_PROC)
		return -EPERM;   /* Linux: above fs.nr_open */
	p->rlimits[resource] = *r;
	return 0;
}

long sys_prlimit64(int pid, int resource, uintptr_t unew, uintptr_t uold)
{
	struct rlimit n, old;
	struct proc *p = pid ? proc_find(pid) : current_proc();
	if (resource < 0 || resource >= RLIM_NLIMITS)
		return -EINVAL;
	if (!p || p->state == PROC_ZOMBIE)
		return -ESRCH;
	if (unew && copy_from_user(&n, unew, sizeof(n)))
		return -EFAULT;
	old = p->rlimits[resource];
	if (unew) {
		long err = set_limit(p, resource, &n);
		if (err)
			return err;
	}
	return uold ? copy_to_user(uold, &old, sizeof(old)) : 0;
}

long sys_getrlimit(int resource, uintptr_t ulim)
{
	return sys_prlimit64(0, resource, 0, ulim);
}

long sys_setrlimit(int resource, uintptr_t ulim)
{
	return sys_prlimit64(0, resource, ulim, 0);
}

/* ---- groups: the caller is root (uid 0), allowed to set them ---- */

long sys_getgroups(int size, uintptr_t ulist)
{
	struct proc *p = current_proc();
	if (size < 0)
		return -EINVAL;
	if (!size)
		return p->ngroups;
	if (size < p->ngroups)
		return -EINVAL;
	if (copy_to_user(ulist, p->groups, p->ngroups * sizeof(uint32_t)))
		return -EFAULT;
	return p->ngroups;
}

long sys_setgroups(int size, uintptr_t ulist)
{
	struct proc *p = current_proc();
	uint32_t g[NGROUPS_PER_PROC];
	if (size < 0 || size > NGROUPS_PER_PROC)
		return -EINVAL;   /* Linux allows 65536 */
	if (copy_from_user(g, ulist, size * sizeof(uint32_t)))
		return -EFAULT;
	memcpy(p->groups, g, sizeof(g));
	p->ngroups = size;
	return 0;
}

/* ---- what a process reads about itself ---- */

long sys_prctl(int option, uintptr_t arg2)
{
	struct proc *p = current_proc();
	char name[TASK_COMM_LEN];
	switch (option) {
	case PR_SET_NAME:
		if (strncpy_from_user(name, arg2, sizeof(name)) == -EFAULT)
			return -EFAULT;   /* -ENAMETOOLONG: the first 15 bytes are the name */
		name[TASK_COMM_LEN - 1] = 0;
		strlcpy(p->name, name, sizeof(p->name));
		return 0;
	case PR_GET_NAME:
		memset(name, 0, sizeof(name));
		strlcpy(name, p->name, sizeof(name));
		return copy_to_user(arg2, name, sizeof(name));
	default:
		return -EINVAL;
	}
}

/* times(2): clock ticks (USER_HZ, which is HZ here); the return value is
 * ticks since boot, an arbitrary origin as on Linux. */
long sys_times(uintptr_t ubuf)
{
	struct proc *p = current_proc();
	int64_t t[4] = { (int64_t)p->utime_ticks, (int64_t)p->stime_ticks, (int64_t)p->cutime_ticks,
			 (int64_t)p->cstime_ticks };
	if (ubuf && copy_to_user(ubuf, t, sizeof(t)))
		return -EFAULT;
	return (long)timer_ticks();
}
