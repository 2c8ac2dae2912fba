/* gc_table.c: an open-addressing hash table keyed by address (gc_table.h),
 * in its own mmap'd memory, outside the GC heap and never scanned.
 *
 * Invariants: cap is 0 or a power of two; used + tombs <= cap / 2; a key
 * is in at most one slot; a probe sequence ends at the first empty slot.
 */
#include <sys/mman.h>
#include "gc_table.h"

enum { EMPTY = 0, TOMB = 1, FIRST_CAP = 256 };

static size_t slot_of(const struct gc_table *t, uintptr_t key)
{
	return (size_t)((key >> 3) * 0x9e3779b97f4a7c15ull) & (t->cap - 1);
}

static struct gc_entry *probe(struct gc_table *t, uintptr_t key, int for_insert)
{
	struct gc_entry *tomb = NULL;
	for (size_t i = slot_of(t, key);; i = (i + 1) & (t->cap - 1)) {
		struct gc_entry *e = &t->slot[i];
		if (e->key == key)
			return e;
		if (e->key == TOMB && !tomb)
			tomb = e;
		if (e->key == EMPTY)
			return for_insert ? (tomb ? tomb : e) : NULL;
	}
}

static int rehash(struct gc_table *t, size_t cap)
{
	void *m = mmap(NULL, cap * sizeof(struct gc_entry), PROT_READ | PROT_WRITE,
		       MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	if (m == MAP_FAILED)
		return -1;
	struct gc_table old = *t;
	t->slot = m;
	t->cap = cap;
	t->used = t->tombs = 0;
	for (size_t i = 0; i < old.cap; i++)
		if (old.slot[i].key > TOMB) {
			*probe(t, old.slot[i].key, 1) = old.slot[i];
			t->used++;
		}
	if (old.slot)
		munmap(old.slot, old.cap * sizeof(struct gc_entry));
	return 0;
}

struct gc_entry *table_get(struct gc_table *t, uintptr_t key)
{
	return t->cap ? probe(t, key, 0) : NULL;
}

struct gc_entry *table_put(struct gc_table *t, uintptr_t key, int *fresh)
{
	struct gc_entry *e = table_get(t, key);
	*fresh = e == NULL;
	if (e)
		return e;
	if ((t->used + t->tombs + 1) * 2 > t->cap &&
	    rehash(t, !t->cap ? FIRST_CAP : t->used * 4 > t->cap ? t->cap * 2 : t->cap))
		return NULL;
	e = probe(t, key, 1);
	if (e->key == TOMB)
		t->tombs--;
	*e = (struct gc_entry){ .key = key };
	t->used++;
	return e;
}

void table_del(struct gc_table *t, struct gc_entry *e)
{
	e->key = TOMB;
	t->used--;
	t->tombs++;
}

struct gc_entry *table_next(struct gc_table *t, struct gc_entry *e)
{
	for (e = e ? e + 1 : t->slot; e && e < t->slot + t->cap; e++)
		if (e->key > TOMB)
			return e;
	return NULL;
}
