/*
 * mlock(2), mlock2, munlock, mlockall, munlockall: areas whose pages are
 * kept in memory. An area is locked when its vm_flags hold VM_LOCKED
 * (pages faulted in when it is locked: "populated") or VM_LOCKED |
 * VM_LOCKONFAULT (mlock2 MLOCK_ONFAULT: each page stays once touched).
 *
 *   mm->def_flags    VM_LOCKED (| VM_LOCKONFAULT) after mlockall(MCL_FUTURE):
 *                    every new area (mmap) starts locked
 *   locked size      the sum of the VM_LOCKED areas (mm_locked_pages):
 *                    computed, never cached, so it cannot drift
 *
 * Pagoda has no swap yet, so "kept in memory" is only the populating and
 * the accounting; once reclaim exists it must skip VM_LOCKED areas.
 *
 * Limits, as Linux's mm/mlock.c: RLIMIT_MEMLOCK bounds the locked size
 * (ENOMEM; EPERM when the limit is 0); pages locked already are not
 * counted twice. Pagoda's processes are uid 0 but hold no CAP_IPC_LOCK: the
 * limit applies as it does to an ordinary Linux user.
 *
 * Errors, in Linux's order: a range whose start is in no area -> ENOMEM
 * with nothing changed; a hole later -> ENOMEM, the areas before it
 * changed; populating a PROT_NONE area -> ENOMEM, an out-of-memory -> EAGAIN
 * (the area stays locked). fork's child inherits no lock and no def_flags.
 */
#include "mlock.h"
#include "layout.h"
#include "populate.h"
#include "../kernel/errno.h"
#include "../kernel/linux_abi.h"
#include "../kernel/syscalls.h"

static uint64_t memlock_limit_pages(void)
{
	return current_rlimit(RLIMIT_MEMLOCK) >> PAGE_SHIFT;
}

static uint64_t locked_pages_in(struct mm *mm, uintptr_t start, uintptr_t end)
{
	uint64_t n = 0;
	for (struct vma *v = find_vma(mm, start); v && v->vm_start < end; v = v->next)
		if (v->vm_flags & VM_LOCKED)
			n += ((v->vm_end < end ? v->vm_end : end) - (v->vm_start > start ? v->vm_start : start)) >> PAGE_SHIFT;
	return n;
}

uint64_t mm_locked_pages(struct mm *mm)
{
	return locked_pages_in(mm, 0, USER_TOP);
}

bool mlock_may_grow(struct mm *mm, uint64_t vm_flags, size_t bytes)
{
	return !(vm_flags & VM_LOCKED) || mm_locked_pages(mm) + (bytes >> PAGE_SHIFT) <= memlock_limit_pages();
}

/* ---- populating: every page faulted in as the program's access would ---- */

long mlock_populate(struct mm *mm, struct vma *v, uintptr_t start, uintptr_t end)
{
	if ((v->vm_flags & VM_LOCKED_MASK) != VM_LOCKED)
		return 0;
	if (!(v->vm_flags & VM_PROT_MASK))
		return -EFAULT;
	return mm_populate_range(mm, v, start, end, (v->vm_flags & (VM_WRITE | VM_SHARED)) == VM_WRITE);   /* breaks COW */
}

/* Linux's __mm_populate over [start, end): every locked area in it. */
static long populate_range(struct mm *mm, uintptr_t start, uintptr_t end, bool ignore_errors)
{
	for (struct vma *v = find_vma(mm, start); v && v->vm_start < end; v = v->next) {
		long err = mlock_populate(mm, v, v->vm_start > start ? v->vm_start : start, v->vm_end < end ? v->vm_end : end);
		if (err && !ignore_errors)
			return err == -EFAULT ? -ENOMEM : -EAGAIN;   /* __mlock_posix_error_return */
	}
	return 0;
}

/* ---- changing the flags of a range ---- */

static long lock_fixup(struct mm *mm, struct vma *v, uintptr_t start, uintptr_t end, uint64_t flags)
{
	uint64_t newflags = (v->vm_flags & ~VM_LOCKED_MASK) | flags;
	if (newflags == v->vm_flags)
		return 0;
	return vma_modify_flags(mm, &v, start, end, newflags);
}

/* Linux's apply_vma_lock_flags: start's area must exist; a hole ends the
 * walk with ENOMEM after the areas before it changed. */
static long apply_lock_flags(struct mm *mm, uintptr_t start, size_t len, uint64_t flags)
{
	uintptr_t end = start + len, at = start;
	if (end < start)
		return -EINVAL;
	if (end == start)
		return 0;
	struct vma *v = vma_lookup(mm, start);
	if (!v)
		return -ENOMEM;
	long err = 0;
	for (; at < end && v && !err; v = find_vma(mm, at)) {
		if (v->vm_start > at)
			break;   /* a hole */
		uintptr_t stop = v->vm_end < end ? v->vm_end : end;
		err = lock_fixup(mm, v, at, stop, flags);
		at = stop;
	}
	vma_merge_range(mm, start, end);
	return err ? err : at < end ? -ENOMEM : 0;
}

void mlock_clear_range(struct mm *mm, uintptr_t start, uintptr_t end)
{
	for (struct vma *v = find_vma(mm, start); v && v->vm_start < end; v = v->next)
		v->vm_flags &= ~VM_LOCKED_MASK;
	vma_merge_range(mm, start, end);
}

/* ---- the calls ---- */

static long do_mlock(uintptr_t start, size_t len, uint64_t flags)
{
	struct mm *mm = current_mm();
	uint64_t limit = memlock_limit_pages();
	if (!limit)
		return -EPERM;   /* can_do_mlock */
	len = page_round_up(len + (start & (PAGE_SIZE - 1)));
	start = page_round_down(start);
	uint64_t locked = (len >> PAGE_SHIFT) + mm_locked_pages(mm);
	if (locked > limit)
		locked -= locked_pages_in(mm, start, start + len);   /* locked already: not counted twice */
	if (locked > limit)
		return -ENOMEM;
	long err = apply_lock_flags(mm, start, len, flags);
	return err ? err : populate_range(mm, start, start + len, false);
}

long sys_mlock(uintptr_t start, size_t len)
{
	return do_mlock(start, len, VM_LOCKED);
}

long sys_mlock2(uintptr_t start, size_t len, int flags)
{
	if (flags & ~MLOCK_ONFAULT)
		return -EINVAL;
	return do_mlock(start, len, VM_LOCKED | (flags & MLOCK_ONFAULT ? VM_LOCKONFAULT : 0));
}

long sys_munlock(uintptr_t start, size_t len)
{
	len = page_round_up(len + (start & (PAGE_SIZE - 1)));
	return apply_lock_flags(current_mm(), page_round_down(start), len, 0);
}

static uint64_t total_pages(struct mm *mm)
{
	uint64_t n = 0;
	for (struct vma *v = mm->vma_list; v; v = v->next)
		n += (v->vm_end - v->vm_start) >> PAGE_SHIFT;
	return n;
}

/* Linux's apply_mlockall_flags: def_flags for future areas, and every
 * present area with MCL_CURRENT (a failed split is ignored, as Linux). */
static void apply_mlockall_flags(struct mm *mm, int flags)
{
	uint64_t onfault = flags & MCL_ONFAULT ? VM_LOCKONFAULT : 0;
	mm->def_flags = flags & MCL_FUTURE ? VM_LOCKED | onfault : 0;
	if (!(flags & MCL_CURRENT))
		return;
	for (struct vma *v = mm->vma_list; v; v = v->next)
		lock_fixup(mm, v, v->vm_start, v->vm_end, flags ? VM_LOCKED | onfault : 0);
	vma_merge_range(mm, 0, USER_TOP);
}

long sys_mlockall(int flags)
{
	struct mm *mm = current_mm();
	if (!flags || (flags & ~(MCL_CURRENT | MCL_FUTURE | MCL_ONFAULT)) || flags == MCL_ONFAULT)
		return -EINVAL;
	if (!memlock_limit_pages())
		return -EPERM;
	if ((flags & MCL_CURRENT) && total_pages(mm) > memlock_limit_pages())
		return -ENOMEM;
	apply_mlockall_flags(mm, flags);
	if (flags & MCL_CURRENT)
		populate_range(mm, 0, USER_TOP, true);
	return 0;
}

long sys_munlockall(void)
{
	struct mm *mm = current_mm();
	mm->def_flags = 0;
	for (struct vma *v = mm->vma_list; v; v = v->next)
		v->vm_flags &= ~VM_LOCKED_MASK;
	vma_merge_range(mm, 0, USER_TOP);
	return 0;
}
