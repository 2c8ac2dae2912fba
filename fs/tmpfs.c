/*
 * tmpfs: files whose pages live only in the page cache (mounted at /tmp and
 * /dev/shm; devfs builds /dev on it too). Directories are fs/libfs.c's.
 *
 * Invariants: a regular file's mapping is swap-backed (the cache is its only
 * store, and under pressure its pages go to swap and come back:
 * mm/tmpfs_swap.c); its bytes past i_size are zero in the cache (the VFS zeroes the
 * tail at truncation, pages past it are removed); a file's pages are freed
 * when its last name and last opener are gone; a symbolic link's text is
 * i_private, i_size bytes and a NUL; a file's i_nlink counts its entries.
 */
#include "tmpfs.h"
#include "../kernel/errno.h"
#include "../mm/filemap.h"
#include "../mm/frame.h"
#include "../kernel/string.h"
#include "../mm/kheap.h"
#include "../mm/tmpfs_swap.h"

/* A miss reads the page back from swap, or is a zero page (a hole). */
static const struct address_space_operations tmpfs_aops = { tmpfs_readpage, tmpfs_writepage, NULL };

static struct inode *tmpfs_new_file(struct super_block *sb, uint32_t mode)
{
	struct inode *inode = new_inode(sb);
	if (!inode)
		return NULL;
	inode->i_ino = ++sb->s_next_ino;
	inode_init_mode(inode, mode);
	inode->i_fop = &generic_file_operations;
	inode->i_op = &tmpfs_file_inode_operations;
	inode->i_mapping->a_ops = &tmpfs_aops;
	inode->i_mapping->swap_backed = true;
	return inode;
}

/* A new inode of dir's file system gets its name (the entry takes our reference). */
static int tmpfs_add(struct inode *dir, const char *name, size_t len, struct inode *inode)
{
	int err = simple_link(dir, name, len, inode);
	if (err)
		iput(inode);
	return err;
}

static int tmpfs_create(struct inode *dir, const char *name, size_t len, uint32_t mode, struct inode **out)
{
	struct inode *inode = tmpfs_new_file(dir->i_sb, S_IFREG | (mode & 07777));
	int err = inode ? tmpfs_add(dir, name, len, igrab(inode)) : -ENOMEM;
	if (err)
		iput(inode);
	else
		*out = inode;
	return err;
}

static int tmpfs_mknod(struct inode *dir, const char *name, size_t len, uint32_t mode, uint64_t rdev)
{
	struct inode *inode = tmpfs_new_file(dir->i_sb, mode);
	if (!inode)
		return -ENOMEM;
	init_special_inode(inode, mode, rdev);
	inode->i_op = NULL;
	return tmpfs_add(dir, name, len, inode);
}

/* A symbolic link's text lives in i_private (kmalloc'd, NUL-terminated). */
static long tmpfs_readlink(struct inode *inode, char *buf, size_t size)
{
	size_t n = inode->i_size < size ? inode->i_size : size;
	memcpy(buf, inode->i_private, n);
	return (long)n;
}

static const struct inode_operations tmpfs_symlink_inode_operations = { .readlink = tmpfs_readlink };

static int tmpfs_symlink(struct inode *dir, const char *name, size_t len, const char *target)
{
	struct inode *inode = tmpfs_new_file(dir->i_sb, S_IFLNK | 0777);
	size_t n = strlen(target);
	char *text = inode ? kmalloc(n + 1) : NULL;
	if (!text) {
		iput(inode);
		return -ENOMEM;
	}
	memcpy(text, target, n + 1);
	inode->i_private = text;
	inode->i_size = n;
	inode->i_op = &tmpfs_symlink_inode_operations;
	inode->i_fop = NULL;
	return tmpfs_add(dir, name, len, inode);
}

static int tmpfs_link(struct inode *old, struct inode *dir, const char *name, size_t len)
{
	int err = simple_link(dir, name, len, igrab(old));
	if (err) {
		iput(old);
		return err;
	}
	old->i_nlink++;
	old->i_ctime = current_time();
	return 0;
}

/* O_TMPFILE: a file with no name yet (linkat may give it one). */
static int tmpfs_tmpfile(struct inode *dir, uint32_t mode, struct inode **out)
{
	struct inode *inode = tmpfs_new_file(dir->i_sb, S_IFREG | (mode & 07777));
	if (!inode)
		return -ENOMEM;
	inode->i_nlink = 0;
	*out = inode;
	return 0;
}

static int tmpfs_mkdir(struct inode *dir, const char *name, size_t len, uint32_t mode)
{
	struct inode *inode = simple_new_dir(dir->i_sb, dir, mode);
	if (!inode)
		return -ENOMEM;
	inode->i_op = &tmpfs_dir_inode_operations;
	return tmpfs_add(dir, name, len, inode);
}

static int tmpfs_setsize(struct inode *inode, uint64_t size)
{
	if (size < inode->i_size)
		tmpfs_swap_truncate(inode, size);   /* the cache is cut already (vfs_truncate) */
	inode->i_size = size;
	return 0;
}

static void tmpfs_evict(struct inode *inode)
{
	if (inode_is_dir(inode))
		simple_dir_evict(inode);
	else if (inode_is_link(inode))
		kfree(inode->i_private);
	else
		tmpfs_swap_truncate(inode, 0);   /* its slots go */
}

static int tmpfs_statfs(struct super_block *sb, struct linux_statfs *st)
{
	struct frame_stats fs;
	frame_get_stats(&fs);
	st->f_type = TMPFS_MAGIC;
	st->f_bsize = PAGE_SIZE;
	st->f_blocks = fs.total / 2;   /* Linux's default size: half of RAM */
	st->f_bfree = st->f_bavail = fs.free < st->f_blocks ? fs.free : st->f_blocks;   /* free RAM, capped */
	st->f_files = fs.total / 2;
	st->f_ffree = st->f_files - (sb->s_next_ino < st->f_files ? sb->s_next_ino : st->f_files);
	return 0;
}

const struct inode_operations tmpfs_dir_inode_operations = {
	.lookup = simple_lookup,
	.create = tmpfs_create,
	.mkdir = tmpfs_mkdir,
	.unlink = simple_unlink,
	.rmdir = simple_rmdir,
	.rename = simple_rename,
	.is_empty = simple_empty,
	.symlink = tmpfs_symlink,
	.link = tmpfs_link,
	.mknod = tmpfs_mknod,
	.exchange = simple_exchange,
	.tmpfile = tmpfs_tmpfile,
};

const struct inode_operations tmpfs_file_inode_operations = {
	.setsize = tmpfs_setsize,
};

static const struct super_operations tmpfs_sops = {
	.statfs = tmpfs_statfs,
	.evict_inode = tmpfs_evict,
};

int tmpfs_fill_super(struct super_block *sb, const void *data)
{
	(void)data;
	sb->s_magic = TMPFS_MAGIC;
	sb->s_op = &tmpfs_sops;
	sb->s_blocksize = PAGE_SIZE;
	sb->s_root = simple_new_dir(sb, NULL, 01777);
	if (!sb->s_root)
		return -ENOMEM;
	sb->s_root->i_op = &tmpfs_dir_inode_operations;
	return 0;
}

const struct file_system_type tmpfs_fs_type = { "tmpfs", tmpfs_fill_super };
