/*
 * ext2 symbolic links: the target path is the file's contents. A target
 * shorter than 60 bytes is kept in the inode itself, in the bytes of
 * i_block[] (a "fast" symlink, with no data block: i_blocks == 0); a longer
 * one fills the first data block.
 *
 * Always true (what e2fsck checks): a link's size is its target's length;
 * a fast link's size is below 60 and the rest of i_block is zero; a slow
 * link has exactly one block, i_block[0], holding the text and zeros
 * after it, and a size below the block size.
 */
#include "ext2.h"
#include "../../kernel/errno.h"
#include "../../kernel/string.h"

static long read_target(struct inode *inode, char *buf, size_t size)
{
	struct ext2_sb_info *sbi = EXT2_SB(inode->i_sb);
	size_t n = inode->i_size < size ? inode->i_size : size;
	if (inode->i_size >= sbi->block_size)
		return ext2_corrupt(sbi, "symlink (longer than a block)", inode->i_ino, 0);
	struct ext2_inode *raw;
	struct buffer_head *bh = ext2_raw_inode(sbi, inode->i_ino, &raw);
	if (!bh)
		return -EIO;
	if (!raw->i_blocks) {
		if (inode->i_size >= sizeof(raw->i_block))
			n = ext2_corrupt(sbi, "fast symlink (longer than i_block)", inode->i_ino, 0);
		else
			memcpy(buf, raw->i_block, n);
		brelse(bh);
		return n;
	}
	brelse(bh);
	uint32_t blk;
	int err = ext2_bmap(inode, 0, false, &blk);
	struct buffer_head *data = !err && blk ? bread(sbi->bdev, blk, sbi->block_size) : NULL;
	if (!data)
		return err ? err : -EIO;
	memcpy(buf, data->data, n);
	brelse(data);
	return n;
}

static long ext2_readlink(struct inode *inode, char *buf, size_t size)
{
	struct ext2_sb_info *sbi = EXT2_SB(inode->i_sb);
	mutex_lock(&sbi->lock);
	long n = read_target(inode, buf, size);
	mutex_unlock(&sbi->lock);
	return n;
}

const struct inode_operations ext2_symlink_inode_operations = {
	.readlink = ext2_readlink,
};

/* The text of a new link, into its scratch inode (sbi->lock held). */
static int fill_fast(struct inode *tmp, const char *target, size_t n)
{
	struct ext2_inode *raw;
	struct buffer_head *bh = ext2_raw_inode(EXT2_SB(tmp->i_sb), tmp->i_ino, &raw);
	if (!bh)
		return -EIO;
	memcpy(raw->i_block, target, n);
	mark_buffer_dirty(bh);
	brelse(bh);
	return 0;
}

static int fill_slow(struct inode *tmp, const char *target, size_t n)
{
	struct ext2_sb_info *sbi = EXT2_SB(tmp->i_sb);
	uint32_t blk;
	int err = ext2_bmap(tmp, 0, true, &blk);
	struct buffer_head *bh = err ? NULL : getblk(sbi->bdev, blk, sbi->block_size);
	if (!bh)
		return err ? err : -EIO;
	memset(bh->data, 0, sbi->block_size);
	memcpy(bh->data, target, n);
	mark_buffer_dirty(bh);
	brelse(bh);
	return 0;
}

static int fill_symlink(struct inode *tmp, const void *arg)
{
	const char *target = arg;
	size_t n = strlen(target);
	tmp->i_size = n;
	return n < sizeof(((struct ext2_inode *)0)->i_block) ? fill_fast(tmp, target, n) : fill_slow(tmp, target, n);
}

int ext2_symlink(struct inode *dir, const char *name, size_t len, const char *target)
{
	struct ext2_sb_info *sbi = EXT2_SB(dir->i_sb);
	if (strlen(target) + 1 > sbi->block_size)
		return -ENAMETOOLONG;
	uint32_t ino;
	mutex_lock(&sbi->lock);
	int err = ext2_make_node(dir, name, len, S_IFLNK | 0777, fill_symlink, target, &ino);
	mutex_unlock(&sbi->lock);
	return err;
}
