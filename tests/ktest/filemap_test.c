/* The page cache (mm/filemap.c): one frame per (file, index), hits and
 * misses, dirty pages written back once, truncation, reclaim of clean
 * pages only. The "file" is an inode of no file system with a readpage
 * that writes its index into the page and a writepage that counts. */
#include "../../fs/vfs.h"
#include "../../kernel/ktest.h"
#include "../../mm/filemap.h"
#include "../../mm/kheap.h"

static int writes;

static int fill_index(struct inode *inode, uint64_t index, void *kva)
{
	(void)inode;
	*(uint64_t *)kva = index + 1000;
	return 0;
}

static int count_write(struct inode *inode, uint64_t index, const void *kva)
{
	(void)inode;
	writes += *(const uint64_t *)kva == index + 1000;
	return 0;
}

static const struct address_space_operations test_aops = { fill_index, count_write, NULL };

static struct super_block test_sb;   /* no operations */

static struct inode *test_inode(uint64_t size)
{
	struct inode *inode = new_inode(&test_sb);
	inode->i_size = size;
	inode->i_mapping->a_ops = &test_aops;
	return inode;
}

static uint64_t page_word(paddr_t pa)
{
	return *(uint64_t *)pa_to_kva(pa);
}

KTEST(filemap_one_frame_per_page)
{
	struct inode *inode = test_inode(8 * PAGE_SIZE);
	struct address_space *m = inode->i_mapping;
	bool hit;
	int err = 0;
	uint64_t misses = pagecache_stat.misses, hits = pagecache_stat.hits;
	paddr_t a = filemap_get_page(m, 3, &hit, &err);
	KT_ASSERT(a && !hit);
	KT_EQ(page_word(a), 1003);
	paddr_t b = filemap_get_page(m, 3, &hit, &err);
	KT_ASSERT(hit);
	KT_EQ(a, b);
	KT_EQ(pagecache_stat.misses, misses + 1);
	KT_EQ(pagecache_stat.hits, hits + 1);
	KT_EQ(pa_to_page(a)->refcount, 3);   /* the cache and our two references */
	KT_EQ(filemap_find_page(m, 3), a);
	KT_EQ(filemap_find_page(m, 4), 0);
	frame_put(a);
	frame_put(b);
	iput(inode);   /* the cache empties with the inode */
}

KTEST(filemap_write_back_once)
{
	struct inode *inode = test_inode(4 * PAGE_SIZE);
	struct address_space *m = inode->i_mapping;
	int err = 0;
	for (uint64_t i = 0; i < 4; i++) {
		paddr_t pa = filemap_get_page(m, i, NULL, &err);
		if (i % 2)
			set_page_dirty(pa);
		frame_put(pa);
	}
	KT_EQ(m->nrdirty, 2);
	writes = 0;
	KT_EQ(filemap_write_back(m), 0);
	KT_EQ(writes, 2);
	KT_EQ(m->nrdirty, 0);
	KT_EQ(filemap_write_back(m), 0);
	KT_EQ(writes, 2);   /* clean pages are not written again */
	iput(inode);
}

KTEST(filemap_truncate_and_reclaim)
{
	struct inode *inode = test_inode(4 * PAGE_SIZE);
	struct address_space *m = inode->i_mapping;
	int err = 0;
	for (uint64_t i = 0; i < 4; i++)
		frame_put(filemap_get_page(m, i, NULL, &err));
	KT_EQ(m->nrpages, 4);
	truncate_inode_pages(m, PAGE_SIZE + 8);   /* page 1 keeps 8 bytes, pages 2 and 3 go */
	KT_EQ(m->nrpages, 2);
	paddr_t p1 = filemap_find_page(m, 1);
	KT_ASSERT(p1);
	KT_EQ(page_word(p1), 1001);
	KT_EQ(*((uint8_t *)pa_to_kva(p1) + 8), 0);   /* the tail is zeroed */
	set_page_dirty(p1);
	uint64_t before = m->nrpages;
	filemap_reclaim(1000);
	KT_EQ(m->nrpages, before - 1);   /* the clean page 0 went; the dirty page 1 stayed */
	KT_EQ(filemap_find_page(m, 1), p1);
	iput(inode);
}
