/* The clock (timer_ns) and the deadlines sleepers wait for (timer_deadline)
 * agree: a timeout of n ticks ends no sooner than n ticks of the clock
 * after it was asked for, even while a tick that has come is not yet
 * counted (with several CPUs: the boot CPU took the PIT's interrupt and
 * waits for the kernel lock; here: this CPU runs with interrupts off). */
#include "../../kernel/ktest.h"
#include "../../kernel/param.h"
#include "../../kernel/timer.h"
#include "../../kernel/x86.h"

enum { NS_PER_TICK = 1000000000 / HZ };

KTEST(timer_deadline_counts_a_tick_not_yet_counted)
{
	bool short_deadline = false;
	bool irq = irq_save();   /* the PIT's next wrap stays pending */
	uint64_t t0 = timer_ticks();
	while (timer_ns() / NS_PER_TICK == timer_ticks())
		pause();   /* until the clock sees a wrap that ticks has not counted */
	uint64_t t1 = timer_ticks();
	for (uint64_t n = 0; n <= 3; n++) {
		uint64_t now = timer_ns();
		short_deadline |= timer_deadline(n) * NS_PER_TICK < now + n * NS_PER_TICK;
	}
	irq_restore(irq);
	KT_EQ(t1, t0);
	KT_ASSERT(!short_deadline);
}

/* The tick count and the clock agree: the ticks counted are behind the clock
 * by less than the two wraps it may count that are not yet in the count. */
KTEST(timer_ticks_follow_the_clock)
{
	uint64_t t0 = timer_ticks(), ns = timer_ns(), t1 = timer_ticks();
	KT_ASSERT(t0 * NS_PER_TICK <= ns);
	KT_ASSERT(ns < (t1 + 3) * NS_PER_TICK);
}
