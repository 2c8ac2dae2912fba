/*
 * Thread and process exit, and wait4 (exit(2), exit_group(2), wait4(2)).
 *
 * do_exit ends one thread: it lets go of what it holds (files, cwd, address
 * space: shared ones live on with the other threads) and becomes a ZOMBIE.
 * A thread other than the group leader is released at once; when the last
 * thread of a process exits, the process is dead: its children go to init
 * and the leader, a zombie holding the process's exit status, wakes its
 * parent. do_group_exit (exit_group, a fatal signal) first makes every
 * other thread exit too, with the same status. wait4 or waitid in the parent collects the status, adds the
 * child's resource usage to its own "children" totals, and frees the
 * zombie (not with WNOWAIT); they also report a child's stops and
 * continues (WUNTRACED/WSTOPPED, WCONTINUED: kernel/jobctl.c).
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
#include "thread_group.h"
#include "timer.h"
#include "uaccess.h"
#include "../mm/audit.h"
#include "../mm/frame.h"
#include "../mm/mm.h"
#include "../mm/tlbflush.h"

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
	const struct k_sigaction *ka = &p->parent->sighand->action[SIGCHLD];
	return p->exit_signal == SIGCHLD && (ka->handler == SIG_IGN || (ka->flags & SA_NOCLDWAIT));
}

static void unlink_child(struct proc *parent, struct proc *c)
{
	struct proc **pp = &parent->children;
	while (*pp != c)
		pp = &(*pp)->sibling;
	*pp = c->sibling;
}

/* The last thread is gone: the leader's parent hears of the process's end
 * (or, ignoring SIGCHLD, never sees it). */
static void process_dead(struct thread_group *tg)
{
	struct proc *leader = tg->leader;
	reparent_children(leader);
	if (tg->group_exit)
		leader->exit_status = tg->group_exit_code;
	if (parent_autoreaps(leader)) {
		unlink_child(leader->parent, leader);
		proc_free_later(leader);   /* freed once the CPU has left its stack */
	} else {
		signal_exit_notify(leader);
	}
	wakeup(leader->parent);
}

/* A thread's times and faults count for its process: they go to the leader. */
static void account_thread(struct proc *p)
{
	struct proc *leader = p->tg->leader;
	leader->utime_ticks += p->utime_ticks;
	leader->stime_ticks += p->stime_ticks;
	leader->minflt += p->minflt;
	leader->majflt += p->majflt;
}

void do_exit(int wait_status)
{
	struct proc *p = current_proc();
	struct thread_group *tg = p->tg;
	if (p->pid == 1)
		report_init_exit(wait_status);
	files_put(p);
	fs_put(p);
	mm_release(p);   /* clear_child_tid, a vfork parent runs again */
	mm_put(p->mm);
	p->mm = NULL;
	p->exit_status = wait_status;
	p->state = PROC_ZOMBIE;
	p->itimer_expires = 0;
	tg->nr_threads--;
	if (tg->exec_task)
		wakeup(tg);   /* de_thread waits for the others to go */
	if (!thread_group_leader(p)) {
		account_thread(p);
		proc_free_later(p);   /* nobody waits for a thread */
	}
	if (tg->nr_threads == 0)
		process_dead(tg);
	schedule();
	__builtin_unreachable();
}

void do_group_exit(int wait_status)
{
	struct proc *p = current_proc();
	struct thread_group *tg = p->tg;
	if (tg->group_exit)
		wait_status = tg->group_exit_code;   /* another thread chose it */
	else if (!tg->exec_task || tg->exec_task == p) {
		tg->group_exit = true;
		tg->group_exit_code = wait_status;
		zap_other_threads(p);
	}   /* else killed by an execve in another thread: only this one goes */
	do_exit(wait_status);
}

long sys_exit(int code)
{
	do_exit(wstatus_exited(code));
}

long sys_exit_group(int code)
{
	do_group_exit(wstatus_exited(code));
}

static bool wait_matches(const struct proc *p, const struct proc *c, int pid)
{
	if (pid == -1)
		return true;
	if (pid == 0)
		return c->pgid == p->pgid;
	return pid < 0 ? c->pgid == -pid : c->pid == pid;
}

static void fill_rusage(struct rusage *ru, uint64_t uticks, uint64_t sticks, uint64_t minflt, uint64_t majflt)
{
	memset(ru, 0, sizeof(*ru));
	ru->ru_utime.tv_sec = uticks / HZ;
	ru->ru_utime.tv_usec = (uticks % HZ) * (1000000 / HZ);
	ru->ru_stime.tv_sec = sticks / HZ;
	ru->ru_stime.tv_usec = (sticks % HZ) * (1000000 / HZ);
	ru->ru_minflt = minflt;
	ru->ru_majflt = majflt;
}

/* Unlink and free a zombie child. */
static void reap(struct proc *p, struct proc *c)
{
	unlink_child(p, c);
	p->cutime_ticks += c->utime_ticks + c->cutime_ticks;
	p->cstime_ticks += c->stime_ticks + c->cstime_ticks;
	p->cminflt += c->minflt + c->cminflt;
	p->cmajflt += c->majflt + c->cmajflt;
	proc_free(c);
	if (debug_vm)
		frame_audit();
}

/* What one wait found: the child, its wait status, siginfo code and status. */
struct wait_found {
	int pid, status, code, si_status;
	struct rusage ru;
};

static void exit_found(struct proc *c, struct wait_found *w)
{
	int st = c->exit_status;
	bool killed = (st & 0x7f) != 0;
	w->status = st;
	w->code = killed ? ((st & 0x80) ? CLD_DUMPED : CLD_KILLED) : CLD_EXITED;
	w->si_status = killed ? (st & 0x7f) : (st >> 8) & 0xff;
}

/* Does child c have something for this wait? Fills w (reaping a zombie
 * unless WNOWAIT). */
static bool wait_child(struct proc *p, struct proc *c, int options, struct wait_found *w)
{
	bool peek = options & WNOWAIT;
	bool dead = c->state == PROC_ZOMBIE && c->tg->nr_threads == 0;   /* a zombie leader waits for its threads */
	if (c->state == PROC_ZOMBIE && (!dead || !(options & WEXITED)))
		return false;
	if (c->state == PROC_ZOMBIE)
		exit_found(c, w);
	else if ((w->status = jobctl_wait_status(c, options, peek, &w->code)))
		w->si_status = w->code == CLD_CONTINUED ? SIGCONT : (w->status >> 8) & 0xff;
	else
		return false;
	w->pid = c->pid;
	fill_rusage(&w->ru, c->utime_ticks, c->stime_ticks, c->minflt, c->majflt);
	if (c->state == PROC_ZOMBIE && !peek)
		reap(p, c);
	return true;
}

/* The wait of wait4 and waitid: pid as wait4 takes it (-1 any, 0 own
 * group, < -1 group -pid, > 0 that child). Returns the child's pid, 0
 * (WNOHANG, nothing yet) or -errno. */
static long do_wait(int pid, int options, struct wait_found *w)
{
	struct proc *me = current_proc();
	struct proc *p = me->tg->leader;   /* the process's children, whichever thread waits */
	for (;;) {
		bool any = false;
		for (struct proc *c = p->children; c; c = c->sibling) {
			if (!wait_matches(p, c, pid))
				continue;
			any = true;
			if (wait_child(p, c, options, w))
				return w->pid;
		}
		if (!any)
			return -ECHILD;
		if (options & WNOHANG)
			return 0;
		if (signal_pending(me))
			return -ERESTARTSYS;
		sleep_on(p, 0);   /* an exiting child wakes its parent, the leader */
	}
}

long sys_wait4(int pid, uintptr_t ustatus, int options, uintptr_t urusage)
{
	if (options & ~(WNOHANG | WUNTRACED | WCONTINUED | __WNOTHREAD | __WALL | __WCLONE))
		return -EINVAL;
	if (pid == INT32_MIN)
		return -ESRCH;
	struct wait_found w = { 0 };
	long cpid = do_wait(pid, options | WEXITED, &w);
	if (cpid > 0 && ustatus && copy_to_user(ustatus, &w.status, sizeof(w.status)))
		return -EFAULT;
	if (cpid > 0 && urusage && copy_to_user(urusage, &w.ru, sizeof(w.ru)))
		return -EFAULT;
	return cpid;
}

/* waitid's (idtype, id) as a wait4 pid, or -EINVAL. */
static int waitid_pid(int which, int id, int *pid)
{
	if (which == P_ALL)
		*pid = -1;
	else if (which == P_PID && id > 0)
		*pid = id;
	else if (which == P_PGID && id >= 0)
		*pid = id ? -id : 0;
	else
		return -EINVAL;
	return 0;
}

/* The siginfo waitid writes: Linux writes these fields whatever the
 * outcome (zeros when nothing was found, even with an error). */
static long waitid_info(uintptr_t uinfo, long found, const struct wait_found *w)
{
	struct linux_siginfo si = { 0 };
	si.si_signo = found > 0 ? SIGCHLD : 0;
	si.si_code = found > 0 ? w->code : 0;
	si.child.pid = found > 0 ? w->pid : 0;
	si.child.status = found > 0 ? w->si_status : 0;
	return copy_to_user(uinfo, &si, offsetof(struct linux_siginfo, child.pad)) ? -EFAULT : 0;
}

long sys_waitid(int which, int id, uintptr_t uinfo, int options, uintptr_t urusage)
{
	int pid;
	if (options & ~(WNOHANG | WNOWAIT | WEXITED | WSTOPPED | WCONTINUED | __WNOTHREAD | __WALL | __WCLONE))
		return -EINVAL;
	if (!(options & (WEXITED | WSTOPPED | WCONTINUED)) || waitid_pid(which, id, &pid))
		return -EINVAL;
	struct wait_found w = { 0 };
	long found = do_wait(pid, options, &w);
	if (found > 0 && urusage && copy_to_user(urusage, &w.ru, sizeof(w.ru)))
		return -EFAULT;
	if (found == -ERESTARTSYS || !uinfo)
		return found > 0 ? 0 : found;
	long err = waitid_info(uinfo, found, &w);
	return err ? err : found > 0 ? 0 : found;
}
