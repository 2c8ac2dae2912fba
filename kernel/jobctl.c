/*
 * Job control (signal(7), "Stop" and "Cont"): the stop signals (SIGSTOP
 * always; SIGTSTP, SIGTTIN, SIGTTOU when their action is the default) stop
 * a process, every thread of it (a group stop), SIGCONT continues them all,
 * and the parent learns of both through SIGCHLD (unless SA_NOCLDSTOP) and
 * wait4/waitid (WUNTRACED, WCONTINUED): the report sits on the group
 * leader, and a stop is reported once the last thread has stopped.
 *
 *   RUNNING --stop signal delivered--> STOPPED --SIGCONT or SIGKILL sent--> RUNNABLE
 *
 * A thread stops itself, in deliver_pending on its way back to user mode:
 * the one that takes the stop signal, then each other thread, which it
 * marked group_stop_pending (that makes signal_pending true, so a sleeping
 * thread comes back out of its syscall to stop, and restarts it after).
 * They are continued by whoever sends SIGCONT (or SIGKILL, which must be
 * able to end them), at the moment the signal is generated, whatever the
 * signal's action or mask, as Linux does.
 *
 * Always true: tg->group_stop is nonzero from the first thread's stop
 * to the SIGCONT; tg->nr_stopped counts its threads STOPPED meanwhile;
 * a STOPPED thread is on no run queue and no wait channel;
 * sending SIGCONT discards every pending stop signal, sending a stop signal
 * discards a pending SIGCONT; p->jobctl holds at most one report for the
 * parent's wait (the latest: stopped or continued), consumed by a wait
 * without WNOWAIT. Lock: p->jobctl and p->stop_signal are changed under
 * p->siglock (a leaf: never held while signalling the parent); the
 * state change itself is the scheduler's (interrupts off, one CPU).
 */
#include "exit_work.h"
#include "linux_abi.h"
#include "proc.h"
#include "thread_group.h"

static inline uint64_t sigbit(int sig) { return 1ull << (sig - 1); }

#define STOP_SIGNALS (sigbit(SIGSTOP) | sigbit(SIGTSTP) | sigbit(SIGTTIN) | sigbit(SIGTTOU))

bool sig_is_stop(int sig)
{
	return sig > 0 && sig < 64 && (STOP_SIGNALS & sigbit(sig));
}

/* SIGCHLD to the parent for a stop or a continue, unless it asked not to. */
static void notify_parent(struct proc *p, int code, int sig)
{
	struct proc *parent = p->tg->leader ? p->tg->leader->parent : NULL;
	wakeup(parent);   /* a wait4 with WUNTRACED or WCONTINUED looks again */
	if (!parent || (parent->sighand->action[SIGCHLD].flags & SA_NOCLDSTOP))
		return;
	struct ksiginfo info = { .code = code, .pid = p->pid, .status = sig,
				 .utime = p->utime_ticks, .stime = p->stime_ticks };
	send_signal(parent, SIGCHLD, &info);
}

static void set_report(struct proc *p, int report, int sig)
{
	spin_lock(&p->siglock);
	p->jobctl = report;
	p->stop_signal = sig ? sig : p->stop_signal;
	spin_unlock(&p->siglock);
}

/* SIGCONT: every thread runs again; the parent hears of it once. */
static void continue_group(struct proc *p)
{
	struct thread_group *tg = p->tg;
	bool was_stopped = tg->group_stop;
	tg->group_stop = 0;
	tg->nr_stopped = 0;
	for (struct proc *t = tg->threads; t; t = t->thread_next) {
		t->group_stop_pending = false;
		if (t->state == PROC_STOPPED)
			sched_make_runnable(t);
	}
	if (!was_stopped)
		return;
	set_report(tg->leader, JOBCTL_CONT_REPORT, 0);
	notify_parent(p, CLD_CONTINUED, SIGCONT);
}

/* The side effects of generating sig for p, before it is queued (or
 * dropped as ignored): Linux's prepare_signal. */
void jobctl_signal_sent(struct proc *p, int sig)
{
	uint64_t cancel = sig == SIGCONT ? STOP_SIGNALS : sig_is_stop(sig) ? sigbit(SIGCONT) : 0;
	if (cancel)
		flush_signals_group(p, cancel);
	if (sig == SIGCONT)
		continue_group(p);
	for (struct proc *t = p->tg->threads; sig == SIGKILL && t; t = t->thread_next)
		if (t->state == PROC_STOPPED)
			sched_make_runnable(t);   /* to die */
}

/* Does delivering sig (a stop signal with its default action) stop the
 * process? Not SIGTSTP, SIGTTIN or SIGTTOU in an orphaned group: those
 * are discarded. */
bool sig_stops(const struct proc *p, int sig)
{
	return sig == SIGSTOP || (sig_is_stop(sig) && !pgrp_is_orphaned(p->pgid));
}

/* The first thread to stop asks the others to: each stops on its way back
 * to user mode (a sleeper is woken for it). */
static void start_group_stop(struct proc *p, int sig)
{
	struct thread_group *tg = p->tg;
	tg->group_stop = sig;
	tg->nr_stopped = 0;
	for (struct proc *t = tg->threads; t; t = t->thread_next) {
		if (t == p || t->state == PROC_ZOMBIE)
			continue;
		t->group_stop_pending = true;
		set_work(t, WORK_SIGPENDING);
		if (t->state == PROC_SLEEPING) {
			t->wait_channel = NULL;
			t->wake_tick = 0;
			sched_make_runnable(t);
		}
	}
}

/* The current thread stops (taking sig, or for the group stop another
 * thread started: sig 0); returns once it is continued (or killed). The
 * last thread to stop tells the parent. */
void do_signal_stop(int sig)
{
	struct proc *p = current_proc();
	struct thread_group *tg = p->tg;
	if (!tg->group_stop)
		start_group_stop(p, sig);
	p->group_stop_pending = false;
	p->state = PROC_STOPPED;
	if (++tg->nr_stopped == tg->nr_threads) {
		set_report(tg->leader, JOBCTL_STOP_REPORT, tg->group_stop);
		notify_parent(p, CLD_STOPPED, tg->group_stop);
	}
	while (p->state == PROC_STOPPED)
		schedule();
}

/* What a wait with these options reports of a live child c: a stop
 * (WUNTRACED/WSTOPPED) or a continue (WCONTINUED); 0 if nothing. The
 * report is consumed unless peek. *code is the siginfo code. */
int jobctl_wait_status(struct proc *c, int options, bool peek, int *code)
{
	int status = 0;
	spin_lock(&c->siglock);
	if ((options & WSTOPPED) && c->jobctl == JOBCTL_STOP_REPORT && c->tg->group_stop) {
		status = (c->stop_signal << 8) | 0x7f;
		*code = CLD_STOPPED;
	} else if ((options & WCONTINUED) && c->jobctl == JOBCTL_CONT_REPORT) {
		status = 0xffff;
		*code = CLD_CONTINUED;
	}
	if (status && !peek)
		c->jobctl = 0;
	spin_unlock(&c->siglock);
	return status;
}
