#ifndef PAGODA_PAGEMAP_H
#define PAGODA_PAGEMAP_H

#include "mm.h"

/* /proc/PID/pagemap: copy 64-bit entries for the pages from *pos / 8 on into
 * ubuf (n bytes), advancing *pos. -EINVAL unless *pos and n are multiples of
 * 8; fewer bytes at the top of user space; -EFAULT if nothing could be copied. */
long pagemap_read(struct mm *mm, uint64_t *pos, uintptr_t ubuf, size_t n);
/* /proc/PID/clear_refs: "1".."5" as Linux; returns the bytes taken (at most
 * 12) or -EINVAL / -EFAULT with nothing changed. */
long clear_refs_write(struct mm *mm, uintptr_t ubuf, size_t n);
/* Reclaim unmapped the soft-dirty page at va of mm for swap: its area reads
 * soft-dirty until the next clear_refs (the swap entry has no room for it). */
void soft_dirty_swapped_out(struct mm *mm, uintptr_t va);

#endif
