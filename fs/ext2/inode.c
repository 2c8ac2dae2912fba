/*
 * ext2 inodes: the on-disk inode in its inode-table block, and the VFS
 * inode made from it.
 *
 * The on-disk inode (in the buffer cache) is the only copy of the block
 * pointers (i_block[]) and flags; struct inode carries what the VFS reads
 * and changes: mode, size, link count, owner, times, i_blocks. Those are
 * written to disk by every ext2 operation that changes them and by
 * write_inode (the VFS's, for sizes and times it changed itself).
 *
 * Always true: a VFS inode of this file system has a valid inode number
 * (1..inodes_count), a known file type and a link count > 0 when read;
 * a directory's size is a multiple of the block size. An inode found
 * otherwise is corruption: -EUCLEAN, never a panic.
 */
#include "ext2.h"
#include "../../kernel/errno.h"
#include "../../mm/filemap.h"

struct buffer_head *ext2_raw_inode(struct ext2_sb_info *sbi, uint64_t ino, struct ext2_inode **out)
{
	if (ino < 1 || ino > sbi->inodes_count) {
		ext2_corrupt(sbi, "inode number", ino, 0);
		return NULL;
	}
	uint32_t g = (ino - 1) / sbi->inodes_per_group, idx = (ino - 1) % sbi->inodes_per_group;
	uint64_t byte = (uint64_t)idx * sbi->inode_size;
	uint32_t block = ext2_group(sbi, g)->bg_inode_table + byte / sbi->block_size;
	struct buffer_head *bh = bread(sbi->bdev, block, sbi->block_size);
	if (bh)
		*out = (struct ext2_inode *)(bh->data + byte % sbi->block_size);
	return bh;
}

unsigned ext2_file_type(uint32_t mode)
{
	switch (mode & S_IFMT) {
	case S_IFREG: return EXT2_FT_REG_FILE;
	case S_IFDIR: return EXT2_FT_DIR;
	case S_IFCHR: return EXT2_FT_CHRDEV;
	case S_IFBLK: return EXT2_FT_BLKDEV;
	case S_IFIFO: return EXT2_FT_FIFO;
	case S_IFSOCK: return EXT2_FT_SOCK;
	case S_IFLNK: return EXT2_FT_SYMLINK;
	default: return EXT2_FT_UNKNOWN;
	}
}

static void set_operations(struct inode *inode, const struct ext2_inode *raw)
{
	if (inode_is_dir(inode)) {
		inode->i_op = &ext2_dir_inode_operations;
		inode->i_fop = &ext2_dir_operations;
	} else if (inode_is_reg(inode)) {
		inode->i_op = &ext2_file_inode_operations;
		inode->i_fop = &ext2_file_operations;
		inode->i_mapping->a_ops = &ext2_aops;
	} else if ((inode->i_mode & S_IFMT) == S_IFLNK) {
		inode->i_op = &ext2_symlink_inode_operations;
	} else {   /* a FIFO, socket or device: its number as ext2_mknod stores it */
		init_special_inode(inode, inode->i_mode, raw->i_block[0] ? raw->i_block[0] : raw->i_block[1]);
	}
}

/* Check what the VFS will rely on; NULL if the inode is sound. */
static const char *check_raw(struct ext2_sb_info *sbi, const struct ext2_inode *raw)
{
	if (!raw->i_links_count)
		return "inode (a directory entry names a deleted inode)";
	if (ext2_file_type(raw->i_mode) == EXT2_FT_UNKNOWN)
		return "inode (unknown file type)";
	if ((raw->i_mode & S_IFMT) == S_IFDIR && (!raw->i_size || raw->i_size % sbi->block_size))
		return "inode (directory size not a whole number of blocks)";
	return NULL;
}

static void fill_inode(struct ext2_sb_info *sbi, struct inode *inode, const struct ext2_inode *raw)
{
	inode->i_mode = raw->i_mode;
	inode->i_uid = raw->i_uid | (uint32_t)raw->i_uid_high << 16;
	inode->i_gid = raw->i_gid | (uint32_t)raw->i_gid_high << 16;
	inode->i_nlink = raw->i_links_count;
	inode->i_size = raw->i_size;
	if (inode_is_reg(inode))
		inode->i_size |= (uint64_t)raw->i_size_high << 32;
	inode->i_blocks = raw->i_blocks;
	inode->i_atime = raw->i_atime;
	inode->i_mtime = raw->i_mtime;
	inode->i_ctime = raw->i_ctime;
	(void)sbi;
	set_operations(inode, raw);
}

static int read_inode(struct ext2_sb_info *sbi, struct inode *inode)
{
	struct ext2_inode *raw;
	struct buffer_head *bh = ext2_raw_inode(sbi, inode->i_ino, &raw);
	if (!bh)
		return -EIO;
	const char *bad = check_raw(sbi, raw);
	if (!bad)
		fill_inode(sbi, inode, raw);
	brelse(bh);
	return bad ? ext2_corrupt(sbi, bad, inode->i_ino, 0) : 0;
}

/* The VFS inode for ino, referenced. Takes sbi->lock: call without it. */
int ext2_iget(struct super_block *sb, uint64_t ino, struct inode **out)
{
	struct ext2_sb_info *sbi = EXT2_SB(sb);
	bool fresh;
	struct inode *inode = iget(sb, ino, &fresh);
	if (!inode)
		return -ENOMEM;
	if (fresh) {
		mutex_lock(&sbi->lock);
		int err = read_inode(sbi, inode);
		mutex_unlock(&sbi->lock);
		if (err) {
			inode->i_nlink = 1;   /* not evicted: nothing of it is ours to free */
			iput(inode);          /* I_NEW: write_inode is not called */
			return err;
		}
		unlock_new_inode(inode);
	}
	*out = inode;
	return 0;
}

/* Store the VFS's fields in the on-disk inode. sbi->lock held. */
int ext2_store_inode(struct ext2_sb_info *sbi, struct inode *inode)
{
	struct ext2_inode *raw;
	struct buffer_head *bh = ext2_raw_inode(sbi, inode->i_ino, &raw);
	if (!bh)
		return -EIO;
	raw->i_mode = inode->i_mode;
	raw->i_uid = inode->i_uid & 0xffff;
	raw->i_uid_high = inode->i_uid >> 16;
	raw->i_gid = inode->i_gid & 0xffff;
	raw->i_gid_high = inode->i_gid >> 16;
	raw->i_links_count = inode->i_nlink;
	raw->i_size = inode->i_size;
	if (inode_is_reg(inode))
		raw->i_size_high = inode->i_size >> 32;
	raw->i_blocks = inode->i_blocks;
	raw->i_atime = inode->i_atime;
	raw->i_mtime = inode->i_mtime;
	raw->i_ctime = inode->i_ctime;
	mark_buffer_dirty(bh);
	brelse(bh);
	return 0;
}

int ext2_write_inode(struct inode *inode)
{
	struct ext2_sb_info *sbi = EXT2_SB(inode->i_sb);
	if (inode->i_sb->s_flags & SB_RDONLY)
		return 0;
	mutex_lock(&sbi->lock);
	int err = ext2_store_inode(sbi, inode);
	mutex_unlock(&sbi->lock);
	return err;
}

/* The last reference to an unlinked inode is gone: free its blocks, mark it
 * deleted (dtime) and give its number back. */
void ext2_evict_inode(struct inode *inode)
{
	struct ext2_sb_info *sbi = EXT2_SB(inode->i_sb);
	if (inode->i_sb->s_flags & SB_RDONLY)
		return;
	mutex_lock(&sbi->lock);
	if (inode->i_blocks)   /* none: nothing to free (and a fast symlink's i_block is text) */
		ext2_truncate_blocks(inode, 0);
	struct ext2_inode *raw;
	struct buffer_head *bh = ext2_raw_inode(sbi, inode->i_ino, &raw);
	if (bh) {
		raw->i_links_count = 0;
		raw->i_size = 0;
		raw->i_size_high = 0;
		raw->i_blocks = 0;
		raw->i_dtime = current_time();
		mark_buffer_dirty(bh);
		brelse(bh);
		ext2_free_inode_number(sbi, inode->i_ino, inode_is_dir(inode));
	}
	mutex_unlock(&sbi->lock);
}

/* A new on-disk inode of the given mode, in a fresh inode number near the
 * parent's. sbi->lock held. */
int ext2_new_inode(struct ext2_sb_info *sbi, struct inode *dir, uint32_t mode, uint32_t *ino_out)
{
	uint32_t ino;
	int err = ext2_new_inode_number(sbi, dir->i_ino, (mode & S_IFMT) == S_IFDIR, &ino);
	if (err)
		return err;
	struct ext2_inode *raw;
	struct buffer_head *bh = ext2_raw_inode(sbi, ino, &raw);
	if (!bh) {
		ext2_free_inode_number(sbi, ino, (mode & S_IFMT) == S_IFDIR);
		return -EIO;
	}
	uint32_t gen = raw->i_generation + 1;
	uint8_t *p = (uint8_t *)raw;
	for (uint32_t i = 0; i < sbi->inode_size; i++)
		p[i] = 0;
	uint32_t now = current_time();
	raw->i_mode = mode;
	raw->i_links_count = 1;
	raw->i_atime = raw->i_ctime = raw->i_mtime = now;
	raw->i_generation = gen;
	if (sbi->inode_size > EXT2_GOOD_OLD_INODE_SIZE)
		*(uint16_t *)(p + EXT2_GOOD_OLD_INODE_SIZE) = 0;   /* i_extra_isize: none */
	mark_buffer_dirty(bh);
	brelse(bh);
	*ino_out = ino;
	return 0;
}
