/* kmalloc when memory is full (issue 14 item 5): with no free frame it
 * takes clean page cache (frame_alloc, and vmscan.c reclaim_for_kmalloc for
 * a run of frames) and succeeds, or fails cleanly when nothing can go;
 * with free frames but no two in a row, /proc's text still comes (its
 * first buffer is one frame: a 16 KiB first buffer made /proc reads fail
 * under pressure, as reclaimcheck swapctl's meminfo read did). Every frame is taken back by the test:
 * no other code allocates while a ktest runs (boot, one thread). */
#include "../../fs/procfs.h"
#include "../../fs/vfs.h"
#include "../../kernel/ktest.h"
#include "../../kernel/string.h"
#include "../../mm/filemap.h"
#include "../../mm/frame.h"
#include "../../mm/kheap.h"
#include "../../mm/vmscan.h"

static int fill_page(struct inode *inode, uint64_t index, void *kva)
{
	(void)inode;
	*(uint64_t *)kva = index;
	return 0;
}

static const struct address_space_operations clean_aops = { fill_page, NULL, NULL };
static struct super_block pressure_sb;

/* A file of n clean cached pages (the only memory reclaim may take). */
static struct inode *cached_file(uint64_t n)
{
	struct inode *inode = new_inode(&pressure_sb);
	int err = 0;
	inode->i_size = n * PAGE_SIZE;
	inode->i_mapping->a_ops = &clean_aops;
	for (uint64_t i = 0; i < n; i++)
		frame_put(filemap_get_page(inode->i_mapping, i, NULL, &err));
	return inode;
}

/* Take every free frame (frame_alloc_contig: frame_alloc itself would drop
 * the clean cache first); they are chained through their first word. */
static paddr_t take_all_frames(void)
{
	paddr_t head = 0, pa;
	while ((pa = frame_alloc_contig(1, FRAME_KHEAP))) {
		*(paddr_t *)pa_to_kva(pa) = head;
		head = pa;
	}
	return head;
}

/* Give back the chain's frames whose pfn is odd (keep reports whether to
 * keep them instead); the others stay in the returned chain. */
static paddr_t give_back(paddr_t head, bool odd_only)
{
	paddr_t kept = 0;
	while (head) {
		paddr_t next = *(paddr_t *)pa_to_kva(head);
		if (odd_only && !((head >> PAGE_SHIFT) & 1)) {
			*(paddr_t *)pa_to_kva(head) = kept;
			kept = head;
		} else {
			frame_put(head);
		}
		head = next;
	}
	return kept;
}

KTEST(kmalloc_with_no_free_frame_drops_clean_page_cache)
{
	uint64_t free0 = frame_free_count();
	struct inode *inode = cached_file(8);
	uint64_t cached = inode->i_mapping->nrpages;
	paddr_t held = take_all_frames();
	uint64_t free_then = frame_free_count();
	void *big = kmalloc(PAGE_SIZE);   /* a frame of its own */
	void *small = kmalloc(2048);      /* a new slab, unless one has room */
	uint64_t cached_after = inode->i_mapping->nrpages;
	kfree(big);
	kfree(small);
	give_back(held, false);   /* before any check: a failed one must not leave memory full */
	iput(inode);
	KT_EQ(cached, 8);
	KT_EQ(free_then, 0);
	KT_ASSERT(big && small);
	KT_ASSERT(cached_after < 8);   /* the cache paid */
	KT_EQ(frame_free_count(), free0);
}

KTEST(kmalloc_with_nothing_to_reclaim_fails_cleanly)
{
	uint64_t free0 = frame_free_count();
	paddr_t held = take_all_frames();
	void *p = kmalloc(PAGE_SIZE);   /* NULL, no hang, no panic */
	give_back(held, false);
	KT_EQ(p, NULL);
	KT_EQ(frame_free_count(), free0);
}

KTEST(proc_text_needs_no_run_of_frames)
{
	uint64_t free0 = frame_free_count();
	paddr_t held = give_back(take_all_frames(), true);   /* free frames, none next to another */
	uint64_t scattered = frame_free_count();
	size_t len = 0;
	int err = 0;
	char *meminfo = proc_text(PROC_MEMINFO, NULL, &len, &err);
	bool meminfo_ok = meminfo && len > 0 && !strncmp(meminfo, "MemTotal:", 9);
	char *swaps = proc_text(PROC_SWAPS, NULL, &len, &err);
	bool swaps_ok = swaps && !strncmp(swaps, "Filename", 8);
	kfree(meminfo);
	kfree(swaps);
	give_back(held, false);
	KT_ASSERT(scattered > 0);
	KT_ASSERT(meminfo_ok && swaps_ok);
	KT_EQ(frame_free_count(), free0);
}
