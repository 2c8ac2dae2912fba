/*
 * Locked memory: mlock(2) and friends (mm/mlock.c), and what the rest of
 * mm/ asks about it.
 */
#ifndef PAGODA_MLOCK_H
#define PAGODA_MLOCK_H
#include "mm.h"

/* Pages in mm's VM_LOCKED areas (Linux's locked_vm; VmLck in KiB x4). */
uint64_t mm_locked_pages(struct mm *mm);
/* May an area with vm_flags take bytes more memory without passing
 * RLIMIT_MEMLOCK (Linux's mlock_future_ok)? Always, when not VM_LOCKED. */
bool mlock_may_grow(struct mm *mm, uint64_t vm_flags, size_t bytes);
/* v is VM_LOCKED (and not on-fault): fault in its pages in [start, end)
 * now. 0, -ENOMEM (no frame) or -EFAULT (PROT_NONE, or the fault failed). */
long mlock_populate(struct mm *mm, struct vma *v, uintptr_t start, uintptr_t end);
/* Unlock every area overlapping [start, end), whole (mremap DONTUNMAP's
 * old range, as Linux clears the old area). */
void mlock_clear_range(struct mm *mm, uintptr_t start, uintptr_t end);

#endif
