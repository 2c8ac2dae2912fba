/*
 * ext2 regular files: their pages move between the page cache
 * (mm/filemap.c) and the disk blocks the block map names, and setsize
 * truncates or extends them.
 *
 * File data goes straight between the page-cache frame and the disk (no
 * buffer-cache copy). A page holds PAGE_SIZE / block_size blocks.
 *
 * Always true: a hole reads as zeros; bytes past i_size read as zeros;
 * writepage allocates blocks only for the part of the page below i_size;
 * after setsize to a size inside a block, the rest of that block on disk is
 * zero, so growing the file later shows zeros there.
 * Lock: readpage, writepage and setsize take sbi->lock.
 */
#include "ext2.h"
#include "../../kernel/errno.h"
#include "../../kernel/string.h"
#include "../../mm/kheap.h"
#include "../../mm/filemap.h"
#include "../../mm/layout.h"

/* Move a page's blocks between kva and the disk, one request per run of
 * consecutive disk blocks (four 1 KiB blocks allocated together are one
 * 4 KiB request). blks[b] == 0 is a hole: read as zeros, never written. */
static int transfer_runs(struct ext2_sb_info *sbi, const uint32_t *blks, uint32_t n, char *kva, bool write)
{
	uint32_t bs = sbi->block_size, spb = bs / SECTOR_SIZE;
	for (uint32_t b = 0, e; b < n; b = e) {
		e = b + 1;
		if (!blks[b]) {
			if (!write)
				memset(kva + b * bs, 0, bs);
			continue;
		}
		while (e < n && blks[e] == blks[e - 1] + 1)
			e++;
		uint64_t sector = (uint64_t)blks[b] * spb, count = (uint64_t)(e - b) * spb;
		int err = write ? blkdev_write(sbi->bdev, sector, kva + b * bs, count)
				: blkdev_read(sbi->bdev, sector, kva + b * bs, count);
		if (err)
			return -EIO;
	}
	return 0;
}

static int read_page_locked(struct inode *inode, uint64_t index, char *kva)
{
	struct ext2_sb_info *sbi = EXT2_SB(inode->i_sb);
	uint32_t bs = sbi->block_size, per = PAGE_SIZE / bs, blks[PAGE_SIZE / 1024] = { 0 };
	for (uint32_t b = 0; b < per; b++) {
		uint64_t off = index * PAGE_SIZE + (uint64_t)b * bs;
		int err = off < inode->i_size ? ext2_bmap(inode, off / bs, false, &blks[b]) : 0;
		if (err == -EFBIG)
			blks[b] = 0;
		else if (err)
			return -EIO;
	}
	if (transfer_runs(sbi, blks, per, kva, false))
		return -EIO;
	uint64_t start = index * PAGE_SIZE;
	if (inode->i_size < start + PAGE_SIZE)
		memset(kva + (inode->i_size > start ? inode->i_size - start : 0), 0,
		       PAGE_SIZE - (inode->i_size > start ? inode->i_size - start : 0));
	return 0;
}

static int ext2_readpage(struct inode *inode, uint64_t index, void *kva)
{
	struct ext2_sb_info *sbi = EXT2_SB(inode->i_sb);
	mutex_lock(&sbi->lock);
	int err = read_page_locked(inode, index, kva);
	mutex_unlock(&sbi->lock);
	return err;
}

static int write_page_locked(struct inode *inode, uint64_t index, const char *kva)
{
	struct ext2_sb_info *sbi = EXT2_SB(inode->i_sb);
	uint32_t bs = sbi->block_size, per = PAGE_SIZE / bs, blks[PAGE_SIZE / 1024], n = 0;
	for (; n < per && index * PAGE_SIZE + (uint64_t)n * bs < inode->i_size; n++) {
		int err = ext2_bmap(inode, (index * PAGE_SIZE) / bs + n, true, &blks[n]);
		if (err)
			return err == -ENOSPC || err == -EFBIG ? err : -EIO;
	}
	if (transfer_runs(sbi, blks, n, (char *)kva, true))
		return -EIO;
	return ext2_store_inode(sbi, inode);   /* the size the VFS grew */
}

static int ext2_writepage(struct inode *inode, uint64_t index, const void *kva)
{
	struct ext2_sb_info *sbi = EXT2_SB(inode->i_sb);
	if (inode->i_sb->s_flags & SB_RDONLY)
		return -EROFS;
	mutex_lock(&sbi->lock);
	int err = write_page_locked(inode, index, kva);
	mutex_unlock(&sbi->lock);
	return err;
}

/* A swap file's page on the disk (mm/swapfile.c maps each once, at
 * swapon): its blocks must be allocated and in a row. */
static int ext2_bmap_page(struct inode *inode, uint64_t index, struct block_device **bdev, uint64_t *sector)
{
	struct ext2_sb_info *sbi = EXT2_SB(inode->i_sb);
	uint32_t bs = sbi->block_size, per = PAGE_SIZE / bs, first = 0, blk = 0;
	int err = 0;
	mutex_lock(&sbi->lock);
	for (uint32_t b = 0; b < per && !err; b++) {
		err = ext2_bmap(inode, index * per + b, false, &blk);
		if (!err && (!blk || (b && blk != first + b)))
			err = -EINVAL;   /* a hole, or not in a row */
		first = b ? first : blk;
	}
	mutex_unlock(&sbi->lock);
	*bdev = sbi->bdev;
	*sector = (uint64_t)first * (bs / SECTOR_SIZE);
	return err ? -EINVAL : 0;
}

const struct address_space_operations ext2_aops = {
	.readpage = ext2_readpage,
	.writepage = ext2_writepage,
	.bmap = ext2_bmap_page,
};

/* Zero the on-disk bytes of size's block past size. */
static int zero_block_tail(struct inode *inode, uint64_t size)
{
	struct ext2_sb_info *sbi = EXT2_SB(inode->i_sb);
	uint32_t bs = sbi->block_size, blk;
	if (size % bs == 0 || ext2_bmap(inode, size / bs, false, &blk) || !blk)
		return 0;
	char *buf = kmalloc(bs);
	if (!buf)
		return -ENOMEM;
	int err = blkdev_read_block(sbi->bdev, blk, bs, buf);
	if (!err) {
		memset(buf + size % bs, 0, bs - size % bs);
		err = blkdev_write_block(sbi->bdev, blk, bs, buf);
	}
	kfree(buf);
	return err ? -EIO : 0;
}

/* fsync and fdatasync: the file's pages, its inode, and then every
 * metadata block of the file system (bitmaps, indirect blocks), so what
 * fsync returned 0 for is on the disk. */
static int ext2_fsync(struct file *file, bool datasync)
{
	struct inode *inode = file->f_inode;
	struct ext2_sb_info *sbi = EXT2_SB(inode->i_sb);
	(void)datasync;
	int err = filemap_write_back(inode->i_mapping);
	if (!err)
		err = ext2_write_inode(inode);
	if (!err && !(inode->i_sb->s_flags & SB_RDONLY))
		err = sync_blockdev(sbi->bdev);
	return err;
}

const struct file_operations ext2_file_operations = {
	.read = generic_file_read,
	.write = generic_file_write,
	.fsync = ext2_fsync,
};

int ext2_setsize(struct inode *inode, uint64_t size)
{
	struct ext2_sb_info *sbi = EXT2_SB(inode->i_sb);
	if (inode->i_sb->s_flags & SB_RDONLY)
		return -EROFS;
	uint64_t p = sbi->addr_per_block;
	uint64_t max = (EXT2_NDIR_BLOCKS + p + p * p + p * p * p) * sbi->block_size;
	if (size > max)
		return -EFBIG;
	mutex_lock(&sbi->lock);
	int err = 0;
	if (size < inode->i_size) {
		err = zero_block_tail(inode, size);
		uint64_t keep = (size + sbi->block_size - 1) / sbi->block_size;
		int terr = ext2_truncate_blocks(inode, keep);
		err = err ? err : terr;
	}
	inode->i_size = size;
	inode->i_mtime = inode->i_ctime = current_time();
	int serr = ext2_store_inode(sbi, inode);
	mutex_unlock(&sbi->lock);
	return err ? err : serr;
}
