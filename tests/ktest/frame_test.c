/* The frame allocator: exhaustion and exact recovery, refcounts, runs. */
#include "../../kernel/ktest.h"
#include "../../kernel/string.h"
#include "../../mm/frame.h"

/* Allocate every free frame, chaining them through their own first word
 * (no other memory is needed to remember them), then free them all. */
KTEST(frame_exhaustion_and_back)
{
	uint64_t start = frame_free_count();
	paddr_t chain = 0;
	uint64_t n = 0;
	for (paddr_t pa; (pa = frame_alloc(FRAME_USER)); n++) {
		*(paddr_t *)pa_to_kva(pa) = chain;
		chain = pa;
	}
	KT_EQ(n, start);
	KT_EQ(frame_free_count(), 0);
	KT_EQ(frame_alloc(FRAME_USER), 0);   /* out of memory is NULL, not a panic */
	while (chain) {
		paddr_t next = *(paddr_t *)pa_to_kva(chain);
		frame_put(chain);
		chain = next;
	}
	KT_EQ(frame_free_count(), start);
}

KTEST(frame_refcount_frees_on_last_put)
{
	uint64_t start = frame_free_count();
	paddr_t pa = frame_alloc(FRAME_USER);
	KT_NE(pa, 0);
	KT_EQ(pa_to_page(pa)->refcount, 1);
	frame_get(pa);
	KT_EQ(pa_to_page(pa)->refcount, 2);
	frame_put(pa);
	KT_EQ(frame_free_count(), start - 1);   /* still referenced */
	frame_put(pa);
	KT_EQ(frame_free_count(), start);
	KT_EQ(pa_to_page(pa)->use, FRAME_FREE);
}

KTEST(frame_zeroed_is_zero)
{
	paddr_t pa = frame_alloc_zeroed(FRAME_USER);
	const uint8_t *p = pa_to_kva(pa);
	bool zero = true;
	for (size_t i = 0; i < PAGE_SIZE; i++)
		zero &= p[i] == 0;
	frame_put(pa);
	KT_ASSERT(zero);
}

KTEST(frame_contig_run_is_contiguous)
{
	uint64_t start = frame_free_count();
	paddr_t pa = frame_alloc_contig(16, FRAME_KHEAP);
	KT_NE(pa, 0);
	for (int i = 0; i < 16; i++)
		KT_EQ(pa_to_page(pa + i * PAGE_SIZE)->use, FRAME_KHEAP);
	KT_EQ(frame_free_count(), start - 16);
	for (int i = 0; i < 16; i++)
		frame_put(pa + i * PAGE_SIZE);
	KT_EQ(frame_free_count(), start);
}

KTEST(frame_counters_add_up)
{
	struct frame_stats s;
	frame_get_stats(&s);
	uint64_t used = 0;
	for (int u = FRAME_USER; u < FRAME_NUSES; u++)
		used += s.by_use[u];
	KT_EQ(s.free + used, s.total);
}

KTEST(frame_reserved_never_free)
{
	extern char __text_start[];
	KT_EQ(pa_to_page(kva_to_pa(__text_start))->use, FRAME_RESERVED);
	KT_EQ(pa_to_page(0)->use, FRAME_RESERVED);
}

KTEST_SELFCHECK(selfcheck_double_free)
{
	paddr_t pa = frame_alloc(FRAME_USER);
	frame_put(pa);
	frame_put(pa);
}

KTEST(frame_check_holds_after_alloc_and_free)
{
	KT_ASSERT(frame_check());
	paddr_t a = frame_alloc(FRAME_USER), b = frame_alloc_contig(3, FRAME_KHEAP);
	KT_ASSERT(frame_check());
	frame_put(a);
	for (int i = 0; i < 3; i++)
		frame_put(b + i * PAGE_SIZE);
	KT_ASSERT(frame_check());
}
