#ifndef PAGODA_LOCKDEP_H
#define PAGODA_LOCKDEP_H
#include "debug.h"   /* debug_vm: the checker runs only then */
extern uint64_t lockdep_spin_limit;   /* a waiter's spins before "held too long" */

/* A lock of class `name` is about to be taken / was released by this CPU;
 * *cache keeps the class's index (plus one) in the lock after the first use. */
void lockdep_acquire(const char *name, int *cache);
void lockdep_release(const char *name, int *cache);
/* Spin until *locked reads 0 and this CPU sets it; counts the spins for the
 * held-too-long report (holder: the CPU that held it when the wait began). */
void spin_wait(volatile uint32_t *locked, const char *name, int holder);
/* schedule() with a spinlock held is a bug: report it. */
void lockdep_check_sleep(void);

struct lockdep_counts {
	uint64_t order_violations, long_holds, sleeps_held;
};
void lockdep_get_counts(struct lockdep_counts *c);

#endif
