/* gc/gc_backptr.h: "who points at this object?", bdwgc's API. bdwgc
 * records back pointers in debug objects when built with KEEP_BACK_PTRS;
 * Pagoda answers by searching instead: every root word and heap word that
 * points into the object (gc_explain in pagoda_gc.h prints them all). */
#ifndef GC_BACKPTR_H
#define GC_BACKPTR_H

#include "gc.h"

typedef enum {
	GC_UNREFERENCED,    /* nothing points at it */
	GC_NO_SPACE,        /* dest is not a GC object */
	GC_REFD_FROM_ROOT,  /* *base_p is the root word */
	GC_REFD_FROM_REG,   /* a register (never reported: registers are on the stack here) */
	GC_REFD_FROM_HEAP,  /* *base_p is the object, *offset_p the word's offset */
	GC_FINALIZER_REFD   /* never reported */
} GC_ref_kind;

/* Differs: reports the first reference found (roots first, then the heap in
 * address order), not the one the last collection followed. */
GC_ref_kind GC_get_back_ptr_info(void *dest, void **base_p, size_t *offset_p);
void *GC_generate_random_heap_address(void);
void *GC_generate_random_valid_address(void);
/* Print the chain of references from a root down to p (stderr). */
void GC_print_backtrace(void *p);
void GC_generate_random_backtrace(void);

#endif
