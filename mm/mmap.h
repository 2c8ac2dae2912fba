#ifndef PAGODA_MMAP_H
#define PAGODA_MMAP_H
#include "mm.h"
long do_mmap(uintptr_t addr, size_t len, unsigned long prot, unsigned long flags, int fd, uint64_t off);
long do_munmap(uintptr_t start, size_t len);
long do_mprotect(uintptr_t start, size_t len, unsigned long prot);
uint64_t prot_to_vm_flags(unsigned long prot);
/* Where a mapping of len bytes goes: addr itself with MAP_FIXED, the hint
 * if that range is free, else the highest free gap; or -ENOMEM / -EINVAL. */
long get_unmapped_area(struct mm *mm, uintptr_t addr, size_t len, unsigned long flags);
/* The overcommit heuristic (mode 0): may len more bytes be committed? */
bool enough_memory(size_t len);
/* Pages of mm charged against RAM (its VM_ACCOUNT areas): Committed_AS. */
uint64_t mm_committed_pages(struct mm *mm);
#endif
