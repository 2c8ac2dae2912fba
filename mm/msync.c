/*
 * msync(2): write a shared file mapping's dirty pages back to the file, in
 * Linux's order of checks (mm/msync.c of Linux 6.1):
 *   unknown flags, unaligned start, MS_ASYNC with MS_SYNC -> EINVAL
 *   end wraps -> ENOMEM; length 0 -> 0
 *   holes in the range -> ENOMEM (MS_SYNC stops at the first hole; the
 *   others go on and report it at the end)
 * MS_SYNC writes the file's dirty pages (mm/filemap.c); MS_ASYNC has
 * nothing to start (pages are dirty in the cache already and the periodic
 * flusher takes them); MS_INVALIDATE has nothing to drop (one cache).
 */
#include "filemap.h"
#include "mm.h"
#include "../kernel/errno.h"
#include "../kernel/syscalls.h"

long sys_msync(uintptr_t start, size_t len, int flags)
{
	struct mm *mm = current_mm();
	if (flags & ~(MS_ASYNC | MS_INVALIDATE | MS_SYNC))
		return -EINVAL;
	if (!page_aligned(start) || ((flags & MS_ASYNC) && (flags & MS_SYNC)))
		return -EINVAL;
	uintptr_t end = start + page_round_up(len);
	if (end < start || (len && !page_round_up(len)))
		return -ENOMEM;
	if (end == start)
		return 0;
	long unmapped = 0;
	for (struct vma *v = find_vma(mm, start); v; v = find_vma(mm, start)) {
		if (start < v->vm_start) {
			if (flags == MS_SYNC)
				return -ENOMEM;
			start = v->vm_start;
			if (start >= end)
				return -ENOMEM;
			unmapped = -ENOMEM;
		}
		start = v->vm_end;
		if ((flags & MS_SYNC) && v->vm_file && (v->vm_flags & VM_SHARED)) {
			int err = filemap_write_back(v->vm_file->f_inode->i_mapping);
			if (err)
				return err;
		}
		if (start >= end)
			return unmapped;
	}
	return -ENOMEM;
}
