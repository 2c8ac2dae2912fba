#ifndef PAGODA_POPULATE_H
#define PAGODA_POPULATE_H
#include "mm.h"

/* Fault in every page of [start, end) (inside area v of mm, the current
 * process's) as a read or a write by the program would. 0, -ENOMEM when no
 * frame was left, -EFAULT when the access is not allowed (the fault handler
 * refused it). Pages resolved before a failure stay. */
long mm_populate_range(struct mm *mm, const struct vma *v, uintptr_t start, uintptr_t end, bool write);

#endif
