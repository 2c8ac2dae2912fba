/* gc_typed.c: typed allocation (bdwgc's gc_typed.h): objects whose layout
 * says which words may hold pointers, so the collector scans only those.
 *
 * A layout descriptor (GC_descr, one word) comes from GC_make_descriptor(bm,
 * len): bit i of the bitmap bm set means word i of the object may be a
 * pointer; words at or past len never are.
 *
 *   bitmaps of up to 63 bits:  descriptor = bitmap << 1 | 1
 *   longer bitmaps:            descriptor = address of a struct layout in this
 *                              file's own arena (8-aligned, so bit 0 is 0)
 *
 * An OBJ_TYPED object carries its descriptor in its own last two words,
 * where the program does not write:
 *
 *   | word 0 | word 1 | ... | (free) | descriptor | period |
 *                                      words - 2    words - 1
 *
 * period is 0 for GC_malloc_explicitly_typed and the element's length in
 * words for GC_calloc_explicitly_typed (the bitmap then repeats). The mark
 * loop (gc_mark.c) asks typed_next_run for the runs of pointer words.
 *
 * Invariants: a descriptor with bit 0 clear lies in the arena (checked before
 * use: a smashed trailer makes the object scanned whole, conservatively);
 * layouts are never freed.
 */
#include <string.h>
#include <sys/mman.h>
#include "gc_internal.h"
#include "include/gc/gc_typed.h"

struct layout {
	size_t nbits;
	GC_word bits[];
};

enum { ARENA_BYTES = 1 << 20, INLINE_BITS = 63, WORD_BITS = 64 };

static char *arena, *arena_next;

static struct layout *layout_alloc(size_t nbits)
{
	size_t bytes = sizeof(struct layout) + (nbits + WORD_BITS - 1) / WORD_BITS * sizeof(GC_word);
	if (!arena) {
		void *m = mmap(NULL, ARENA_BYTES, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
		if (m == MAP_FAILED)
			return NULL;
		arena = arena_next = m;
	}
	if (bytes > (size_t)(arena + ARENA_BYTES - arena_next))
		return NULL;
	struct layout *l = (struct layout *)arena_next;
	arena_next += (bytes + 7) & ~(size_t)7;
	l->nbits = nbits;
	return l;
}

static int bit_of(const GC_word *bm, size_t i)
{
	return (int)((bm[i / WORD_BITS] >> (i % WORD_BITS)) & 1);
}

GC_descr GC_make_descriptor(const GC_word *bm, size_t len)
{
	while (len > 0 && !bit_of(bm, len - 1))
		len--;   /* trailing non-pointers change nothing */
	if (len <= INLINE_BITS) {
		GC_word w = len ? bm[0] & (~(GC_word)0 >> (WORD_BITS - len)) : 0;
		return w << 1 | 1;
	}
	struct layout *l = layout_alloc(len);
	if (!l)
		return ~(GC_word)0;   /* every word may be a pointer: conservative */
	memcpy(l->bits, bm, (len + WORD_BITS - 1) / WORD_BITS * sizeof(GC_word));
	return (GC_descr)(uintptr_t)l;
}

/* Is word i (of the element) a pointer under descriptor d? */
static int descr_bit(GC_descr d, size_t i)
{
	if (d & 1)
		return i < INLINE_BITS && ((d >> 1) >> i & 1);
	const struct layout *l = (const struct layout *)(uintptr_t)d;
	return i < l->nbits && bit_of(l->bits, i);
}

static int descr_valid(GC_descr d)
{
	return (d & 1) || (d >= (uintptr_t)arena && d < (uintptr_t)arena_next && !(d & 7));
}

static int is_pointer_word(GC_descr d, size_t period, size_t j)
{
	return descr_bit(d, period ? j % period : j);
}

int typed_next_run(const uintptr_t *obj, size_t words, size_t *i, size_t *len)
{
	GC_descr d = obj[words - 2];
	size_t period = obj[words - 1], usable = words - 2, j = *i;
	if (!descr_valid(d)) {   /* a smashed trailer: scan all */
		*len = j < words ? words - j : 0;
		return *len != 0;
	}
	while (j < usable && !is_pointer_word(d, period, j))
		j++;
	size_t k = j;
	while (k < usable && is_pointer_word(d, period, k))
		k++;
	*i = j;
	*len = k - j;
	return k > j;
}

static void *typed_alloc(size_t bytes, GC_descr d, size_t period)
{
	if (bytes > SIZE_MAX - 2 * sizeof(GC_word) - 7)
		return NULL;
	size_t n = ((bytes + 7) & ~(size_t)7) + 2 * sizeof(GC_word);
	uintptr_t *obj = gc_malloc_kind(n, OBJ_TYPED);
	if (!obj)
		return NULL;
	size_t words = gc_size(obj) / sizeof(uintptr_t);
	obj[words - 2] = d;
	obj[words - 1] = period;
	return obj;
}

void *GC_malloc_explicitly_typed(size_t bytes, GC_descr d)
{
	return typed_alloc(bytes, d, 0);
}

void *GC_malloc_explicitly_typed_ignore_off_page(size_t bytes, GC_descr d)
{
	return typed_alloc(bytes, d, 0);
}

/* An array of n elements of esize bytes, each laid out by d. An element
 * size that is not a whole number of words cannot repeat a word bitmap:
 * such arrays are ordinary (fully scanned) objects. */
void *GC_calloc_explicitly_typed(size_t n, size_t esize, GC_descr d)
{
	if (esize && n > SIZE_MAX / esize)
		return NULL;
	if (esize % sizeof(GC_word) || esize == 0)
		return gc_malloc_kind(n * esize, OBJ_NORMAL);
	return typed_alloc(n * esize, d, esize / sizeof(GC_word));
}
