/* The AVL index and the VMA operations (find, split, merge, unmap). */
#include "../../kernel/ktest.h"
#include "../../mm/frame.h"
#include "../../mm/kheap.h"
#include "../../mm/mm.h"
#include "../../mm/vma_tree.h"
#include "../../kernel/param.h"

KTEST(vma_tree_stays_balanced)
{
	enum { N = 1000 };
	static struct avl_node nodes[N];
	struct avl_tree t = { 0 };
	int h;
	for (int i = 0; i < N; i++) {   /* ascending keys: the worst case for a plain BST */
		nodes[i].key = (uintptr_t)i * 4096;
		avl_insert(&t, &nodes[i]);
	}
	KT_ASSERT(avl_check(&t, &h));
	KT_ASSERT(h <= 15);   /* 1.44 log2(1000) ~ 14.4 */
	KT_EQ(avl_floor(&t, 4096 * 500 + 7)->key, 4096 * 500);
	KT_EQ(avl_floor(&t, 0)->key, 0);
	for (int i = 0; i < N; i += 2)
		avl_remove(&t, &nodes[i]);
	KT_ASSERT(avl_check(&t, &h));
	KT_EQ(t.count, N / 2);
	KT_EQ(avl_floor(&t, 4096 * 500)->key, 4096 * 499);
}

static struct vma *add(struct mm *mm, uintptr_t start, uintptr_t end, uint64_t flags)
{
	struct vma *v = vma_alloc(mm, start, end, flags, VMA_ANON);
	vma_insert(mm, v);
	return v;
}

KTEST(vma_find_split_merge_unmap)
{
	uint64_t free = frame_free_count();
	struct mm *mm = mm_create();
	add(mm, 0x10000, 0x20000, VM_READ);
	struct vma *b = add(mm, 0x30000, 0x40000, VM_READ | VM_WRITE);
	KT_EQ(find_vma(mm, 0x5000)->vm_start, 0x10000);
	KT_EQ(find_vma(mm, 0x20000)->vm_start, 0x30000);   /* in the hole: the next area */
	KT_ASSERT(!vma_lookup(mm, 0x20000));
	KT_ASSERT(!find_vma(mm, 0x40000));
	struct vma *hi = split_vma(mm, b, 0x38000);
	KT_EQ(hi->vm_start, 0x38000);
	KT_EQ(b->vm_end, 0x38000);
	KT_ASSERT(vma_merge(mm, b) == b);   /* b and hi are alike: one area again */
	KT_EQ(b->vm_end, 0x40000);
	KT_EQ(mm->map_count, 2);
	KT_EQ(vma_unmap_range(mm, 0x18000, 0x34000), 0);   /* trims both, spans the hole */
	KT_EQ(vma_lookup(mm, 0x17000)->vm_end, 0x18000);
	KT_EQ(find_vma(mm, 0x18000)->vm_start, 0x34000);
	KT_ASSERT(vma_check(mm));
	mm_destroy(mm);
	KT_EQ(frame_free_count(), free);
}

/* vm_pgoff counts pages (Linux), for file areas as for shared objects: a
 * split moves the high part's offset on by its distance in pages. */
KTEST(vma_pgoff_in_pages_across_split)
{
	struct mm *mm = mm_create();
	struct vma *v = vma_alloc(mm, 0x100000, 0x108000, VM_READ, VMA_FILE);
	v->vm_pgoff = 3;
	v->file_end = USER_TOP;
	vma_insert(mm, v);
	struct vma *hi = split_vma(mm, v, 0x102000);
	KT_EQ(hi->vm_pgoff, 5);
	KT_EQ(vma_pgoff_at(v, 0x101000), 4);
	KT_EQ(vma_file_offset(hi, 0x102010), 5 * 4096 + 0x10);
	KT_EQ(vma_merge(mm, hi), v);   /* continuous again: merges back */
	KT_EQ(v->vm_end, 0x108000);
	mm_destroy(mm);
}

/* avl_insert_after puts a node right after a known one with no descent;
 * parents, heights and max_gap stay right through inserts next to every
 * node, gap changes (avl_refresh) and removals of inner nodes. */
KTEST(vma_tree_insert_after_and_refresh)
{
	enum { N = 256 };
	static struct avl_node nodes[N];
	struct avl_tree t = { 0 };
	int h;
	for (int i = 0; i < N; i += 2) {   /* even keys first, ascending */
		nodes[i].key = (uintptr_t)i;
		avl_insert_after(&t, i ? &nodes[i - 2] : NULL, &nodes[i]);
	}
	for (int i = N - 1; i > 0; i -= 2) {   /* each odd key after its even neighbour, descending */
		nodes[i].key = (uintptr_t)i;
		nodes[i].gap = (uintptr_t)i * 3;
		avl_insert_after(&t, &nodes[i - 1], &nodes[i]);
	}
	KT_ASSERT(avl_check(&t, &h));
	KT_EQ(t.root->max_gap, (N - 1) * 3);
	nodes[10].gap = 10000;
	avl_refresh(&t, &nodes[10]);
	KT_EQ(t.root->max_gap, 10000);
	for (int i = 0; i < N; i += 3)
		avl_remove(&t, &nodes[i]);
	KT_ASSERT(avl_check(&t, &h));
	KT_EQ(t.root->max_gap, 10000);   /* node 10 stays (not a multiple of 3) */
	avl_remove(&t, &nodes[10]);
	KT_ASSERT(avl_check(&t, &h));
	KT_EQ(t.root->max_gap, 253 * 3);   /* the largest odd key left (255 went) */
	KT_EQ(avl_floor(&t, 3)->key, 2);
}

/* mprotect's "adjust" cases: the first page of b made like a goes to a,
 * the last page of a made like b goes to b; no area is made or freed. */
KTEST(vma_modify_flags_moves_the_boundary)
{
	struct mm *mm = mm_create();
	struct vma *a = add(mm, 0x10000, 0x14000, VM_READ | VM_WRITE);
	struct vma *b = add(mm, 0x14000, 0x18000, VM_READ), *v = b;
	KT_EQ(vma_modify_flags(mm, &v, 0x14000, 0x15000, a->vm_flags), 0);
	KT_ASSERT(v == a);
	KT_EQ(a->vm_end, 0x15000);
	KT_EQ(b->vm_start, 0x15000);
	KT_ASSERT(find_vma(mm, 0x15000) == b && find_vma(mm, 0x14fff) == a);
	v = a;
	KT_EQ(vma_modify_flags(mm, &v, 0x13000, 0x15000, b->vm_flags), 0);
	KT_ASSERT(v == b);
	KT_EQ(b->vm_start, 0x13000);
	KT_EQ(mm->map_count, 2);
	KT_ASSERT(vma_check(mm));
	mm_destroy(mm);
}

/* The area cache: a freed area is the next one handed out in the same
 * address space, and mm_destroy gives the cached ones back to kmalloc (the
 * frame count comes back to where it was). */
KTEST(vma_area_cache_reuses_and_drains)
{
	uint64_t free = frame_free_count();
	struct mm *mm = mm_create();
	struct vma *v = add(mm, 0x10000, 0x20000, VM_READ);
	KT_EQ(vma_modify_flags(mm, &v, 0x14000, 0x15000, VM_READ | VM_WRITE), 0);
	KT_EQ(mm->map_count, 3);
	struct vma *hi = v->next;
	KT_EQ(vma_modify_flags(mm, &v, 0x14000, 0x15000, VM_READ | VM_MAYWRITE), 0);
	vma_merge_range(mm, 0x14000, 0x15000);
	KT_EQ(mm->map_count, 1);
	KT_EQ(mm->nr_vma_spare, 2);
	KT_ASSERT(vma_alloc(mm, 0x30000, 0x31000, VM_READ, VMA_ANON) == hi);   /* freed last, first out */
	KT_EQ(mm->nr_vma_spare, 1);
	vma_insert(mm, hi);
	KT_ASSERT(vma_check(mm));
	mm_destroy(mm);
	KT_EQ(frame_free_count(), free);
}

/* With more than VMA_INDEX_MIN areas find_vma uses the tree, built from the
 * list; when the count falls below half of that the tree is dropped again;
 * lookups and the gap search agree with the list in both states. */
KTEST(vma_index_built_and_dropped)
{
	struct mm *mm = mm_create();
	enum { N = VMA_INDEX_MIN + 8 };
	for (uintptr_t i = 0; i < N; i++)   /* every other page: no two areas touch */
		add(mm, 0x100000 + 2 * i * PAGE_SIZE, 0x101000 + 2 * i * PAGE_SIZE, VM_READ);
	KT_ASSERT(mm->vmas_indexed);
	KT_ASSERT(vma_check(mm));
	KT_EQ(find_vma(mm, 0x101000)->vm_start, 0x102000);   /* in a hole: the next area */
	KT_EQ(vma_last(mm)->vm_start, 0x100000 + 2 * (N - 1) * PAGE_SIZE);
	KT_EQ(vma_unmap_range(mm, 0x100000, 0x100000 + 2 * (N - 4) * PAGE_SIZE), 0);
	KT_EQ(mm->map_count, 4);
	KT_ASSERT(!mm->vmas_indexed);
	KT_ASSERT(vma_check(mm));
	KT_EQ(find_vma(mm, 0x10000)->vm_start, 0x100000 + 2 * (N - 4) * PAGE_SIZE);
	KT_EQ(vma_last(mm)->vm_start, 0x100000 + 2 * (N - 1) * PAGE_SIZE);
	mm_destroy(mm);
}
