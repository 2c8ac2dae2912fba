/*
 * Job control (signal(7), "Stop" and "Cont"): the stop signals (SIGSTOP
 * always; SIGTSTP, SIGTTIN, SIGTTOU when their action is the default) stop
 * a process, SIGCONT continues it, and the parent learns of both through
 * SIGCHLD (unless SA_NOCLDSTOP) and wait4/waitid (WUNTRACED, WCONTINUED).
 *
 *   RUNNING --stop signal delivered--> STOPPED --SIGCONT or SIGKILL sent--> RUNNABLE
 *
 * A process stops itself, in deliver_pending on its way back to user mode;
 * it is continued by whoever sends SIGCONT (or SIGKILL, which must be able
 * to end it), at the moment the signal is generated, whatever the
 * signal's action or mask, as Linux does.
 *
 * Always true: a STOPPED process is on no run queue and no wait channel;
 * sending SIGCONT discards every pending stop signal, sending a stop signal
 * discards a pending SIGCONT; p->jobctl holds at most one report for the
 * parent's wait (the latest: stopped or continued), consumed by a wait
 * without WNOWAIT. Lock: p->jobctl and p->stop_signal are changed under
 * p->siglock (a leaf: never held while signalling the parent); the
 * state change itself is the scheduler's (interrupts off, one CPU).
 */
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

static void continue_proc(struct proc *p)
{
	set_report(p, JOBCTL_CONT_REPORT, 0);
	sched_make_runnable(p);
	notify_parent(p, CLD_CONTINUED, SIGCONT);
}

/* The side effects of generating sig for p, before it is queued (or
 * dropped as ignored): Linux's prepare_signal. */
void jobctl_signal_sent(struct proc *p, int sig)
{
	uint64_t cancel = sig == SIGCONT ? STOP_SIGNALS : sig_is_stop(sig) ? sigbit(SIGCONT) : 0;
	if (cancel)
		flush_signals_group(p, cancel);
	for (struct proc *t = p->tg->threads; t; t = t->thread_next) {   /* every thread of the process */
		if (sig == SIGCONT && t->state == PROC_STOPPED)
			continue_proc(t);
		else if (sig == SIGKILL && t->state == PROC_STOPPED)
			sched_make_runnable(t);   /* to die */
	}
}

/* Does delivering sig (a stop signal with its default action) stop the
 * process? Not SIGTSTP, SIGTTIN or SIGTTOU in an orphaned group: those
 * are discarded. */
bool sig_stops(const struct proc *p, int sig)
{
	return sig == SIGSTOP || (sig_is_stop(sig) && !pgrp_is_orphaned(p->pgid));
}

/* The current process stops; returns once it is continued (or killed). */
void do_signal_stop(int sig)
{
	struct proc *p = current_proc();
	set_report(p, JOBCTL_STOP_REPORT, sig);
	p->state = PROC_STOPPED;
	notify_parent(p, CLD_STOPPED, sig);
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
	if ((options & WSTOPPED) && c->jobctl == JOBCTL_STOP_REPORT && c->state == PROC_STOPPED) {
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
