/*
 * copy_from_user / copy_to_user / clear_user / strncpy_from_user.
 *
 * Two layers of defence, as on Linux:
 *   1. uaccess_ok: the range is below USER_TOP (so never the kernel half nor
 *      the non-canonical hole) and covered by areas that allow the access,
 *      by the same rule as a page fault (mm/vma.c vma_for_access, which
 *      also grows the stack).
 *      PROT_NONE pages are present but kernel-only (mm/vma.c), which the
 *      hardware would let the kernel touch: this check is what stops it.
 *   2. the copy itself (kernel/uaccess.asm) runs with SMAP's AC flag set and
 *      its faulting instructions in the exception table: a page that is not
 *      present or is COW is resolved by the fault handler, and anything the
 *      handler refuses becomes -EFAULT instead of a kernel panic.
 */
#include "uaccess.h"
#include "errno.h"
#include "proc.h"
#include "x86.h"
#include "../mm/mm.h"
#include "../mm/kmap.h"
#include "../mm/layout.h"

long uaccess_copy(void *dst, const void *src, size_t n);
long uaccess_strncpy(char *dst, const char *src, size_t n);
long uaccess_clear(void *dst, size_t n);
long uaccess_cmpxchg32(uint32_t *uaddr, uint32_t old, uint32_t new);

/* How many bytes from addr (up to n) lie in areas allowing the access. */
static size_t accessible_bytes(uintptr_t addr, size_t n, bool write)
{
	struct mm *mm = current_proc()->mm;
	size_t ok = 0;
	if (!mm || addr >= USER_TOP)
		return 0;
	if (n > USER_TOP - addr)
		n = USER_TOP - addr;
	while (ok < n) {
		struct vma *v;
		if (vma_for_access(mm, addr + ok, write, false, &v))
			break;
		ok = v->vm_end - addr;
	}
	return ok < n ? ok : n;
}

bool access_ok(uintptr_t addr, size_t n)
{
	return addr <= USER_TOP && n <= USER_TOP - addr;
}

static bool uaccess_ok(uintptr_t addr, size_t n, bool write)
{
	if (n == 0)
		return true;
	return access_ok(addr, n) && accessible_bytes(addr, n, write) == n;
}

void user_access_begin(void)
{
	if (cpu_has_smap)
		stac();
}

void user_access_end(void)
{
	if (cpu_has_smap)
		clac();
}

long copy_from_user(void *dst, uintptr_t src, size_t n)
{
	if (!uaccess_ok(src, n, false))
		return -EFAULT;
	user_access_begin();
	long r = uaccess_copy(dst, (const void *)src, n);
	user_access_end();
	return r;
}

long copy_to_user(uintptr_t dst, const void *src, size_t n)
{
	if (!uaccess_ok(dst, n, true))
		return -EFAULT;
	user_access_begin();
	long r = uaccess_copy((void *)dst, src, n);
	user_access_end();
	return r;
}

size_t copy_to_user_partial(uintptr_t dst, const void *src, size_t n)
{
	size_t done = 0;
	while (done < n) {
		size_t k = PAGE_SIZE - ((dst + done) & (PAGE_SIZE - 1));
		if (k > n - done)
			k = n - done;
		if (copy_to_user(dst + done, (const char *)src + done, k))
			break;
		done += k;
	}
	return done;
}

long clear_user(uintptr_t dst, size_t n)
{
	if (!uaccess_ok(dst, n, true))
		return -EFAULT;
	user_access_begin();
	long r = uaccess_clear((void *)dst, n);
	user_access_end();
	return r;
}

long strncpy_from_user(char *dst, uintptr_t src, size_t max)
{
	size_t limit = accessible_bytes(src, max, false);
	if (limit == 0)
		return -EFAULT;
	user_access_begin();
	long len = uaccess_strncpy(dst, (const char *)src, limit);
	user_access_end();
	if (len < 0)
		return len;
	if ((size_t)len < limit)
		return len;   /* found the NUL */
	return limit < max ? -EFAULT : -ENAMETOOLONG;
}

long cmpxchg_user_u32(uintptr_t uaddr, uint32_t old, uint32_t new, uint32_t *found)
{
	if ((uaddr & 3) || !uaccess_ok(uaddr, sizeof(uint32_t), true))
		return -EFAULT;
	user_access_begin();
	long r = uaccess_cmpxchg32((uint32_t *)uaddr, old, new);
	user_access_end();
	if (r < 0)
		return r;
	*found = (uint32_t)r;
	return 0;
}
