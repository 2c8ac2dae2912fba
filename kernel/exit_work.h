/*
 * The work a system call's way back to user mode may have to do (Linux's
 * thread_info work flags, _TIF_WORK_MASK): instead of testing every
 * condition at every syscall's end, each condition sets a bit where it
 * becomes true, and syscall_dispatch (kernel/syscall.c) tests two words
 * after the handler. Only a set bit leads to syscall_exit_work, the slow
 * path, which leaves through the checked return (syscall_entry.asm).
 *
 *   p->work      WORK_SIGPENDING  a signal may be deliverable to thread p, a
 *                                 mask is to be put back or a group stop
 *                                 joined (kernel/sigpending.c, jobctl.c,
 *                                 sigframe.c, fs/select.c, fork)
 *                WORK_FRAME       p->tf was rewritten (execve, rt_sigreturn):
 *                                 sysret's fast return would be wrong
 *   global_work  WORK_RECLAIM     an allocation left free frames under the
 *                                 low watermark (mm/frame.c), or the
 *                                 watermarks are not set yet (boot)
 *                WORK_SYNC        the periodic write-back is due (the timer
 *                                 tick, fs/vfs.h sync_due)
 *
 * Always true (what lets the fast return skip each test):
 *   - signal_pending(p) or p->restore_sigmask implies WORK_SIGPENDING in
 *     p->work: every place that adds to a pending set, lowers a mask, starts
 *     a group stop or saves a mask to restore sets it (after its change), and
 *     only the thread itself clears it, in syscall_exit_work, before it acts;
 *     so a -ERESTART* result (returned only with a signal pending) always
 *     reaches do_signal;
 *   - a syscall's frame differs from what syscall_entry saved only in rax
 *     unless WORK_FRAME is set (signal delivery rewrites it in the slow path);
 *   - an allocation that leaves free frames under the low watermark sets
 *     WORK_RECLAIM; a tick at or past sync_due_tick sets WORK_SYNC.
 * Bits are set with an atomic or and cleared with an atomic exchange, so a
 * bit set while the work runs stays for the next return. Lock: none; the
 * test reads without a lock: a bit set after it is acted on at the next
 * return to user mode (as the pending-set test before it, docs/locking.md).
 * Interrupts and faults back to user mode (kernel/trap.c) test only
 * WORK_SIGPENDING (trap_exit_work): they never use sysret, and the global
 * work waits for a syscall's end (a fault's start wakes kswapd itself).
 */
#ifndef PAGODA_EXIT_WORK_H
#define PAGODA_EXIT_WORK_H

#include "proc.h"

enum {
	WORK_SIGPENDING = 1 << 0,   /* in p->work */
	WORK_FRAME = 1 << 1,        /* in p->work */
	WORK_RECLAIM = 1 << 2,      /* in global_work */
	WORK_SYNC = 1 << 3,         /* in global_work */
};

extern uint64_t global_work;

static inline void set_work(struct proc *p, uint64_t bits)
{
	__atomic_fetch_or(&p->work, bits, __ATOMIC_SEQ_CST);
}

static inline void set_global_work(uint64_t bits)
{
	__atomic_fetch_or(&global_work, bits, __ATOMIC_SEQ_CST);
}

/* The one test on a syscall's way out: the work bits for p, 0 if none. */
static inline uint64_t exit_work_pending(const struct proc *p)
{
	return __atomic_load_n(&p->work, __ATOMIC_RELAXED) | __atomic_load_n(&global_work, __ATOMIC_RELAXED);
}

/* Act on p's signals (deliver_pending, syscall_nr as its), WORK_SIGPENDING
 * already cleared by the caller; set again if something is left. */
void signal_work(struct proc *p, long syscall_nr);

/* A trap's way back to user mode (kernel/trap.c): signals only. */
static inline void trap_exit_work(void)
{
	struct proc *p = current_proc();
	if (__atomic_load_n(&p->work, __ATOMIC_RELAXED) & WORK_SIGPENDING) {
		__atomic_and_fetch(&p->work, ~(uint64_t)WORK_SIGPENDING, __ATOMIC_SEQ_CST);
		signal_work(p, -1);
	}
}

/* The slow path: clear the bits, do their work, deliver signals, release
 * the kernel lock if `taken`. Returns nonzero: the frame may have changed,
 * leave through the checked return (syscall_dispatch's convention). */
uint64_t syscall_exit_work(struct trapframe *tf, bool taken);

#endif
