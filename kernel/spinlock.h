/*
 * A spinlock: a CPU that finds it held spins until the holder lets go.
 * Interrupts are off while it is held (the holder's interrupt handler may
 * take the same lock: with interrupts on, that would spin forever on its
 * own CPU), and restored at unlock.
 *
 * Under debug_vm the lock checker (kernel/lockdep.c) records, per CPU, the
 * locks held and the order locks are taken in, and reports an order that
 * contradicts one seen before, or a lock held so long that a waiter spun
 * lockdep_spin_limit times (a count, never a time).
 *
 * Always true: a holder never sleeps (sleep_on) with the lock held; a CPU
 * never takes a lock it holds (that panics: it could never be released);
 * cpu names the holder while locked.
 */
#ifndef PAGODA_SPINLOCK_H
#define PAGODA_SPINLOCK_H
#include "lockdep.h"
#include "panic.h"
#include "percpu.h"
#include "x86.h"

struct spinlock {
	const char *name;        /* the lock checker's class: locks with one name are one class */
	volatile uint32_t locked;
	int cpu;                 /* the holder, while locked */
	bool irq_was_on;         /* interrupts were on when it was taken */
	int lock_class;          /* the lock checker's index for name, plus one; 0 until first use */
};

typedef struct spinlock spinlock_t;

#define SPINLOCK_INIT(n) { .name = (n), .locked = 0, .cpu = 0, .irq_was_on = false, .lock_class = 0 }

static inline void spin_lock_init(struct spinlock *l, const char *name)
{
	*l = (struct spinlock)SPINLOCK_INIT(name);
}

static inline void spin_lock(struct spinlock *l)
{
	bool on = irq_save();
	int me = smp_processor_id();
	if (l->locked && l->cpu == me)
		panic("spin_lock: %s already held by this CPU (deadlock)", l->name ? l->name : "?");
	if (debug_vm)
		lockdep_acquire(l->name, &l->lock_class);
	if (xchg32(&l->locked, 1))
		spin_wait(&l->locked, l->name, l->cpu);
	l->cpu = me;
	l->irq_was_on = on;
}

static inline void spin_unlock(struct spinlock *l)
{
	kassert(l->locked && l->cpu == smp_processor_id());
	bool on = l->irq_was_on;
	if (debug_vm)
		lockdep_release(l->name, &l->lock_class);
	barrier();
	l->locked = 0;
	irq_restore(on);
}

static inline bool spin_is_locked(const struct spinlock *l)
{
	return l->locked;
}

#endif
