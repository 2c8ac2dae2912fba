/* gc_table.h: a hash table keyed by address, in memory the collector never
 * scans (so an entry does not keep its key's object alive). Used for
 * leak-finding sites, finalizers and disappearing links. lib/gc_table.c. */
#ifndef PAGODA_GC_TABLE_H
#define PAGODA_GC_TABLE_H

#include <stddef.h>
#include <stdint.h>

struct gc_entry {
	uintptr_t key;          /* 0: empty; 1: deleted */
	uintptr_t v[4];         /* the user's payload */
};

struct gc_table {
	struct gc_entry *slot;
	size_t cap, used, tombs;
};

/* The entry for key, or NULL. */
struct gc_entry *table_get(struct gc_table *t, uintptr_t key);
/* The entry for key, made (payload zero) if new: *fresh says which. NULL when
 * memory runs out. Earlier entry pointers become invalid when fresh. */
struct gc_entry *table_put(struct gc_table *t, uintptr_t key, int *fresh);
/* Remove an entry that table_get/table_put/table_next returned. */
void table_del(struct gc_table *t, struct gc_entry *e);
/* Iterate: pass NULL first; NULL at the end. Deleting the current entry
 * during the walk is allowed. */
struct gc_entry *table_next(struct gc_table *t, struct gc_entry *e);

#endif
