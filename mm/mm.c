/*
 * struct mm: one process's private address space (CS:APP 9.2, 9.4): a page
 * table root plus the areas that say what may be mapped.
 *
 * mm_dup is fork's half of copy-on-write (CS:APP 9.8.2): page tables are
 * copied (pt_copy_range, each entry decided by share_page in mm/cow.h),
 * frames are not. Each private writable page becomes read-only in both
 * spaces with its frame's refcount raised; the first write in either space
 * faults and mm/fault.c copies (or, once unshared, reuses) the frame.
 * Shared areas are not copied: the child faults their pages in. madvise's marks: an area
 * with VM_DONTCOPY is not copied at all, one with VM_WIPEONFORK is copied
 * without its pages (the child reads zeros); mlock's VM_LOCKED is dropped.
 * A page on swap is shared the same way: the child's PTE gets the same swap
 * entry and the slot one more reference (mm/swapfile.c).
 */
#include "mm.h"
#include "filemap.h"
#include "frame.h"
#include "kheap.h"
#include "pagetable.h"
#include "rmap.h"
#include "tlbflush.h"
#include "../kernel/errno.h"
#include "../kernel/string.h"
#include "../kernel/x86.h"

struct vm_counters vm_global;

struct mm *mm_create(void)
{
	struct mm *mm = kzalloc(sizeof(*mm));
	if (!mm)
		return NULL;
	mm->pgd = pt_create_root();
	if (!mm->pgd) {
		kfree(mm);
		return NULL;
	}
	mm->users = 1;
	mm->mmap_base = MMAP_BASE;
	mm->anon_id = anon_family_new();
	tlb_mm_init(mm);
	return mm;
}

struct mm *mm_get(struct mm *mm)
{
	__atomic_add_fetch(&mm->users, 1, __ATOMIC_ACQ_REL);
	return mm;
}

/* The last user gone: mm_destroy makes every CPU that has the tables loaded
 * (this one, or an idle one keeping them lazily) leave them first. */
void mm_put(struct mm *mm)
{
	if (!mm || __atomic_sub_fetch(&mm->users, 1, __ATOMIC_ACQ_REL))
		return;
	mm_destroy(mm);
}

static struct vma *vma_clone(const struct vma *v)
{
	struct vma *c = kmalloc(sizeof(*c));
	if (!c)
		return NULL;
	*c = *v;
	if (c->shm)
		c->shm->refcount++;
	if (c->vm_file)
		get_file(c->vm_file);
	return c;
}

struct mm *mm_dup(struct mm *parent)
{
	struct mm *child = mm_create();
	if (!child)
		return NULL;
	child->start_brk = parent->start_brk;
	child->brk = parent->brk;
	child->start_stack = parent->start_stack;
	child->mmap_base = parent->mmap_base;
	child->anon_id = parent->anon_id;   /* COW-shared pages are found in both (rmap.c) */
	child->exe_file = parent->exe_file ? get_file(parent->exe_file) : NULL;
	int err = 0;
	for (struct vma *v = parent->vma_list; v && !err; v = v->next) {
		if (v->vm_flags & VM_DONTCOPY)
			continue;   /* MADV_DONTFORK: the child has a hole here */
		struct vma *copy = vma_clone(v);
		if (!copy) {
			err = -ENOMEM;
			break;
		}
		copy->vm_flags &= ~VM_LOCKED_MASK;   /* locks are not inherited */
		vma_insert(child, copy);
		if (v->vm_flags & VM_WIPEONFORK)
			continue;   /* the child's copy starts empty: demand-zero */
		if (!(v->vm_flags & VM_SHARED))   /* as Linux: the child faults shared pages in */
			err = pt_copy_range(parent->pgd, child->pgd, v->vm_start, v->vm_end);
	}
	flush_tlb_mm(parent->pgd);   /* the parent's entries lost W: once for all of them */
	if (err) {
		mm_destroy(child);
		return NULL;
	}
	vma_merge_range(child, 0, USER_TOP);   /* areas that differed only in VM_LOCKED */
	return child;
}

void mm_destroy(struct mm *mm)
{
	vma_unmap_range(mm, 0, USER_TOP);   /* splits nothing: cannot fail */
	vma_cache_drain(mm);
	fput(mm->exe_file);
	tlb_mm_gone(mm);   /* no CPU keeps the tables loaded (lazily) once they are freed */
	pt_destroy(mm->pgd);
	kfree(mm);
}

static void count_leaf(uintptr_t va, pte_t *slot, int level, void *arg)
{
	(void)va, (void)slot, (void)level;
	(*(uint64_t *)arg)++;
}

/* A leaf maps level_size(level) / 4 KiB pages (512 for a 2 MiB page). */
static void count_leaf_pages(uintptr_t va, pte_t *slot, int level, void *arg)
{
	(void)va, (void)slot;
	*(uint64_t *)arg += level_size(level) >> PAGE_SHIFT;
}

uint64_t mm_resident_pages(struct mm *mm, uintptr_t start, uintptr_t end)
{
	uint64_t n = 0;
	struct pt_visitor v = { count_leaf_pages, NULL, &n, NULL };
	pt_traverse(mm->pgd, start, end, &v);
	return n;
}

/* Page-table pages below the root (Linux's VmPTE, in pages). */
uint64_t mm_table_pages(struct mm *mm)
{
	uint64_t n = 0;
	struct pt_visitor v = { NULL, count_leaf, &n, NULL };
	pt_traverse(mm->pgd, 0, USER_TOP, &v);
	return n;
}
