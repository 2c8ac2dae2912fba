/*
 * kmalloc/kfree: a small slab allocator on top of frames.
 *
 * Sizes up to 2048 bytes round up to a power-of-two class (16 .. 2048). A
 * slab is one frame cut into objects of one class; its struct page keeps the
 * slab's free-object list (slab_free) and objects in use (count). Each class
 * keeps a list of slabs that have a free object:
 *
 *   partial[class] -> slab <-> slab        slab: [obj][obj][obj]...   free objects
 *                                                                    link through
 *                                                                    their first word
 * Larger requests take a physically contiguous run of frames; the run's
 * first struct page records its length.
 *
 * Invariants: a slab is on partial[c] <=> 0 < free objects; a slab whose
 * count drops to 0 goes back to the frame allocator at once (so the frame
 * counters return to their start when every object is freed); under
 * debug_vm freed objects are filled with POISON_BYTE (after the link word)
 * to expose use after free.
 */
#include "kheap.h"
#include "frame.h"
#include "vmscan.h"
#include "../kernel/debug.h"
#include "../kernel/panic.h"
#include "../kernel/string.h"

/* A large run's length lives in its head page's count: it must hold the
 * longest possible run (regression: a 16-bit count leaked runs >= 65536 frames). */
_Static_assert((__typeof__(((struct page *)0)->count))(DIRECT_MAP_MAX >> PAGE_SHIFT) == (DIRECT_MAP_MAX >> PAGE_SHIFT),
	       "struct page count too narrow for a run");

enum { MIN_SHIFT = 4, MAX_SHIFT = 11, NCLASSES = MAX_SHIFT - MIN_SHIFT + 1, LARGE = 0xff };

static struct page *partial[NCLASSES];

static int size_class(size_t size)
{
	int c = 0;
	while ((1ul << (c + MIN_SHIFT)) < size)
		c++;
	return c;
}

static size_t class_size(int c) { return 1ul << (c + MIN_SHIFT); }

static void partial_push(int c, struct page *slab)
{
	slab->prev = NULL;
	slab->next = partial[c];
	if (partial[c])
		partial[c]->prev = slab;
	partial[c] = slab;
}

static void partial_remove(int c, struct page *slab)
{
	if (slab->prev)
		slab->prev->next = slab->next;
	else
		partial[c] = slab->next;
	if (slab->next)
		slab->next->prev = slab->prev;
	slab->next = slab->prev = NULL;
}

/* n frames in a row for the heap; when there are none, the slow path
 * (vmscan.c reclaim_for_kmalloc: clean page cache, never a sleep) and one
 * more try, as the page allocator's slow path. */
static paddr_t heap_frames(size_t n)
{
	paddr_t pa = n == 1 ? frame_alloc(FRAME_KHEAP) : frame_alloc_contig(n, FRAME_KHEAP);
	if (pa || !reclaim_for_kmalloc(n))
		return pa;
	return n == 1 ? frame_alloc(FRAME_KHEAP) : frame_alloc_contig(n, FRAME_KHEAP);
}

/* Slow path: a fresh frame cut into free objects. */
static struct page *slab_new(int c)
{
	paddr_t pa = heap_frames(1);
	if (!pa)
		return NULL;
	struct page *slab = pa_to_page(pa);
	char *base = pa_to_kva(pa);
	size_t sz = class_size(c);
	slab->slab_class = c;
	slab->slab_free = NULL;
	for (size_t off = PAGE_SIZE; off >= sz; off -= sz) {   /* so the lowest address goes out first */
		void **obj = (void **)(base + off - sz);
		*obj = slab->slab_free;
		slab->slab_free = obj;
	}
	partial_push(c, slab);
	return slab;
}

static void *kmalloc_large(size_t size)
{
	size_t n = page_round_up(size) >> PAGE_SHIFT;
	paddr_t pa = heap_frames(n);
	if (!pa)
		return NULL;
	struct page *head = pa_to_page(pa);
	head->slab_class = LARGE;
	head->count = n;
	return pa_to_kva(pa);
}

void *kmalloc(size_t size)
{
	if (size > class_size(NCLASSES - 1))
		return kmalloc_large(size);
	int c = size_class(size ? size : 1);
	struct page *slab = partial[c];
	if (!slab && !(slab = slab_new(c)))
		return NULL;
	void **obj = slab->slab_free;   /* fast path: pop the slab's free list */
	slab->slab_free = *obj;
	slab->count++;
	if (!slab->slab_free)
		partial_remove(c, slab);
	return obj;
}

void *kzalloc(size_t size)
{
	void *p = kmalloc(size);
	if (p)
		memset(p, 0, size);
	return p;
}

static void kfree_large(struct page *head)
{
	paddr_t pa = page_to_pa(head);
	size_t n = head->count;
	for (size_t i = 0; i < n; i++)
		frame_put(pa + i * PAGE_SIZE);
}

void kfree(void *p)
{
	if (!p)
		return;
	struct page *slab = pa_to_page(kva_to_pa(p) & PAGE_MASK);
	if (slab->use != FRAME_KHEAP)
		panic("kfree(%p): not kmalloc'd memory", p);
	if (slab->slab_class == LARGE)
		return kfree_large(slab);
	int c = slab->slab_class;
	if (((uintptr_t)p & (class_size(c) - 1)) != 0)
		panic("kfree(%p): not the start of a %lu-byte object", p, class_size(c));
	if (debug_vm)   /* junk: catches use after free (as frame_put) */
		memset((char *)p + sizeof(void *), POISON_BYTE, class_size(c) - sizeof(void *));
	bool was_full = slab->slab_free == NULL;
	*(void **)p = slab->slab_free;
	slab->slab_free = p;
	if (was_full)
		partial_push(c, slab);
	if (--slab->count == 0) {
		partial_remove(c, slab);
		frame_put(page_to_pa(slab));
	}
}
