/*
 * The kernel lock: with several CPUs, kernel code runs on one CPU at a time
 * (Linux 2.0's big kernel lock). User code runs on every CPU at once.
 *
 * Why one lock first: every kernel structure was written for one CPU with
 * interrupts off, and its finer lock (docs/locking.md) is real now but
 * taken under this one, so no structure is ever seen half-changed. The
 * lock belongs to the CPU, not to a process: it is held across schedule()
 * and given up only on the way to user mode or into the idle loop's halt.
 *
 * Always true: a CPU runs kernel code only while it holds the lock, except
 * (1) an IPI's call function (kernel/smp.c: TLB shootdowns), which touches
 * only its own CPU's TLB and the call's handshake, (2) the spin for the
 * lock, which serves those calls so that a sender never waits for a CPU
 * that waits for the sender's lock, (3) getpid and gettid (kernel/syscall.c
 * lock_free), which read only fields of the calling thread that no other
 * thread changes, and a syscall's way out once no work bit is set (its own
 * frame, kernel/exit_work.h).
 *
 * With one CPU for good (smp_boot started no other, and none starts later)
 * the boot CPU keeps the lock from kmain on: kernel_lock_kept is set, every
 * take and release is one test of it, and kernel_lock_held() stays true.
 */
#ifndef PAGODA_KERNEL_LOCK_H
#define PAGODA_KERNEL_LOCK_H
#include "types.h"

extern bool kernel_lock_kept;   /* one CPU for good: the boot CPU keeps the lock */
void kernel_lock_keep(void);    /* smp_boot, with the lock held and one CPU online */
bool kernel_lock_enter_slow(void);
void kernel_lock(void);
void kernel_unlock(void);
bool kernel_lock_held(void);   /* by this CPU */
uint64_t kernel_lock_contended(void);   /* acquisitions that had to spin (/proc/vmstat) */

/* On entry from user mode or the idle halt: take the lock unless this CPU
 * holds it already (a fault inside a system call). Returns whether it was
 * taken here; the same frame gives it to kernel_lock_leave. */
static inline bool kernel_lock_enter(void)
{
	return !kernel_lock_kept && kernel_lock_enter_slow();
}

static inline void kernel_lock_leave(bool taken)
{
	if (taken)
		kernel_unlock();
}

#endif
