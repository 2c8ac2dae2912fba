/*
 * The lock checker (under debug_vm): a lock's class is its name, so every
 * process's "siglock" is one class, as in Linux's lockdep.
 *
 *   classes[0 .. nclasses-1]: the names seen, in first-use order
 *   after[a] bit b: class b was taken while class a was held (a before b)
 *   cpus[n].held_locks[0 .. nheld-1]: the classes cpu n holds, oldest first
 *
 * An acquisition of b while a is held, when after[b] has a (b was taken
 * before a some other time), is an order violation: two CPUs doing the two
 * orders at once would deadlock. Each pair is reported once (one line), and
 * counted. A waiter that spins lockdep_spin_limit times reports the lock as
 * held too long (once per class). Taking a class already held (two inodes'
 * i_lock) records nothing: docs/locking.md orders those by address.
 *
 * Always true: after[] only gains bits; a class index names one name for
 * good; held_locks is written only by its own CPU.
 */
#include "lockdep.h"
#include "percpu.h"
#include "printk.h"
#include "string.h"
#include "x86.h"

enum { MAX_CLASSES = 64 };

uint64_t lockdep_spin_limit = 1ull << 28;

static const char *classes[MAX_CLASSES];
static volatile uint32_t nclasses, table_lock;
static volatile uint64_t after[MAX_CLASSES], reported[MAX_CLASSES], long_reported;
static struct lockdep_counts counts;

/* The class of name (a new one when unseen); -1 when the table is full. */
static int class_of(const char *name)
{
	for (uint32_t i = 0; i < nclasses; i++)
		if (classes[i] == name || !strcmp(classes[i], name))
			return i;
	while (xchg32(&table_lock, 1))
		pause();
	int c = -1;
	for (uint32_t i = 0; i < nclasses && c < 0; i++)
		if (!strcmp(classes[i], name))
			c = i;
	if (c < 0 && nclasses < MAX_CLASSES) {
		classes[nclasses] = name;
		c = nclasses++;
	}
	table_lock = 0;
	return c;
}

static void check_order(int held, int c)
{
	if (held == c)
		return;
	if ((after[c] >> held & 1) && !(reported[c] >> held & 1)) {
		atomic_or64(&reported[c], 1ull << held);
		counts.order_violations++;
		printk("lockdep: lock order violation on cpu %d: %s taken while holding %s, "
		       "but %s was taken while holding %s before\n",
		       smp_processor_id(), classes[c], classes[held], classes[held], classes[c]);
	}
	atomic_or64(&after[held], 1ull << c);
}

static int cached_class(const char *name, int *cache)
{
	if (!*cache)
		*cache = class_of(name ? name : "?") + 1;
	return *cache - 1;
}

void lockdep_acquire(const char *name, int *cache)
{
	int c = cached_class(name, cache);
	struct percpu *cpu = this_cpu();
	if (c < 0)
		return;
	for (int i = 0; i < cpu->nheld; i++)
		check_order(cpu->held_locks[i], c);
	if (cpu->nheld < (int)ARRAY_SIZE(cpu->held_locks))
		cpu->held_locks[cpu->nheld++] = c;
}

void lockdep_release(const char *name, int *cache)
{
	int c = cached_class(name, cache);
	struct percpu *cpu = this_cpu();
	for (int i = cpu->nheld - 1; i >= 0; i--) {
		if (cpu->held_locks[i] != c)
			continue;
		memmove(&cpu->held_locks[i], &cpu->held_locks[i + 1], (cpu->nheld - i - 1) * sizeof(int));
		cpu->nheld--;
		return;
	}
}

static void report_long_hold(const char *name, int holder, uint64_t spins)
{
	int c = class_of(name ? name : "?");
	counts.long_holds++;
	if (c < 0 || (long_reported >> c & 1))
		return;
	atomic_or64(&long_reported, 1ull << c);
	printk("lockdep: %s held too long: cpu %d spun %lu times waiting for cpu %d\n", name ? name : "?",
	       smp_processor_id(), spins, holder);
}

void spin_wait(volatile uint32_t *locked, const char *name, int holder)
{
	uint64_t spins = 0;
	do {
		while (*locked) {
			pause();
			if (++spins == lockdep_spin_limit && debug_vm)
				report_long_hold(name, holder, spins);
		}
	} while (xchg32(locked, 1));
}

void lockdep_check_sleep(void)
{
	struct percpu *cpu = this_cpu();
	if (!debug_vm || !cpu->nheld)
		return;
	counts.sleeps_held++;
	printk("lockdep: schedule() on cpu %d with %s held\n", cpu->cpu, classes[cpu->held_locks[cpu->nheld - 1]]);
}

void lockdep_get_counts(struct lockdep_counts *c)
{
	*c = counts;
}
