#ifndef PAGODA_UACCESS_H
#define PAGODA_UACCESS_H
#include "types.h"

/* The one way the kernel reads or writes user memory. Each checks that the
 * whole range lies in areas of the current process that allow the access
 * (so a bad pointer has no partial effect), then copies; a page that is not
 * present yet (demand zero, COW) is faulted in on the way. Returns 0, or
 * -EFAULT. */
long copy_from_user(void *dst, uintptr_t src, size_t n);
long copy_to_user(uintptr_t dst, const void *src, size_t n);
long clear_user(uintptr_t dst, size_t n);
/* read(2)'s copy: as much of src as lies before the first page of
 * [dst, dst + n) the process may not write (Linux copies until the fault).
 * Returns the bytes copied; fewer than n means the rest faulted. */
size_t copy_to_user_partial(uintptr_t dst, const void *src, size_t n);
/* Copies a NUL-terminated string of at most max-1 chars; returns its length,
 * -EFAULT, or -ENAMETOOLONG if no NUL came within max bytes. */
long strncpy_from_user(char *dst, uintptr_t src, size_t max);
/* Linux's access_ok: [addr, addr + n) lies below the top of user space. True
 * for n == 0 only when addr itself is a user address (read(fd, kernel_ptr, 0)
 * is EFAULT on Linux). The copies above check this and more. */
bool access_ok(uintptr_t addr, size_t n);
/* Around a direct touch of user memory (the copies, the TLB ktests): SMAP's
 * AC flag set and cleared, on a CPU that has SMAP (stac is #UD without). */
void user_access_begin(void);
void user_access_end(void);
/* One atomic compare-and-exchange of an aligned user word (another thread
 * may change it on another CPU meanwhile): *found is what was there, and
 * new was stored if that equals old. 0, or -EFAULT. */
long cmpxchg_user_u32(uintptr_t uaddr, uint32_t old, uint32_t new, uint32_t *found);

#endif
