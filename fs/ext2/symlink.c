/*
 * ext2 symbolic links: the target path is the file's contents. A target
 * shorter than 60 bytes is kept in the inode itself, in the bytes of
 * i_block[] (a "fast" symlink, with no data block: i_blocks == 0); a longer
 * one fills the first data block.
 *
 * Always true: a link's size is its target's length (no NUL); a fast
 * link's size is below 60. Pagoda reads symlinks made on the host; it does
 * not make new ones (the VFS has no symlink operation yet).
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
