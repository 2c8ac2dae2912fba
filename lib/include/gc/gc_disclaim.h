/* gc/gc_disclaim.h: finalized allocation, bdwgc's API (lib/gc_finalize.c).
 * The closure runs when the collector finds the object dead, during that
 * collection, just before the object is reclaimed; whatever the object
 * points to (and the closure) is kept alive for it. No ordering, no
 * resurrection. */
#ifndef GC_DISCLAIM_H
#define GC_DISCLAIM_H

#include "gc.h"

void GC_init_finalized_malloc(void);

struct GC_finalizer_closure {
	GC_finalization_proc proc;
	void *cd;
};

/* The object starts one word after GC_base of it (the closure's word). */
void *GC_finalized_malloc(size_t size, const struct GC_finalizer_closure *fc);

/* Differs: bdwgc lets a program give any object kind a disclaim procedure;
 * Pagoda's object kinds are fixed, so GC_register_disclaim_proc is not
 * offered (GC_finalized_malloc is its one use in bdwgc's own code). */

#endif
