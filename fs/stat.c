/*
 * Reading metadata: fstat, stat, lstat, newfstatat, statfs, fstatfs,
 * access, faccessat, readlink, readlinkat. Everything comes from the inode
 * (and its super block); nothing here changes anything.
 */
#include "vfs.h"
#include "../kernel/errno.h"
#include "../kernel/syscalls.h"
#include "../kernel/string.h"
#include "../kernel/uaccess.h"
#include "../mm/layout.h"
#include "../mm/kheap.h"
#include "../mm/tmpfs_swap.h"

static uint64_t blocks_of(const struct inode *inode)
{
	if (inode->i_mapping->swap_backed)   /* tmpfs: the cached pages and those in swap are the file */
		return (inode->i_mapping->nrpages + tmpfs_swap_pages(inode)) * (PAGE_SIZE / 512);
	return inode->i_blocks;
}

static void fill_stat(struct linux_stat *st, const struct inode *inode)
{
	memset(st, 0, sizeof(*st));
	st->st_dev = inode->i_sb ? inode->i_sb->s_dev : 0;
	st->st_ino = inode->i_ino;
	st->st_mode = inode->i_mode;
	st->st_nlink = inode->i_nlink;
	st->st_uid = inode->i_uid;
	st->st_gid = inode->i_gid;
	st->st_rdev = inode->i_rdev;
	st->st_size = (int64_t)inode->i_size;
	st->st_blksize = 4096;
	st->st_blocks = (int64_t)blocks_of(inode);
	st->st_atime_sec = inode->i_atime;
	st->st_mtime_sec = inode->i_mtime;
	st->st_ctime_sec = inode->i_ctime;
}

static long stat_to_user(const struct inode *inode, uintptr_t ustat)
{
	struct linux_stat st;
	fill_stat(&st, inode);
	return copy_to_user(ustat, &st, sizeof(st)) ? -EFAULT : 0;
}

long sys_fstat(int fd, uintptr_t ustat)
{
	struct file *f = fget(fd);
	if (!f)
		return -EBADF;
	return stat_to_user(f->f_inode, ustat);
}

static long stat_at(int dirfd, uintptr_t upath, uintptr_t ustat, unsigned flags)
{
	struct path p;
	long err = user_path_at(dirfd, upath, flags, &p);
	if (err)
		return err;
	err = stat_to_user(p.inode, ustat);
	path_put(&p);
	return err;
}

long sys_stat(uintptr_t upath, uintptr_t ustat)
{
	return stat_at(AT_FDCWD, upath, ustat, LOOKUP_FOLLOW);
}

long sys_lstat(uintptr_t upath, uintptr_t ustat)
{
	return stat_at(AT_FDCWD, upath, ustat, 0);
}

long sys_newfstatat(int dirfd, uintptr_t upath, uintptr_t ustat, int flags)
{
	if (flags & ~(AT_EMPTY_PATH | AT_SYMLINK_NOFOLLOW | AT_NO_AUTOMOUNT))
		return -EINVAL;
	char first = 0;
	if ((flags & AT_EMPTY_PATH) && !copy_from_user(&first, upath, 1) && first == 0)
		return dirfd == AT_FDCWD ? stat_at(AT_FDCWD, (uintptr_t)".", ustat, 0) : sys_fstat(dirfd, ustat);
	return stat_at(dirfd, upath, ustat, flags & AT_SYMLINK_NOFOLLOW ? 0 : LOOKUP_FOLLOW);
}

static long statfs_to_user(struct super_block *sb, uintptr_t ubuf)
{
	struct linux_statfs st;
	long err = vfs_statfs(sb, &st);
	if (!err && copy_to_user(ubuf, &st, sizeof(st)))
		err = -EFAULT;
	return err;
}

long sys_statfs(uintptr_t upath, uintptr_t ubuf)
{
	struct path p;
	long err = user_path_at(AT_FDCWD, upath, LOOKUP_FOLLOW, &p);
	if (err)
		return err;
	err = statfs_to_user(p.inode->i_sb, ubuf);
	path_put(&p);
	return err;
}

long sys_fstatfs(int fd, uintptr_t ubuf)
{
	struct file *f = fget(fd);
	if (!f)
		return -EBADF;
	if (!f->f_inode->i_sb)
		return -ENOSYS;
	return statfs_to_user(f->f_inode->i_sb, ubuf);
}

/* access(2) for root: writing needs a writable file system (devices
 * excepted), executing a regular file needs one x bit. */
static long access_at(int dirfd, uintptr_t upath, int mode)
{
	if (mode & ~7)
		return -EINVAL;
	struct path p;
	long err = user_path_at(dirfd, upath, LOOKUP_FOLLOW, &p);
	if (err)
		return err;
	const struct inode *inode = p.inode;
	bool device = (inode->i_mode & S_IFMT) == S_IFCHR || (inode->i_mode & S_IFMT) == S_IFIFO;
	if ((mode & 2) && (inode->i_sb->s_flags & SB_RDONLY) && !device)
		err = -EROFS;
	else if ((mode & 1) && !inode_is_dir(inode) && !(inode->i_mode & 0111))
		err = -EACCES;
	path_put(&p);
	return err;
}

long sys_access(uintptr_t path, int mode)
{
	return access_at(AT_FDCWD, path, mode);
}

long sys_faccessat(int dirfd, uintptr_t path, int mode)
{
	return access_at(dirfd, path, mode);
}

/* readlink(2): the link's target; anything else that exists is EINVAL. */
long sys_readlinkat(int dirfd, uintptr_t upath, uintptr_t ubuf, int64_t size)
{
	if (size <= 0)
		return -EINVAL;
	struct path p;
	long err = user_path_at(dirfd, upath, 0, &p);
	if (err)
		return err;
	const struct inode_operations *op = p.inode->i_op;
	char *buf = kmalloc(PATH_MAX);
	if (!buf)
		err = -ENOMEM;
	else if ((p.inode->i_mode & S_IFMT) != S_IFLNK || !op || !op->readlink)
		err = -EINVAL;
	else
		err = op->readlink(p.inode, buf, size < PATH_MAX ? (size_t)size : PATH_MAX);
	if (err > 0 && copy_to_user(ubuf, buf, err))
		err = -EFAULT;
	kfree(buf);
	path_put(&p);
	return err;
}

long sys_readlink(uintptr_t upath, uintptr_t ubuf, int64_t size)
{
	return sys_readlinkat(AT_FDCWD, upath, ubuf, size);
}
