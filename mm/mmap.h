#ifndef PAGODA_MMAP_H
#define PAGODA_MMAP_H
#include "mm.h"
long do_mmap(uintptr_t addr, size_t len, unsigned long prot, unsigned long flags, int fd, uint64_t off);
long do_munmap(uintptr_t start, size_t len);
long do_mprotect(uintptr_t start, size_t len, unsigned long prot);
uint64_t prot_to_vm_flags(unsigned long prot);
#endif
