/*
 * Process groups and sessions (credentials(7), setpgid(2), setsid(2)), and
 * kill(2) to a process, a group or everyone.
 *
 * Every process has a pgid and a sid, inherited at fork. There is no group
 * or session object: a group is the set of live processes with that pgid.
 * Invariants (as Linux):
 *   - a session leader has pid == sid == pgid, and never changes group;
 *   - a process's group is in its own session;
 *   - init starts as the leader of group 1 in session 1.
 */
#include "errno.h"
#include "linux_abi.h"
#include "proc.h"
#include "syscalls.h"
#include "thread_group.h"

/* POSIX's orphaned process group: the stop signals from the terminal
 * (SIGTSTP, SIGTTIN, SIGTTOU) do not stop its members. */
bool pgrp_is_orphaned(int pgid)
{
	for (struct proc *q = proc_first(); q; q = q->all_next) {
		struct proc *up = q->parent;
		if (q->pgid == pgid && q->state != PROC_ZOMBIE && up && up->pgid != pgid && up->sid == q->sid)
			return false;
	}
	return true;
}

static bool group_exists_in_session(int pgid, int sid)
{
	for (struct proc *q = proc_first(); q; q = q->all_next)
		if (q->pgid == pgid && q->sid == sid && q->state != PROC_ZOMBIE)
			return true;
	return false;
}

/* The caller itself or one of its children (setpgid(2): ESRCH otherwise). */
static struct proc *self_or_child(int pid)
{
	struct proc *me = current_proc()->tg->leader;   /* the calling process */
	if (!pid || pid == me->pid)
		return me;
	struct proc *c = proc_find(pid);
	return c && c->parent == me ? c : NULL;
}

/* A process's group and session are every thread's. */
static void set_pgrp(struct proc *p, int pgid, int sid)
{
	for (struct proc *t = p->tg->threads; t; t = t->thread_next) {
		t->pgid = pgid;
		t->sid = sid;
	}
}

long sys_setpgid(int pid, int pgid)
{
	struct proc *me = current_proc();
	if (pgid < 0)
		return -EINVAL;
	struct proc *p = self_or_child(pid);
	if (!p)
		return -ESRCH;
	if (!pgid)
		pgid = p->pid;
	if (p != me && p->did_exec)
		return -EACCES;
	if (p->sid == p->pid || p->sid != me->sid)
		return -EPERM;
	if (pgid != p->pid && !group_exists_in_session(pgid, me->sid))
		return -EPERM;
	set_pgrp(p, pgid, p->sid);
	return 0;
}

static struct proc *find_live(int pid)
{
	struct proc *p = pid ? proc_find(pid) : current_proc();
	return p && p->state != PROC_ZOMBIE ? p : NULL;
}

long sys_getpgid(int pid)
{
	struct proc *p = find_live(pid);
	return p ? p->pgid : -ESRCH;
}

long sys_getpgrp(void)
{
	return current_proc()->pgid;
}

long sys_getsid(int pid)
{
	struct proc *p = find_live(pid);
	return p ? p->sid : -ESRCH;
}

long sys_setsid(void)
{
	struct proc *me = current_proc()->tg->leader;
	for (struct proc *q = proc_first(); q; q = q->all_next)
		if (q->pgid == me->pid)
			return -EPERM;   /* already a group leader, or its group lives on */
	set_pgrp(me, me->pid, me->pid);
	return me->sid;
}

/* ---- kill(2), tkill(2), tgkill(2) ---- */

/* kill's signal to process p, or (tkill, tgkill) to thread p. */
static void send_user_signal(struct proc *p, int sig, int code)
{
	struct ksiginfo info = { .code = code, .pid = current_proc()->tgid };
	if (!sig || (p->tgid == 1 && p->sighand->action[sig].handler == SIG_DFL))
		return;   /* as Linux: init ignores signals it has no handler for */
	if (code == SI_TKILL)
		send_signal_thread(p, sig, &info);
	else
		send_signal(p, sig, &info);
}

/* One thread of each process stands for it in kill's walks. */
static bool live_process(const struct proc *p)
{
	return thread_group_leader(p) && p->tg->nr_threads > 0;
}

/* kill(-1, sig): every process but init and the caller. */
static long kill_all(int sig)
{
	long sent = 0;
	for (struct proc *p = proc_first(); p; p = p->all_next) {
		if (p->pid <= 1 || p->tg == current_proc()->tg || !live_process(p))
			continue;
		sent++;
		send_user_signal(p, sig, SI_USER);
	}
	return sent ? 0 : -ESRCH;
}

static long kill_group(int pgid, int sig)
{
	long sent = 0;
	for (struct proc *p = proc_first(); p; p = p->all_next) {
		if (p->pgid != pgid || !live_process(p))
			continue;
		sent++;
		send_user_signal(p, sig, SI_USER);
	}
	return sent ? 0 : -ESRCH;
}

long sys_kill(int pid, int sig)
{
	if (sig < 0 || sig >= NSIG)
		return -EINVAL;
	if (pid == -1)
		return kill_all(sig);
	if (pid == INT32_MIN)
		return -ESRCH;
	if (pid <= 0)
		return kill_group(pid ? -pid : current_proc()->pgid, sig);
	struct proc *target = proc_find(pid);
	if (!target)
		return -ESRCH;
	send_user_signal(target, sig, SI_USER);   /* a zombie: accepted and dropped */
	return 0;
}

long sys_tgkill(int tgid, int tid, int sig)
{
	if (tgid <= 0 || tid <= 0 || sig < 0 || sig >= NSIG)
		return -EINVAL;
	struct proc *target = proc_find(tid);
	if (!target || target->tgid != tgid || target->state == PROC_ZOMBIE)
		return -ESRCH;
	send_user_signal(target, sig, SI_TKILL);
	return 0;
}

long sys_tkill(int tid, int sig)
{
	if (tid <= 0 || sig < 0 || sig >= NSIG)
		return -EINVAL;
	struct proc *target = proc_find(tid);
	if (!target || target->state == PROC_ZOMBIE)
		return -ESRCH;
	send_user_signal(target, sig, SI_TKILL);
	return 0;
}
