/* gc/gc_typed.h: typed allocation, bdwgc's API (lib/gc_typed.c). A layout
 * descriptor names the words of an object that may hold pointers; the
 * collector scans only those, so integers in the other words keep nothing
 * alive. */
#ifndef GC_TYPED_H
#define GC_TYPED_H

#include "gc.h"

typedef GC_word *GC_bitmap;
#define GC_WORDSZ (8 * sizeof(GC_word))
#define GC_get_bit(bm, index) (((bm)[(index) / GC_WORDSZ] >> ((index) % GC_WORDSZ)) & 1)
#define GC_set_bit(bm, index) ((bm)[(index) / GC_WORDSZ] |= (GC_word)1 << ((index) % GC_WORDSZ))
#define GC_WORD_OFFSET(t, f) (offsetof(t, f) / sizeof(GC_word))
#define GC_WORD_LEN(t) (sizeof(t) / sizeof(GC_word))
#define GC_BITMAP_SIZE(t) ((GC_WORD_LEN(t) + GC_WORDSZ - 1) / GC_WORDSZ)

typedef GC_word GC_descr;

/* Bit i of bm (len bits): word i may be a pointer; words past len never are. */
GC_descr GC_make_descriptor(const GC_word *bm, size_t len);
/* Zeroed objects laid out by d; two words longer inside than asked (the
 * layout lives there), so GC_size is larger than bytes + 16. */
void *GC_malloc_explicitly_typed(size_t bytes, GC_descr d);
void *GC_malloc_explicitly_typed_ignore_off_page(size_t bytes, GC_descr d);
/* n elements, each laid out by d. Differs: an element size that is not a
 * multiple of the word size is scanned whole (conservative). */
void *GC_calloc_explicitly_typed(size_t n, size_t element_bytes, GC_descr d);

#ifdef GC_DEBUG
#define GC_MALLOC_EXPLICITLY_TYPED(bytes, d) ((void)(d), GC_MALLOC(bytes))
#define GC_CALLOC_EXPLICITLY_TYPED(n, bytes, d) ((void)(d), GC_MALLOC((n) * (bytes)))
#else
#define GC_MALLOC_EXPLICITLY_TYPED(bytes, d) GC_malloc_explicitly_typed(bytes, d)
#define GC_CALLOC_EXPLICITLY_TYPED(n, bytes, d) GC_calloc_explicitly_typed(n, bytes, d)
#endif

#endif
