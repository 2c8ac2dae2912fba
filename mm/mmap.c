/*
 * mmap, munmap, mprotect (CS:APP 9.8.4), with Linux's checks in Linux's
 * order, so every error matches what the same call gets on Linux:
 *
 *   mmap:     offset not page aligned -> EINVAL; (file: bad fd -> EBADF)
 *             len 0 -> EINVAL; len rounds past the top -> ENOMEM
 *             get_unmapped_area: len > TASK_SIZE -> ENOMEM; MAP_FIXED and
 *               unaligned -> EINVAL; MAP_FIXED beyond the top -> ENOMEM;
 *               MAP_FIXED_NOREPLACE over an area -> EEXIST; no room -> ENOMEM
 *             MAP_TYPE neither SHARED nor PRIVATE -> EINVAL
 *             overcommit: more than all of RAM, writable private -> ENOMEM
 *   munmap:   unaligned, out of range, or len 0 -> EINVAL; holes are fine
 *   mprotect: unaligned -> EINVAL; len 0 -> 0; wraps -> ENOMEM; bad prot
 *             bits -> EINVAL; a hole anywhere -> ENOMEM (areas before the
 *             hole keep the new protection, as on Linux)
 */
#include "mmap.h"
#include "huge_page.h"
#include "swapfile.h"
#include "fault.h"
#include "frame.h"
#include "kheap.h"
#include "mlock.h"
#include "pagetable.h"
#include "filemap.h"
#include "populate.h"
#include "shmem.h"
#include "../kernel/errno.h"
#include "../kernel/linux_abi.h"
#include "../kernel/param.h"
#include "../kernel/syscalls.h"

#define TASK_SIZE USER_TOP
#define MMAP_MIN_ADDR 0x10000ul          /* vm.mmap_min_addr */

uint64_t prot_to_vm_flags(unsigned long prot)
{
	return (prot & PROT_READ ? VM_READ : 0) | (prot & PROT_WRITE ? VM_WRITE : 0) | (prot & PROT_EXEC ? VM_EXEC : 0);
}

/* A hint is taken if [addr, addr + len) is free, inside user space and
 * clear of the stack's guard gap. */
static bool range_usable(struct mm *mm, uintptr_t addr, size_t len)
{
	if (addr < MMAP_MIN_ADDR || addr > TASK_SIZE - len)
		return false;
	return addr + len <= vma_start_gap(find_vma(mm, addr));
}

/* The gap between prev and next (NULL: none) as top-down mmap sees it,
 * clamped to [MMAP_MIN_ADDR, mmap_base): the highest address where len
 * bytes fit, or 0. */
static uintptr_t fit_between(struct mm *mm, const struct vma *prev, const struct vma *next, size_t len)
{
	uintptr_t lo = prev && prev->vm_end > MMAP_MIN_ADDR ? prev->vm_end : MMAP_MIN_ADDR;
	uintptr_t hi = vma_start_gap(next) < mm->mmap_base ? vma_start_gap(next) : mm->mmap_base;
	return hi > lo && hi - lo >= len ? hi - len : 0;
}

/* The highest fitting gap below an area of n's subtree: right subtrees
 * (higher addresses) first, and none whose largest gap (max_gap, kept by
 * mm/vma_tree.c) is too small, so the search is O(log n), not a walk. */
static uintptr_t highest_fit(struct mm *mm, struct avl_node *n, size_t len)
{
	if (!n || n->max_gap < len)
		return 0;
	uintptr_t a = highest_fit(mm, n->right, len);
	if (!a) {
		struct vma *v = vma_of_node(n);
		a = fit_between(mm, v->prev, v, len);
	}
	return a ? a : highest_fit(mm, n->left, len);
}

/* The same without the tree (few areas): the gap below each area, from
 * the highest down. */
static uintptr_t highest_fit_below(struct mm *mm, struct vma *v, size_t len)
{
	uintptr_t a = 0;
	for (; v && !a; v = v->prev)
		a = fit_between(mm, v->prev, v, len);
	return a;
}

/* Top-down search (Linux arch_get_unmapped_area_topdown): the highest gap
 * below mmap_base that holds len bytes: above the last area, else below
 * the highest area that has one. */
static uintptr_t search_top_down(struct mm *mm, size_t len)
{
	struct vma *last = vma_last(mm);
	uintptr_t a = fit_between(mm, last, NULL, len);
	if (a)
		return a;
	return mm->vmas_indexed ? highest_fit(mm, mm->vmas.root, len) : highest_fit_below(mm, last, len);
}

/* Linux's thp_get_unmapped_area: room for len + 2 MiB, then the highest
 * 2 MiB boundary in it, so the area's every 2 MiB can be one 2 MiB page
 * (mm/huge_page.c). 0 if no gap is that large (the caller searches
 * without the padding). */
static uintptr_t search_huge_aligned(struct mm *mm, size_t len)
{
	uintptr_t a = search_top_down(mm, len + HPAGE_SIZE);
	return a ? (a + HPAGE_SIZE) & ~(HPAGE_SIZE - 1) : 0;
}

long get_unmapped_area(struct mm *mm, uintptr_t addr, size_t len, unsigned long flags)
{
	if (len > TASK_SIZE)
		return -ENOMEM;
	if (flags & MAP_FIXED) {
		if (addr > TASK_SIZE - len)
			return -ENOMEM;
		if (!page_aligned(addr))
			return -EINVAL;
		return (long)addr;
	}
	if (addr) {
		addr = page_round_down(addr);   /* x86's arch_get_unmapped_area_topdown */
		if (range_usable(mm, addr, len))
			return (long)addr;
	}
	uintptr_t a = thp_align_wanted(len, flags) ? search_huge_aligned(mm, len) : 0;
	if (!a)
		a = search_top_down(mm, len);
	return a ? (long)a : -ENOMEM;
}

/* Linux's heuristic overcommit (OVERCOMMIT_GUESS): refuse a commitment
 * larger than all RAM plus all swap. */
bool enough_memory(size_t len)
{
	struct frame_stats s;
	frame_get_stats(&s);
	return (len >> PAGE_SHIFT) <= s.total + total_swap_pages();
}

uint64_t mm_committed_pages(struct mm *mm)
{
	uint64_t n = 0;
	for (struct vma *v = mm->vma_list; v; v = v->next)
		if (v->vm_flags & VM_ACCOUNT)
			n += (v->vm_end - v->vm_start) >> PAGE_SHIFT;
	return n;
}

static bool accountable(uint64_t vm_flags, unsigned long flags)
{
	if (flags & MAP_NORESERVE)
		return false;
	return (vm_flags & VM_SHARED) || (vm_flags & VM_WRITE);
}

/* The flags Linux's mmap_region adds: VM_NORESERVE for MAP_NORESERVE,
 * VM_ACCOUNT on a private writable area that was charged. */
static uint64_t accounting_flags(uint64_t vm_flags, unsigned long flags)
{
	if (flags & MAP_NORESERVE)
		return VM_NORESERVE;
	return (vm_flags & (VM_SHARED | VM_WRITE)) == VM_WRITE ? VM_ACCOUNT : 0;
}

/* mprotect making a never-charged private area writable charges it now
 * (Linux's mprotect_fixup): refused, before any change, when the heuristic
 * says the pages cannot be had (regression: RO->RW of twice RAM passed). */
static long charge_for_write(struct vma *v, uintptr_t start, uintptr_t end, uint64_t *newflags)
{
	if (!(*newflags & VM_WRITE) || (v->vm_flags & (VM_ACCOUNT | VM_WRITE | VM_SHARED | VM_NORESERVE)))
		return 0;
	if (!enough_memory(end - start))
		return -ENOMEM;
	*newflags |= VM_ACCOUNT;
	return 0;
}

extern const struct file_operations zero_fops;   /* fs/devfs.c: /dev/zero maps as anonymous memory */

/* Linux's file_mmap_ok: the mapped range must end below the largest file
 * offset (MAX_LFS_FILESIZE). */
static bool file_range_ok(uint64_t off, size_t len)
{
	const uint64_t max = INT64_MAX;
	return len <= max && (off >> PAGE_SHIFT) <= (max - len) >> PAGE_SHIFT;
}

/* Linux's checks on the file of a mapping (do_mmap), in its order. */
static long file_mmap_check(struct file *f, uint64_t vm_flags, uint64_t off, size_t len)
{
	if (!file_range_ok(off, len))
		return -EOVERFLOW;
	if ((vm_flags & VM_SHARED) && (vm_flags & VM_WRITE) && !(f->f_mode & FMODE_WRITE))
		return -EACCES;
	if ((vm_flags & VM_SHARED) && (vm_flags & VM_WRITE) && f->f_inode && IS_SWAPFILE(f->f_inode))
		return -ETXTBSY;   /* an active swap area, as Linux */
	if (!(f->f_mode & FMODE_READ))
		return -EACCES;
	if (!f->f_inode || !inode_is_reg(f->f_inode) || f->f_op->read != generic_file_read)
		return -ENODEV;   /* only page-cache files map (not /proc's generated text) */
	if (vm_flags & VM_GROWSDOWN)
		return -EINVAL;   /* a file cannot grow down (regression: grown pages read wrong offsets) */
	return 0;
}

/* Backing for a file mapping: the file's page cache, from byte off. */
static long file_backing(struct vma *v, struct file *f, uint64_t off)
{
	long err = file_mmap_check(f, v->vm_flags, off, v->vm_end - v->vm_start);
	if (err)
		return err;
	v->kind = VMA_FILE;
	v->vm_file = get_file(f);
	v->vm_pgoff = off >> PAGE_SHIFT;   /* sys_mmap refused an unaligned off */
	v->file_end = USER_TOP;
	if ((v->vm_flags & VM_SHARED) && !(f->f_mode & FMODE_WRITE))
		v->vm_flags &= ~VM_MAYWRITE;
	return 0;
}

static long map_type_flags(unsigned long flags, uint64_t *vm_flags)
{
	switch (flags & MAP_TYPE) {
	case MAP_SHARED_VALIDATE:
		if (flags & MAP_ANONYMOUS)
			return -EINVAL;   /* as Linux: validation is for file mappings */
		*vm_flags |= VM_SHARED;
		return 0;
	case MAP_SHARED:
		if (*vm_flags & VM_GROWSDOWN)
			return -EINVAL;
		*vm_flags |= VM_SHARED;
		return 0;
	case MAP_PRIVATE:
		return 0;
	default:
		return -EINVAL;
	}
}

long do_mmap(uintptr_t addr, size_t len, unsigned long prot, unsigned long flags, int fd, uint64_t off)
{
	struct mm *mm = current_mm();
	struct file *file = flags & MAP_ANONYMOUS ? NULL : fget(fd);
	if (!(flags & MAP_ANONYMOUS) && !file)
		return -EBADF;
	if (file && file->f_op == &zero_fops) {   /* /dev/zero: anonymous memory, as Linux */
		flags |= MAP_ANONYMOUS;
		file = NULL;
	}
	if (!len)
		return -EINVAL;
	if (flags & MAP_FIXED_NOREPLACE)
		flags |= MAP_FIXED;
	if (!(flags & MAP_FIXED)) {   /* Linux's round_hint_to_min */
		addr = page_round_down(addr);
		if (addr && addr < MMAP_MIN_ADDR)
			addr = MMAP_MIN_ADDR;
	}
	len = page_round_up(len);
	if (!len)
		return -ENOMEM;
	if (mm->map_count > MAX_MAP_COUNT)
		return -ENOMEM;
	long where = get_unmapped_area(mm, addr, len, flags);
	if (where < 0)
		return where;
	addr = (uintptr_t)where;
	if (addr < MMAP_MIN_ADDR)
		return -EPERM;   /* the low pages (NULL) stay unmapped: mmap_min_addr */
	if ((flags & MAP_FIXED_NOREPLACE) && !vma_range_free(mm, addr, addr + len))
		return -EEXIST;
	uint64_t vm_flags = prot_to_vm_flags(prot) | VM_MAYWRITE | (flags & MAP_GROWSDOWN ? VM_GROWSDOWN : 0) | mm->def_flags |
			    (flags & MAP_LOCKED ? VM_LOCKED : 0);
	if ((flags & MAP_LOCKED) && !current_rlimit(RLIMIT_MEMLOCK))
		return -EPERM;   /* can_do_mlock */
	if (!mlock_may_grow(mm, vm_flags, len))
		return -EAGAIN;
	long err = map_type_flags(flags, &vm_flags);
	if (err)
		return err;
	vm_flags |= accounting_flags(vm_flags, flags);
	if (accountable(vm_flags, flags) && !enough_memory(len))
		return -ENOMEM;
	struct vma *v = vma_alloc(mm, addr, addr + len, vm_flags, VMA_ANON);
	if (!v)
		return -ENOMEM;
	if (file)
		err = file_backing(v, file, off);
	else if (vm_flags & VM_SHARED)   /* its page array is real memory: no more pages than RAM */
		err = enough_memory(len) && (v->shm = shm_create(len)) ? 0 : -ENOMEM;
	if (!err && (flags & MAP_FIXED))
		err = vma_unmap_range(mm, addr, addr + len);   /* MAP_FIXED replaces what was there */
	if (err) {
		vma_free(v);
		return err;
	}
	vma_insert(mm, v);
	v = vma_merge(mm, v);
	if (flags & MAP_POPULATE)
		mm_populate(mm, addr, addr + len);
	/* LAB lazy: STUB mm_populate(mm, addr, addr + len); */
	if ((vm_flags & VM_LOCKED_MASK) == VM_LOCKED)   /* a locked area is resident (errors ignored, as Linux) */
		mm_populate_range(mm, v, addr, addr + len, (vm_flags & (VM_WRITE | VM_SHARED)) == VM_WRITE);
	return (long)addr;
}

long sys_mmap(uintptr_t addr, size_t len, unsigned long prot, unsigned long flags, int fd, uint64_t off)
{
	if (off & (PAGE_SIZE - 1))
		return -EINVAL;
	return do_mmap(addr, len, prot, flags, fd, off);
}

long do_munmap(uintptr_t start, size_t len)
{
	if (!page_aligned(start) || start > TASK_SIZE || len > TASK_SIZE - start)
		return -EINVAL;
	len = page_round_up(len);
	if (!len)
		return -EINVAL;
	return vma_unmap_range(current_mm(), start, start + len);
}

long sys_munmap(uintptr_t start, size_t len)
{
	return do_munmap(start, len);
}

/* LAB mprotect: BEGIN */
/* The PTE bits an existing page keeps after mprotect: the accessed, dirty
 * and soft-dirty bits stay (Linux's pte_modify). Private writable pages are
 * left read-only: the next write faults, and do_wp_page makes the page
 * writable (reuse) or copies it if it is still COW-shared. */
static uint64_t protect_flags(pte_t old, void *arg)
{
	const struct vma *v = arg;
	uint64_t flags = vma_pte_flags(v) | (old & (PTE_SOFT_DIRTY | PTE_A | PTE_D));
	if (v->vm_file && !(old & PTE_W))
		flags &= ~PTE_W;   /* a shared file page becomes writable at its write fault (dirty) */
	if (!(flags & PTE_SOFT_DIRTY) && !v->soft_dirty)
		flags &= ~PTE_W;   /* a clean shared page: its first write must fault (soft-dirty) */
	return flags;
}

static int mprotect_vma(struct mm *mm, struct vma *v, uintptr_t start, uintptr_t end, uint64_t newflags)
{
	long err = charge_for_write(v, start, end, &newflags);   /* newflags may gain VM_ACCOUNT */
	if (!err)
		err = vma_modify_flags(mm, &v, start, end, (v->vm_flags & ~VM_PROT_MASK) | newflags);
	if (err)
		return err;
	pt_protect_range(mm->pgd, start, end, protect_flags, v);   /* v may reach past the range */
	return 0;
}
/* LAB mprotect: END */
/* LAB mprotect: STUB
static int mprotect_vma(struct mm *mm, struct vma *v, uintptr_t start, uintptr_t end, uint64_t newflags)
{
	// Lab mprotect: give [start, end) of v the protection newflags. Until
	// then mprotect fails wherever it would change something.
	(void)mm, (void)v, (void)start, (void)end, (void)newflags, (void)charge_for_write;
	return -ENOSYS;
}
*/

/* PROT_GROWSDOWN: the change reaches down to the start of the first area in
 * [start, end), which must grow down (the stack, MAP_GROWSDOWN); x86 has
 * no area that grows up, so PROT_GROWSUP is always EINVAL. No area in the
 * range (or, without GROWSDOWN, none at start) is the loop's ENOMEM. */
static long apply_grows(struct mm *mm, uintptr_t *start, uintptr_t end, unsigned long grows)
{
	if (!grows)
		return 0;
	struct vma *v = find_vma(mm, *start);
	if (!v || v->vm_start >= end || (!(grows & PROT_GROWSDOWN) && v->vm_start > *start))
		return 0;
	if (grows & PROT_GROWSUP)
		return -EINVAL;
	if (!(v->vm_flags & VM_GROWSDOWN))
		return -EINVAL;
	*start = v->vm_start;
	return 0;
}

long do_mprotect(uintptr_t start, size_t len, unsigned long prot)
{
	struct mm *mm = current_mm();
	unsigned long grows = prot & (PROT_GROWSDOWN | PROT_GROWSUP);
	prot &= ~grows;
	if (grows == (PROT_GROWSDOWN | PROT_GROWSUP))
		return -EINVAL;
	if (!page_aligned(start))
		return -EINVAL;
	if (!len)
		return 0;
	len = page_round_up(len);
	uintptr_t end = start + len;
	if (end <= start)
		return -ENOMEM;
	if (prot & ~(unsigned long)(PROT_READ | PROT_WRITE | PROT_EXEC | 0x8 /* PROT_SEM */))
		return -EINVAL;
	uint64_t newflags = prot_to_vm_flags(prot);
	long err = apply_grows(mm, &start, end, grows);
	if (err)
		return err;
	for (uintptr_t at = start; at < end && !err;) {
		struct vma *v = find_vma(mm, at);
		if (!v || v->vm_start > at) {
			err = -ENOMEM;   /* a hole: areas before it keep their new protection */
			break;
		}
		if ((newflags & VM_WRITE) && !(v->vm_flags & VM_MAYWRITE)) {
			err = -EACCES;   /* a shared mapping of a file not opened for writing */
			break;
		}
		uintptr_t stop = v->vm_end < end ? v->vm_end : end;
		if ((v->vm_flags & VM_PROT_MASK) != newflags)
			err = mprotect_vma(mm, v, at, stop, newflags);
		at = stop;
	}
	vma_merge_range(mm, start, end);   /* the pieces split off at both ends too */
	return err;
}

long sys_mprotect(uintptr_t start, size_t len, unsigned long prot)
{
	return do_mprotect(start, len, prot);
}
