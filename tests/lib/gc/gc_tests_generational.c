/* gc_tests_generational.c: the generational mode's minor collections
 * (lib/gc_minor.c), which keep the marks of the last collection (old
 * objects) and mark the young ones in steps.
 *
 * The case the remembered set exists for: an old object (a table of
 * slots, marked by a major) receives pointers to new objects, some between
 * two collections (found at the minor's start through the pages written
 * since the last collection) and some while the minor is marking, after
 * the table's page was rescanned (found through the pages written during
 * the cycle). Each new object is reachable only through the table. The
 * objects the table held before are old garbage: the minor keeps them
 * marked (only young objects are reclaimed by a minor), the next major
 * reclaims them; which shows the cycle really was a minor, and that the
 * counts could fail (nothing else holds the objects).
 */
#include "gc_test.h"
#include "gc/gc.h"

enum {
	SLOTS = 2000,
	HALF = SLOTS / 2,
	CHAIN = 100,   /* young nodes behind each object stored before the minor: many steps of marking */
};

struct young {
	unsigned value;
	struct young *next;
};

/* slots[from, to) get new objects holding seed + i; a chain of `chain`
 * nodes hangs off each. Their hidden addresses go to hidden[i - from]. */
__attribute__((noinline)) static void fill(void **slots, int from, int to, uintptr_t *hidden, unsigned seed,
					   int chain)
{
	for (int i = from; i < to; i++) {
		struct young *o = gc_malloc(sizeof *o);
		o->value = seed + (unsigned)i;
		for (int k = 0; k < chain; k++) {
			struct young *n = gc_malloc(sizeof *n);
			n->value = (unsigned)k;
			n->next = o->next;
			o->next = n;
		}
		slots[i] = o;
		hidden[i - from] = hide(o);
	}
}

/* Every object of slots[from, to) is marked and holds seed + i and its
 * chain of `chain` nodes, intact. */
static int intact(void **slots, int from, int to, unsigned seed, int chain)
{
	for (int i = from; i < to; i++) {
		struct young *o = slots[i];
		int n = 0;
		for (struct young *c = o->next; c; c = c->next, n++)
			if (gc_was_marked(c) != 1 || c->value != (unsigned)(chain - 1 - n))
				return 0;
		if (gc_was_marked(o) != 1 || o->value != seed + (unsigned)i || n != chain)
			return 0;
	}
	return 1;
}

int t_generational_minor_stores(void)
{
	static uintptr_t first[SLOTS], before[HALF], during[HALF];
	GC_enable_generational();
	void **volatile slots = gc_malloc(SLOTS * sizeof(void *));
	fill(slots, 0, SLOTS, first, 0, 0);
	scrub_stack();
	gc_collect();                            /* a major: the table and `first` are old */
	CHECK(count_marked(first, SLOTS) == SLOTS);
	GC_expand_hp(8 << 20);                   /* room, so the chains need no collection */
	gc_disable();
	fill(slots, 0, HALF, before, 100000, CHAIN);   /* stores between two collections */
	gc_enable();
	uint64_t minors = now_stats().minor_collections;
	churn_until(1, 0);
	uint64_t cycle = now_stats().collections;
	for (int i = 0; i < 1000 && count_marked(before, HALF) < HALF && now_stats().marking; i++)
		GC_collect_a_little();           /* until the table's written page is rescanned */
	CHECK(now_stats().marking && count_marked(before, HALF) == HALF);
	gc_disable();                            /* no step may finish the cycle halfway through */
	fill(slots, HALF, SLOTS, during, 200000, 0);   /* stores while the minor marks */
	gc_enable();
	scrub_stack();
	churn_until(0, cycle);
	CHECK(now_stats().collections == cycle + 1 && now_stats().minor_collections == minors + 1);
	CHECK(intact(slots, 0, HALF, 100000, CHAIN) && intact(slots, HALF, SLOTS, 200000, 0));
	CHECK(count_marked(first, SLOTS) == SLOTS);   /* old garbage: a minor keeps it */
	scrub_stack();
	gc_collect();
	CHECK(count_marked(first, SLOTS) == 0);        /* a major reclaims it */
	CHECK(intact(slots, 0, HALF, 100000, CHAIN) && intact(slots, HALF, SLOTS, 200000, 0));
	CHECK(gc_check_heap() == 0);
	return 0;
}
