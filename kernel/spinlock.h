/*
 * A spinlock for data that an interrupt handler also touches.
 *
 * Pagoda runs one CPU and kernel code runs with interrupts off except in the
 * idle loop, so today taking a lock only turns interrupts off (and restores
 * them at unlock) and checks that nobody holds it already: on one CPU, a
 * second spin_lock of a held lock could never be released, so it is a bug
 * and panics instead of hanging. The type exists so that every structure
 * names its lock now and an SMP kernel changes only this file.
 *
 * Always true: a holder never sleeps (sleep_on) with the lock held.
 */
#ifndef PAGODA_SPINLOCK_H
#define PAGODA_SPINLOCK_H
#include "panic.h"
#include "x86.h"

struct spinlock {
	const char *name;
	bool locked;
	bool irq_was_on;   /* interrupts were on when it was taken */
};

typedef struct spinlock spinlock_t;

#define SPINLOCK_INIT(n) { .name = (n), .locked = false, .irq_was_on = false }

static inline void spin_lock_init(struct spinlock *l, const char *name)
{
	*l = (struct spinlock)SPINLOCK_INIT(name);
}

static inline void spin_lock(struct spinlock *l)
{
	bool on = irq_save();
	if (l->locked)
		panic("spin_lock: %s already held (deadlock on one CPU)", l->name ? l->name : "?");
	l->locked = true;
	l->irq_was_on = on;
}

static inline void spin_unlock(struct spinlock *l)
{
	kassert(l->locked);
	bool on = l->irq_was_on;
	l->locked = false;
	irq_restore(on);
}

static inline bool spin_is_locked(const struct spinlock *l)
{
	return l->locked;
}

#endif
