/* The lock checker (debug_vm is on in every test boot): an order that
 * contradicts an earlier one is reported once; a waiter that spins past the
 * limit reports the lock as held too long (needs a second CPU). */
#include "../../kernel/ktest.h"
#include "../../kernel/lockdep.h"
#include "../../kernel/smp.h"
#include "../../kernel/spinlock.h"

static struct spinlock first = SPINLOCK_INIT("ktest_first"), second = SPINLOCK_INIT("ktest_second");

static void take_both(struct spinlock *a, struct spinlock *b)
{
	spin_lock(a);
	spin_lock(b);
	spin_unlock(b);
	spin_unlock(a);
}

KTEST(lockdep_reports_an_order_violation_once)
{
	struct lockdep_counts before, after;
	lockdep_get_counts(&before);
	take_both(&first, &second);
	take_both(&first, &second);
	lockdep_get_counts(&after);
	KT_EQ(after.order_violations, before.order_violations);
	take_both(&second, &first);
	take_both(&second, &first);
	lockdep_get_counts(&after);
	KT_EQ(after.order_violations, before.order_violations + 1);
	KT_EQ(this_cpu()->nheld, 0);
}

static struct spinlock contended = SPINLOCK_INIT("ktest_contended");

static void take_contended(void *arg)
{
	(void)arg;
	spin_lock(&contended);
	spin_unlock(&contended);
}

KTEST(lockdep_reports_a_lock_held_too_long)
{
	if (ncpus < 2)
		return;   /* a waiter needs another CPU (the smp suite boots two) */
	struct lockdep_counts before, now;
	lockdep_get_counts(&before);
	uint64_t limit = lockdep_spin_limit;
	lockdep_spin_limit = 1000;
	spin_lock(&contended);
	smp_call_many(1ull << 1, take_contended, NULL, false);
	uint64_t polls = 0;
	do {
		lockdep_get_counts(&now);
		pause();
	} while (now.long_holds == before.long_holds && ++polls < (1ull << 32));
	spin_unlock(&contended);
	smp_call_wait();
	lockdep_spin_limit = limit;
	KT_EQ(now.long_holds, before.long_holds + 1);
}
