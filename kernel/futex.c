/*
 * futex(2): FUTEX_WAIT and FUTEX_WAKE, with their _BITSET variants,
 * FUTEX_REQUEUE and FUTEX_CMP_REQUEUE (musl's condition variables move
 * waiters from the condvar to the mutex with them), and the PRIVATE flag
 * (which changes nothing here: every futex is keyed by its address space
 * and user address, which is what "private" means; the threads of a
 * process share the space, so they meet on the same key).
 *
 *   waiters -> [w] -> [w] -> ...   one struct futex_waiter per sleeping
 *                                  caller, on that caller's kernel stack
 *
 * Invariants: a waiter is on the list exactly while its owner is inside
 * futex_wait; `woken` is set only by futex_wake, which also takes the waiter
 * off the list, so one wake never counts the same waiter twice. futex_lock
 * guards the list and `woken`; it is never held across the sleep.
 *
 * Users: libcs' mutexes, condition variables and semaphores between the
 * threads of a process, and CLONE_CHILD_CLEARTID (a thread's exit clears its
 * tid word and wakes whoever waits on it: pthread_join).
 */
#include "errno.h"
#include "linux_abi.h"
#include "proc.h"
#include "syscalls.h"
#include "rtc.h"
#include "spinlock.h"
#include "timer.h"
#include "uaccess.h"

enum {
	FUTEX_WAIT = 0, FUTEX_WAKE = 1, FUTEX_REQUEUE = 3, FUTEX_CMP_REQUEUE = 4,
	FUTEX_WAIT_BITSET = 9, FUTEX_WAKE_BITSET = 10,
	FUTEX_PRIVATE_FLAG = 128, FUTEX_CLOCK_REALTIME = 256,
	FUTEX_CMD_MASK = ~(FUTEX_PRIVATE_FLAG | FUTEX_CLOCK_REALTIME),
	FUTEX_BITSET_MATCH_ANY = -1,
};

struct futex_waiter {
	struct futex_waiter *next;
	struct mm *mm;
	uintptr_t uaddr;
	uint32_t bitset;
	bool woken;
};

static struct futex_waiter *waiters;
static struct spinlock futex_lock = SPINLOCK_INIT("futex");

static void unlink_waiter(struct futex_waiter *w)   /* futex_lock held */
{
	struct futex_waiter **pp = &waiters;
	while (*pp && *pp != w)
		pp = &(*pp)->next;
	if (*pp)
		*pp = w->next;
}

/* Wake up to n waiters on (mm, uaddr) whose bitset meets `bitset`. */
long futex_wake(struct mm *mm, uintptr_t uaddr, int n, uint32_t bitset)
{
	long woken = 0;
	spin_lock(&futex_lock);
	struct futex_waiter **pp = &waiters;
	while (*pp && woken < n) {
		struct futex_waiter *w = *pp;
		if (w->mm != mm || w->uaddr != uaddr || !(w->bitset & bitset)) {
			pp = &w->next;
			continue;
		}
		*pp = w->next;
		w->woken = true;
		wakeup(w);
		woken++;
	}
	spin_unlock(&futex_lock);
	return woken;
}

/* Wake up to nwake waiters on uaddr, then move up to nmove of the rest to
 * uaddr2 (they wake from there). CMP_REQUEUE first checks *uaddr == val3
 * (EAGAIN if not), so a wake racing with the requeue is not lost. */
static long futex_requeue(uintptr_t uaddr, uintptr_t uaddr2, int nwake, int nmove, bool cmp, uint32_t val3)
{
	struct mm *mm = current_proc()->mm;
	uint32_t cur;
	if (nwake < 0 || nmove < 0)
		return -EINVAL;
	if (cmp && copy_from_user(&cur, uaddr, sizeof(cur)))
		return -EFAULT;
	if (cmp && cur != val3)
		return -EAGAIN;
	long done = futex_wake(mm, uaddr, nwake, ~0u);
	spin_lock(&futex_lock);
	for (struct futex_waiter *w = waiters; w && nmove > 0; w = w->next)
		if (w->mm == mm && w->uaddr == uaddr) {
			w->uaddr = uaddr2;
			nmove--;
			done++;
		}
	spin_unlock(&futex_lock);
	return done;
}

/* deadline: the tick to give up at, 0 for none. */
static long futex_wait(uintptr_t uaddr, uint32_t val, uint64_t deadline, uint32_t bitset)
{
	struct proc *p = current_proc();
	uint32_t cur;
	if (copy_from_user(&cur, uaddr, sizeof(cur)))
		return -EFAULT;
	if (cur != val)
		return -EAGAIN;
	struct futex_waiter w = { .mm = p->mm, .uaddr = uaddr, .bitset = bitset };
	spin_lock(&futex_lock);
	w.next = waiters;
	waiters = &w;
	spin_unlock(&futex_lock);
	while (!w.woken && !signal_pending(p) && (!deadline || timer_ticks() < deadline))
		sleep_on(&w, deadline);
	spin_lock(&futex_lock);
	bool woken = w.woken;
	if (!woken)
		unlink_waiter(&w);
	spin_unlock(&futex_lock);
	if (woken)
		return 0;
	return signal_pending(p) ? -ERESTARTSYS : -ETIMEDOUT;
}

/* The timeout: relative for FUTEX_WAIT, absolute for FUTEX_WAIT_BITSET
 * (on CLOCK_MONOTONIC, or CLOCK_REALTIME with the flag). */
static long futex_deadline(int cmd, int op, uintptr_t uts, uint64_t *deadline)
{
	uint64_t rel;
	*deadline = 0;
	if (!uts)
		return 0;
	long err = timespec_from_user(uts, &rel);
	if (err)
		return err;
	int64_t ns = (int64_t)rel;
	if (cmd == FUTEX_WAIT_BITSET)
		ns -= (int64_t)timer_ns() + ((op & FUTEX_CLOCK_REALTIME) ? (int64_t)rtc_boot_epoch() * 1000000000ll : 0);
	*deadline = timer_deadline(ns > 0 ? ns_to_ticks((uint64_t)ns) : 0);
	return 0;
}

long sys_futex(uintptr_t uaddr, int op, uint32_t val, uintptr_t uts, uintptr_t uaddr2, uint32_t val3)
{
	int cmd = op & FUTEX_CMD_MASK;
	uint64_t deadline;
	if (uaddr & 3)
		return -EINVAL;
	if ((op & FUTEX_CLOCK_REALTIME) && cmd != FUTEX_WAIT_BITSET)
		return -ENOSYS;   /* as Linux */
	switch (cmd) {
	case FUTEX_WAIT:
	case FUTEX_WAIT_BITSET: {
		uint32_t bitset = cmd == FUTEX_WAIT ? (uint32_t)FUTEX_BITSET_MATCH_ANY : val3;
		if (!bitset)
			return -EINVAL;
		long err = futex_deadline(cmd, op, uts, &deadline);
		return err ? err : futex_wait(uaddr, val, deadline, bitset);
	}
	case FUTEX_WAKE:
	case FUTEX_WAKE_BITSET: {
		uint32_t bitset = cmd == FUTEX_WAKE ? (uint32_t)FUTEX_BITSET_MATCH_ANY : val3;
		if (!bitset)
			return -EINVAL;
		return futex_wake(current_proc()->mm, uaddr, (int)val, bitset);
	}
	case FUTEX_REQUEUE:
	case FUTEX_CMP_REQUEUE:   /* the 4th argument is a count here, not a timeout */
		if (uaddr2 & 3)
			return -EINVAL;
		return futex_requeue(uaddr, uaddr2, (int)val, (int)uts, cmd == FUTEX_CMP_REQUEUE, val3);
	default:
		return -ENOSYS;
	}
}
