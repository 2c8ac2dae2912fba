/*
 * mincore(2): which pages of a range are resident, one byte per page (1
 * resident, 0 not), as Linux's mm/mincore.c:
 *
 *   start unaligned -> EINVAL; the range beyond user space -> ENOMEM;
 *   vec not writable for every byte -> EFAULT; a page outside every area
 *   -> ENOMEM, after the bytes for the pages before it were written.
 *
 * Resident: a present page-table entry, or, in a shared object, a page the
 * object holds (another sharer touched it: Linux finds it in the shmem page
 * cache); in a file area, a page the page cache holds.
 * Works a page-sized batch of bytes at a time through one kernel buffer.
 */
#include "filemap.h"
#include "layout.h"
#include "mm.h"
#include "pagetable.h"
#include "../kernel/errno.h"
#include "../kernel/syscalls.h"
#include "../kernel/uaccess.h"

static bool page_resident(struct mm *mm, const struct vma *v, uintptr_t va)
{
	int level;
	if (pt_lookup(mm->pgd, va, &level))
		return true;
	if (v->shm) {
		paddr_t *slot = shm_slot(v, va);
		return slot && *slot && !pte_is_swap(*slot);   /* a swap entry: out in swap */
	}
	if (v->vm_file)   /* in the page cache, mapped here or not */
		return filemap_find_page(v->vm_file->f_inode->i_mapping, vma_pgoff_at(v, va)) != 0;
	return false;
}

/* Up to n bytes for the area at va; how many were filled, or -ENOMEM. */
static long do_mincore(struct mm *mm, uintptr_t va, size_t n, unsigned char *out)
{
	const struct vma *v = vma_lookup(mm, va);
	if (!v)
		return -ENOMEM;
	size_t k = (v->vm_end - va) >> PAGE_SHIFT;
	if (k > n)
		k = n;
	for (size_t i = 0; i < k; i++)
		out[i] = page_resident(mm, v, va + i * PAGE_SIZE);
	return (long)k;
}

long sys_mincore(uintptr_t start, size_t len, uintptr_t uvec)
{
	static unsigned char buf[PAGE_SIZE];   /* one CPU, no preemption in the kernel */
	struct mm *mm = current_mm();
	if (!page_aligned(start))
		return -EINVAL;
	if (!access_ok(start, len))
		return -ENOMEM;
	size_t pages = (len >> PAGE_SHIFT) + ((len & (PAGE_SIZE - 1)) != 0);
	if (!access_ok(uvec, pages))
		return -EFAULT;
	while (pages) {
		long k = do_mincore(mm, start, pages < PAGE_SIZE ? pages : PAGE_SIZE, buf);
		if (k < 0)
			return k;
		if (copy_to_user(uvec, buf, k))
			return -EFAULT;
		pages -= k;
		uvec += k;
		start += (uintptr_t)k << PAGE_SHIFT;
	}
	return 0;
}
