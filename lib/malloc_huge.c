/* malloc_huge.c - requests of 256 KiB and more: one mapping each.
 *
 * Such a block would be a long-lived hole in the heap once freed (the heap
 * never shrinks); as a mapping, free() gives its pages straight back to the
 * kernel, and calloc() gets demand-zero pages without writing them.
 *
 *   | memlib header (32 B) | alignment gap | struct huge | payload ......... |
 *                          ^ h->map                      ^ p
 *
 * realloc stays in place while the new size fits the page-rounded mapping and
 * is at least half of it; otherwise the caller moves the block. A block in the
 * heap that grows past 256 KiB stays in the heap if it can grow in place
 * (realloc-bal grows one block to 600 KB that way, without copying).
 *
 * Invariant: a live huge block's header has HUGE_MAGIC and h->map is a live
 * memlib mapping; h->size bytes from p lie inside it. (heapcheck.c can only
 * check what memlib lists, see mem_check.)
 */
#include "malloc_internal.h"

void *huge_memalign(size_t align, size_t size)
{
    if (size > SIZE_MAX / 2 || align > SIZE_MAX / 4)
        return NULL;
    size_t slack = align > ALIGN ? align : 0;
    char *map = mem_map(size + slack + sizeof(struct huge));
    if (!map)
        return NULL;
    char *p = (char *)align_up((uintptr_t)(map + sizeof(struct huge)), align);
    *huge_of(p) = (struct huge){
        .map = map,
        .size = mem_map_capacity(map) - (size_t)(p - map),
        .magic = HUGE_MAGIC,
    };
    return p;
}

void *huge_alloc(size_t size) { return huge_memalign(ALIGN, size); }

void huge_free(void *p)
{
    struct huge *h = huge_of(p);
    if (h->magic != HUGE_MAGIC)
        mm_invalid_pointer("free", p);
    h->magic = 0;
    mem_unmap(h->map);
}

bool huge_resize(void *p, size_t size)
{
    size_t have = huge_of(p)->size;
    return size <= have && size >= have / 2;
}
