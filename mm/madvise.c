/*
 * madvise(2): advice about a range, as Linux 6.x takes it (mm/madvise.c).
 *
 *   checks          advice known, start aligned, length not wrapping (EINVAL);
 *                   len 0 -> 0; then area by area, a hole -> ENOMEM after
 *                   the areas around it were advised; an area that refuses
 *                   the advice -> its error, the areas before it advised
 *   flags           NORMAL/RANDOM/SEQUENTIAL, DONTFORK/DOFORK, MERGEABLE/
 *                   UNMERGEABLE, HUGEPAGE/NOHUGEPAGE, DONTDUMP/DODUMP,
 *                   WIPEONFORK/KEEPONFORK set or clear a VM_ flag on exactly
 *                   the range (splitting areas, merging them again)
 *   DONTNEED        drop the pages: private memory reads zero (or the file)
 *                   again, a shared object keeps its data; EINVAL on a
 *                   locked area (DONTNEED_LOCKED is allowed there)
 *   FREE            private anonymous only (else EINVAL). Linux may keep the
 *                   pages until memory is short, and a write cancels the
 *                   free; the contents after FREE are either, so Pagoda
 *                   drops them at once, as DONTNEED
 *   REMOVE          shared memory only: its pages are freed (EACCES for a
 *                   private file area, EINVAL for private anonymous memory)
 *   WILLNEED, COLD, PAGEOUT   hints with nothing to do without swap or
 *                   readahead (COLD/PAGEOUT: EINVAL on a locked area)
 *   POPULATE_READ/WRITE       fault every page in, as a read or a write
 *
 * What the flags do: VM_DONTCOPY and VM_WIPEONFORK are read by mm_dup
 * (fork); the rest are only recorded (no swap, readahead, THP, KSM or core
 * dumps in Pagoda), which keeps the areas split exactly as Linux does.
 */
#include "shmem.h"
#include "frame.h"
#include "layout.h"
#include "mlock.h"
#include "mm.h"
#include "populate.h"
#include "../kernel/errno.h"
#include "../kernel/linux_abi.h"
#include "../kernel/syscalls.h"

static bool advice_valid(int advice)
{
	return (advice >= MADV_NORMAL && advice <= MADV_DONTNEED) || (advice >= MADV_FREE && advice <= MADV_DONTNEED_LOCKED);
}

/* The flag an advice sets or clears; false if it is not a flag advice. */
static bool advice_flags(int advice, uint64_t *set, uint64_t *clear)
{
	static const struct { int advice; uint64_t set, clear; } table[] = {
		{ MADV_NORMAL, 0, VM_SEQ_READ | VM_RAND_READ },
		{ MADV_RANDOM, VM_RAND_READ, VM_SEQ_READ },
		{ MADV_SEQUENTIAL, VM_SEQ_READ, VM_RAND_READ },
		{ MADV_DONTFORK, VM_DONTCOPY, 0 },
		{ MADV_DOFORK, 0, VM_DONTCOPY },
		{ MADV_MERGEABLE, VM_MERGEABLE, 0 },
		{ MADV_UNMERGEABLE, 0, VM_MERGEABLE },
		{ MADV_HUGEPAGE, VM_HUGEPAGE, VM_NOHUGEPAGE },
		{ MADV_NOHUGEPAGE, VM_NOHUGEPAGE, VM_HUGEPAGE },
		{ MADV_DONTDUMP, VM_DONTDUMP, 0 },
		{ MADV_DODUMP, 0, VM_DONTDUMP },
		{ MADV_WIPEONFORK, VM_WIPEONFORK, 0 },
		{ MADV_KEEPONFORK, 0, VM_WIPEONFORK },
	};
	for (size_t i = 0; i < ARRAY_SIZE(table); i++)
		if (table[i].advice == advice) {
			*set = table[i].set;
			*clear = table[i].clear;
			return true;
		}
	return false;
}

static bool private_anonymous(const struct vma *v)
{
	return v->kind != VMA_FILE && !(v->vm_flags & VM_SHARED);
}

static long advise_flags(struct mm *mm, struct vma *v, uintptr_t start, uintptr_t end, int advice)
{
	uint64_t set = 0, clear = 0;
	advice_flags(advice, &set, &clear);
	if (advice == MADV_WIPEONFORK && !private_anonymous(v))
		return -EINVAL;   /* only anonymous private memory can be wiped */
	uint64_t newflags = (v->vm_flags & ~clear) | set;
	return newflags == v->vm_flags ? 0 : vma_modify_flags(mm, &v, start, end, newflags);
}

/* MADV_REMOVE: free the backing store of shared memory (Linux punches a
 * hole in the shmem file). A private file area: EACCES; private anonymous
 * memory has no backing to remove: EINVAL. Pagoda has no reverse map, so
 * only this process's entries go: another sharer keeps its mapped pages. */
static long remove_pages(struct mm *mm, struct vma *v, uintptr_t start, uintptr_t end)
{
	if (v->vm_flags & VM_LOCKED)
		return -EINVAL;
	if (!v->shm)
		return v->kind == VMA_FILE ? -EACCES : -EINVAL;
	vma_zap_range(mm, start, end);
	for (uintptr_t va = start; va < end; va += PAGE_SIZE) {
		paddr_t *slot = shm_slot(v, va);
		if (slot)
			shm_release_slot(slot);   /* a frame or a swap slot */
	}
	return 0;
}

static long populate(struct mm *mm, struct vma *v, uintptr_t start, uintptr_t end, bool write)
{
	if (!(v->vm_flags & (write ? VM_WRITE : VM_READ)))
		return -EINVAL;   /* incompatible permissions */
	long err = mm_populate_range(mm, v, start, end, write);
	return err == -ENOMEM ? -ENOMEM : err ? -EFAULT : 0;
}

/* One area's part [start, end) of the range. */
static long advise_vma(struct mm *mm, struct vma *v, uintptr_t start, uintptr_t end, int advice)
{
	uint64_t set, clear;
	if (advice_flags(advice, &set, &clear))
		return advise_flags(mm, v, start, end, advice);
	switch (advice) {
	case MADV_DONTNEED:
	case MADV_DONTNEED_LOCKED:
	case MADV_FREE:
		if ((v->vm_flags & VM_LOCKED) && advice != MADV_DONTNEED_LOCKED)
			return -EINVAL;
		if (advice == MADV_FREE && !private_anonymous(v))
			return -EINVAL;
		vma_zap_range(mm, start, end);
		return 0;
	case MADV_REMOVE:
		return remove_pages(mm, v, start, end);
	case MADV_COLD:
	case MADV_PAGEOUT:
		return v->vm_flags & VM_LOCKED ? -EINVAL : 0;
	case MADV_POPULATE_READ:
	case MADV_POPULATE_WRITE:
		return populate(mm, v, start, end, advice == MADV_POPULATE_WRITE);
	default:   /* MADV_WILLNEED */
		return 0;
	}
}

long sys_madvise(uintptr_t start, size_t len, int advice)
{
	struct mm *mm = current_mm();
	if (!advice_valid(advice) || !page_aligned(start))
		return -EINVAL;
	size_t rounded = page_round_up(len);
	if ((len && !rounded) || start + rounded < start)
		return -EINVAL;
	uintptr_t end = start + rounded;
	long err = 0;
	for (uintptr_t at = start; at < end;) {
		struct vma *v = find_vma(mm, at);
		if (!v || v->vm_start >= end) {
			err = -ENOMEM;
			break;
		}
		if (v->vm_start > at)
			err = -ENOMEM;   /* a hole before this area */
		uintptr_t lo = v->vm_start > at ? v->vm_start : at, hi = v->vm_end < end ? v->vm_end : end;
		long e = advise_vma(mm, v, lo, hi, advice);
		if (e) {
			err = e;
			break;
		}
		at = hi;
	}
	vma_merge_range(mm, start, end);
	return err;
}
