/*
 * mremap(2): resize an area, or move it elsewhere, by moving its
 * page-table entries (pt_move_range); a page is never copied.
 *
 *   shrink            the tail [addr + new_len, addr + old_len) is unmapped
 *   grow in place     when the range ends where its area ends and the space
 *                     after it is free: the area just gets longer
 *   MREMAP_MAYMOVE    otherwise a new place (get_unmapped_area): a copy of
 *                     the area there, the entries moved, the old range unmapped
 *   MREMAP_FIXED      the new place is new_addr; what was there is unmapped
 *   MREMAP_DONTUNMAP  a move that leaves the old range mapped but empty
 *                     (private memory reads zero there again)
 *   old_len 0         (shared areas only) a second mapping of the same pages
 *
 * Linux's checks, in its order (mm/mremap.c, check_mremap_params and
 * check_prep_vma): unknown flags, addr unaligned, new_len 0 or beyond the
 * top of user space -> EINVAL; for FIXED/DONTUNMAP: new_addr out of range or
 * unaligned, no MAYMOVE, DONTUNMAP with a resize, the ranges overlap ->
 * EINVAL; too near the area limit -> ENOMEM; no area at addr -> EFAULT;
 * old_len 0 on a private area -> EINVAL; the range leaves its area ->
 * EFAULT; growth past RLIMIT_MEMLOCK of a locked area -> EAGAIN; no room
 * without MAYMOVE, or the overcommit heuristic refuses -> ENOMEM.
 *
 * Invariant kept: pages exist only inside areas; every moved entry lands
 * inside the new area, at the same offset from the start of the move.
 */
#include "mmap.h"
#include "rmap.h"
#include "mlock.h"
#include "layout.h"
#include "pagetable.h"
#include "../kernel/errno.h"
#include "../kernel/linux_abi.h"
#include "../kernel/param.h"
#include "../kernel/syscalls.h"

struct mremap_req {
	struct mm *mm;
	struct vma *vma;               /* the area holding addr */
	uintptr_t addr, new_addr;
	size_t old_len, new_len;
	unsigned long flags;
};

static bool implies_new_addr(const struct mremap_req *r)
{
	return r->flags & (MREMAP_FIXED | MREMAP_DONTUNMAP);
}

static long check_params(struct mremap_req *r)
{
	if (r->flags & ~(unsigned long)(MREMAP_MAYMOVE | MREMAP_FIXED | MREMAP_DONTUNMAP) || !page_aligned(r->addr))
		return -EINVAL;
	bool resize = r->old_len != r->new_len;   /* as given, before rounding */
	r->old_len = page_round_up(r->old_len);
	r->new_len = page_round_up(r->new_len);
	if (!r->new_len || r->new_len > USER_TOP)
		return -EINVAL;
	if (!implies_new_addr(r))
		return 0;
	if (r->new_addr > USER_TOP - r->new_len || !page_aligned(r->new_addr) || !(r->flags & MREMAP_MAYMOVE))
		return -EINVAL;
	if ((r->flags & MREMAP_DONTUNMAP) && resize)
		return -EINVAL;
	if (r->addr + r->old_len > r->new_addr && r->new_addr + r->new_len > r->addr)
		return -EINVAL;   /* the two ranges overlap */
	if (r->mm->map_count + 2 >= MAX_MAP_COUNT - 3)
		return -ENOMEM;   /* two munmaps may each split an area before the move */
	return 0;
}

/* The checks on the area, for a growth or a move. */
static long check_vma(struct mremap_req *r)
{
	struct vma *v = r->vma;
	if (!r->old_len && !(v->vm_flags & VM_SHARED))
		return -EINVAL;   /* "duplicating" private memory would make unrelated memory */
	if (r->old_len > v->vm_end - r->addr)
		return -EFAULT;   /* the range leaves its area */
	if (r->new_len > r->old_len && !mlock_may_grow(r->mm, v->vm_flags, r->new_len - r->old_len))
		return -EAGAIN;
	return 0;
}

/* The overcommit charge of a charged (VM_ACCOUNT) area: the growth, or the
 * whole new length when the old range stays mapped. */
static bool charge_ok(const struct mremap_req *r)
{
	if (!(r->vma->vm_flags & VM_ACCOUNT))
		return true;
	if (r->flags & MREMAP_DONTUNMAP)
		return enough_memory(r->new_len);
	return r->new_len <= r->old_len || enough_memory(r->new_len - r->old_len);
}

static long shrink(struct mremap_req *r)
{
	long err = vma_unmap_range(r->mm, r->addr + r->new_len, r->addr + r->old_len);
	if (err)
		return err;
	r->old_len = r->new_len;
	return 0;
}

static bool can_grow_in_place(const struct mremap_req *r)
{
	uintptr_t end = r->vma->vm_end + (r->new_len - r->old_len);
	return r->addr + r->old_len == r->vma->vm_end && end > r->vma->vm_end && end <= USER_TOP &&
	       vma_range_free(r->mm, r->vma->vm_end, end);
}

static long grow_in_place(struct mremap_req *r)
{
	if (!charge_ok(r))
		return -ENOMEM;
	struct vma *v = r->vma;
	uintptr_t old_end = v->vm_end;
	v->vm_end += r->new_len - r->old_len;
	vma_gap_update(r->mm, v->next);
	v = vma_merge(r->mm, v);
	mlock_populate(r->mm, v, old_end, old_end + (r->new_len - r->old_len));
	return (long)r->addr;
}

/* The new area, the entries moved into it, the old range gone (or left
 * empty with DONTUNMAP). */
static long move_vma(struct mremap_req *r)
{
	struct mm *mm = r->mm;
	struct vma *v = r->vma;
	if (mm->map_count >= MAX_MAP_COUNT - 3 || !charge_ok(r))
		return -ENOMEM;
	struct vma *nv = vma_copy(v, r->addr, r->new_addr, r->new_len);
	if (!nv)
		return -ENOMEM;
	vma_insert(mm, nv);
	if (r->old_len && pt_move_range(mm->pgd, r->addr, r->addr + r->old_len, r->new_addr)) {
		vma_unmap_range(mm, nv->vm_start, nv->vm_end);
		return -ENOMEM;
	}
	rmap_move_range(mm, r->addr, r->new_addr, r->old_len);   /* anonymous pages are found at their new place */
	if (r->flags & MREMAP_DONTUNMAP)
		mlock_clear_range(mm, r->addr, r->addr + r->old_len);   /* the old range is no longer locked */
	else if (r->old_len)
		vma_unmap_range(mm, r->addr, r->addr + r->old_len);   /* the count check keeps this from failing */
	nv = vma_merge(mm, nv);
	mlock_populate(mm, nv, r->new_addr + r->old_len, r->new_addr + r->new_len);   /* a locked area's growth */
	return (long)r->new_addr;
}

/* Where the area goes: new_addr with FIXED (cleared first), else a free
 * range (new_addr as a hint for DONTUNMAP). */
static long set_new_addr(struct mremap_req *r)
{
	unsigned long map_flags = (r->flags & MREMAP_FIXED ? MAP_FIXED : 0);
	long where = get_unmapped_area(r->mm, implies_new_addr(r) ? r->new_addr : 0, r->new_len, map_flags);
	if (where < 0)
		return where;
	r->new_addr = (uintptr_t)where;
	return 0;
}

static long mremap_to(struct mremap_req *r)
{
	if (r->flags & MREMAP_FIXED) {
		long err = vma_unmap_range(r->mm, r->new_addr, r->new_addr + r->new_len);
		if (err)
			return err;
	}
	if (r->old_len > r->new_len) {
		long err = shrink(r);
		if (err)
			return err;
	}
	long err = check_vma(r);
	if (!err)
		err = set_new_addr(r);
	return err ? err : move_vma(r);
}

static long do_mremap(struct mremap_req *r)
{
	long err = check_params(r);
	if (err)
		return err;
	if (!(r->vma = vma_lookup(r->mm, r->addr)))
		return -EFAULT;
	if (implies_new_addr(r))
		return mremap_to(r);
	if (r->old_len >= r->new_len) {
		if (r->old_len > r->new_len && (err = shrink(r)))
			return err;
		return (long)r->addr;
	}
	if ((err = check_vma(r)))
		return err;
	if (can_grow_in_place(r))
		return grow_in_place(r);
	if (!(r->flags & MREMAP_MAYMOVE))
		return -ENOMEM;
	err = set_new_addr(r);
	return err ? err : move_vma(r);
}

long sys_mremap(uintptr_t addr, size_t old_len, size_t new_len, unsigned long flags, uintptr_t new_addr)
{
	struct mremap_req r = { current_mm(), NULL, addr, new_addr, old_len, new_len, flags };
	return do_mremap(&r);
}
