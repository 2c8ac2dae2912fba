/*
 * Process exit and wait4 (exit(2), wait4(2)).
 *
 * do_exit releases what the process holds (files, address space), gives its
 * children to init, becomes a ZOMBIE holding only its exit status and wakes
 * its parent. wait4 in the parent collects the status, adds the child's
 * resource usage to its own "children" totals, and frees the zombie.
 */
#include "debug.h"
#include "errno.h"
#include "../fs/vfs.h"
#include "linux_abi.h"
#include "printk.h"
#include "proc.h"
#include "qemu.h"
#include "string.h"
#include "syscalls.h"
#include "timer.h"
#include "uaccess.h"
#include "../mm/audit.h"
#include "../mm/frame.h"
#include "../mm/mm.h"

static void report_init_exit(int status)
{
	if ((status & 0x7f) == 0)
		printk("pagoda: init exited with status %d\n", (status >> 8) & 0xff);
	else
		printk("pagoda: init killed by signal %d (%s)\n", status & 0x7f, signal_name(status & 0x7f));
	sync_filesystems();   /* halt as a clean shutdown: every disk holds what was written */
	printk("pagoda: free frames at halt: %lu\n", frame_free_count());
	qemu_exit(status == 0 ? QEMU_EXIT_PASS : QEMU_EXIT_FAIL);
}

static void reparent_children(struct proc *p)
{
	struct proc *init = proc_find(1);
	while (p->children) {
		struct proc *c = p->children;
		p->children = c->sibling;
		c->parent = init;
		c->sibling = init->children;
		init->children = c;
		if (c->state == PROC_ZOMBIE)
			wakeup(init);
	}
}

/* A parent that ignores SIGCHLD (SIG_IGN or SA_NOCLDWAIT) never waits for
 * its children: they are freed at exit (wait(2), NOTES). */
static bool parent_autoreaps(const struct proc *p)
{
	const struct k_sigaction *ka = &p->parent->sigactions[SIGCHLD];
	return p->exit_signal == SIGCHLD && (ka->handler == SIG_IGN || (ka->flags & SA_NOCLDWAIT));
}

static void unlink_child(struct proc *parent, struct proc *c)
{
	struct proc **pp = &parent->children;
	while (*pp != c)
		pp = &(*pp)->sibling;
	*pp = c->sibling;
}

void do_exit(int wait_status)
{
	struct proc *p = current_proc();
	if (p->pid == 1)
		report_init_exit(wait_status);
	files_close_all(p);
	cwd_put(p);
	bool borrowed = p->mm_borrowed;
	mm_release(p);
	if (!borrowed) {   /* a vfork child leaves its parent's mm in place */
		mm_activate(NULL);
		mm_destroy(p->mm);
	}
	p->mm = NULL;
	reparent_children(p);
	p->exit_status = wait_status;
	p->state = PROC_ZOMBIE;
	p->itimer_expires = 0;
	if (parent_autoreaps(p)) {
		unlink_child(p->parent, p);
		proc_free_later(p);   /* freed once the CPU has left its stack */
	} else {
		signal_exit_notify(p);
	}
	wakeup(p->parent);
	schedule();
	__builtin_unreachable();
}

long sys_exit(int code)
{
	do_exit(wstatus_exited(code));
}

long sys_exit_group(int code)
{
	do_exit(wstatus_exited(code));
}

static bool wait_matches(const struct proc *p, const struct proc *c, int pid)
{
	if (pid == -1)
		return true;
	if (pid == 0)
		return c->pgid == p->pgid;
	return pid < 0 ? c->pgid == -pid : c->pid == pid;
}

static void fill_rusage(struct rusage *ru, uint64_t uticks, uint64_t sticks, uint64_t minflt)
{
	memset(ru, 0, sizeof(*ru));
	ru->ru_utime.tv_sec = uticks / HZ;
	ru->ru_utime.tv_usec = (uticks % HZ) * (1000000 / HZ);
	ru->ru_stime.tv_sec = sticks / HZ;
	ru->ru_stime.tv_usec = (sticks % HZ) * (1000000 / HZ);
	ru->ru_minflt = minflt;
}

/* Unlink and free a zombie child; returns its pid. */
static int reap(struct proc *p, struct proc *c, int *status, struct rusage *ru)
{
	unlink_child(p, c);
	p->cutime_ticks += c->utime_ticks + c->cutime_ticks;
	p->cstime_ticks += c->stime_ticks + c->cstime_ticks;
	p->cminflt += c->minflt + c->cminflt;
	fill_rusage(ru, c->utime_ticks, c->stime_ticks, c->minflt);
	*status = c->exit_status;
	int pid = c->pid;
	proc_free(c);
	if (debug_vm)
		frame_audit();
	return pid;
}

long sys_wait4(int pid, uintptr_t ustatus, int options, uintptr_t urusage)
{
	struct proc *p = current_proc();
	if (options & ~(WNOHANG | WUNTRACED | WCONTINUED | __WNOTHREAD | __WALL | __WCLONE))
		return -EINVAL;
	if (pid == INT32_MIN)
		return -ESRCH;
	for (;;) {
		bool any = false;
		for (struct proc *c = p->children; c; c = c->sibling) {
			if (!wait_matches(p, c, pid))
				continue;
			any = true;
			if (c->state != PROC_ZOMBIE)
				continue;
			int status;
			struct rusage ru;
			int cpid = reap(p, c, &status, &ru);
			if (ustatus && copy_to_user(ustatus, &status, sizeof(status)))
				return -EFAULT;
			if (urusage && copy_to_user(urusage, &ru, sizeof(ru)))
				return -EFAULT;
			return cpid;
		}
		if (!any)
			return -ECHILD;
		if (options & WNOHANG)
			return 0;
		if (signal_pending(p))
			return -ERESTARTSYS;
		sleep_on(p, 0);
	}
}
