/* kmalloc/kfree: alignment, distinctness, poisoning, and frames returned. */
#include "../../kernel/ktest.h"
#include "../../kernel/string.h"
#include "../../mm/frame.h"
#include "../../mm/kheap.h"

static uint64_t heap_frames(void)
{
	struct frame_stats s;
	frame_get_stats(&s);
	return s.by_use[FRAME_KHEAP];
}

KTEST(kheap_sizes_alignment_and_reuse)
{
	uint64_t start = frame_free_count();
	size_t sizes[] = { 1, 8, 16, 17, 100, 512, 2048, 2049, 5000, 20000 };
	void *p[ARRAY_SIZE(sizes)];
	for (size_t i = 0; i < ARRAY_SIZE(sizes); i++) {
		p[i] = kmalloc(sizes[i]);
		KT_ASSERT(p[i]);
		KT_EQ((uintptr_t)p[i] & 15, 0);
		memset(p[i], (int)i, sizes[i]);
	}
	for (size_t i = 0; i < ARRAY_SIZE(sizes); i++)
		KT_EQ(((uint8_t *)p[i])[sizes[i] - 1], i);   /* no object overlapped another */
	for (size_t i = 0; i < ARRAY_SIZE(sizes); i++)
		kfree(p[i]);
	KT_EQ(frame_free_count(), start);
}

KTEST(kheap_free_poisons)
{
	uint64_t *keep = kmalloc(64);    /* keeps the slab alive */
	uint64_t *p = kmalloc(64);
	kfree(p);
	KT_EQ(p[1], 0x6b6b6b6b6b6b6b6bul);
	kfree(keep);
}

/* Pseudo-random sizes and a shuffled free order; the frame counters must
 * come back exactly. */
KTEST(kheap_stress_counters_return)
{
	enum { N = 3000 };
	static void *objs[N];
	uint64_t free = frame_free_count(), heap = heap_frames();
	uint64_t seed = 12345;
	for (int i = 0; i < N; i++) {
		seed = seed * 6364136223846793005ul + 1442695040888963407ul;
		size_t size = 1 + (seed >> 33) % ((seed >> 20) % 8 == 0 ? 9000 : 600);
		objs[i] = kmalloc(size);
		KT_ASSERT(objs[i]);
		*(uint8_t *)objs[i] = (uint8_t)i;
	}
	for (int i = 0; i < N; i++) {
		int j = (i * 7919) % N;   /* 7919 is prime: a permutation of 0..N-1 */
		KT_EQ(*(uint8_t *)objs[j], (uint8_t)j);
		kfree(objs[j]);
	}
	KT_EQ(heap_frames(), heap);
	KT_EQ(frame_free_count(), free);
}
