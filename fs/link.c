/*
 * New names for files: link and linkat (a second name for an inode),
 * symlink and symlinkat (a new inode holding a path), mknod and mknodat
 * (FIFOs, sockets, device nodes, regular files). The VFS checks what Linux
 * checks, in Linux's order (fs/namei.c of Linux 6.1); the file system's
 * link, symlink, mknod or create operation only adds the entry.
 *
 * Always true after link: an inode's i_nlink is the number of directory
 * entries naming it; a directory never gets a second name (EPERM); both
 * names are on one mount (EXDEV); an inode whose last name is gone cannot
 * get a new one (ENOENT), unless it was made by O_TMPFILE without O_EXCL
 * (I_LINKABLE).
 */
#include "vfs.h"
#include "../kernel/errno.h"
#include "../kernel/proc.h"
#include "../kernel/syscalls.h"
#include "../kernel/uaccess.h"

/* ---- symlink ---- */

static long do_symlink(const char *target, struct nameidata *nd)
{
	int err = may_create(nd, false);
	if (err)
		return err;
	struct inode *dir = nd->parent.inode;
	if (!dir->i_op->symlink)
		return -EPERM;
	return dir->i_op->symlink(dir, nd->last, nd->len, target);
}

long sys_symlinkat(uintptr_t utarget, int newdirfd, uintptr_t upath)
{
	char *target, *name;
	struct nameidata nd;
	long err = getname(utarget, &target);
	if (err)
		return err;
	err = user_parent(newdirfd, upath, &name, &nd);
	if (!err) {
		err = do_symlink(target, &nd);
		parent_done(name, &nd);
	}
	putname(target);
	return err;
}

long sys_symlink(uintptr_t utarget, uintptr_t upath)
{
	return sys_symlinkat(utarget, AT_FDCWD, upath);
}

/* ---- link ---- */

/* The inode linkat gives a new name: a path (links followed with
 * AT_SYMLINK_FOLLOW), or with AT_EMPTY_PATH and "" the open file olddirfd. */
static long link_source(int olddirfd, uintptr_t upath, int flags, struct path *out)
{
	char first = 0;
	if ((flags & AT_EMPTY_PATH) && !copy_from_user(&first, upath, 1) && first == 0) {
		if (olddirfd == AT_FDCWD) {
			cwd_get(out);   /* a directory: EPERM later, as Linux */
			return 0;
		}
		struct file *f = fget(olddirfd);
		if (!f)
			return -EBADF;
		if (!f->f_path.mnt)
			return -ENOENT;
		*out = f->f_path;
		path_get(out);
		return 0;
	}
	return user_path_at(olddirfd, upath, flags & AT_SYMLINK_FOLLOW ? LOOKUP_FOLLOW : 0, out);
}

static long do_link(struct path *old, struct nameidata *nd)
{
	int err = may_create(nd, false);
	if (err)
		return err;
	if (old->mnt != nd->parent.mnt)
		return -EXDEV;
	struct inode *dir = nd->parent.inode, *inode = old->inode;
	if (!dir->i_op->link || inode_is_dir(inode))
		return -EPERM;
	if (!inode->i_nlink && !(inode->i_state & I_LINKABLE))
		return -ENOENT;
	err = dir->i_op->link(inode, dir, nd->last, nd->len);
	if (!err)
		inode->i_state &= ~I_LINKABLE;
	return err;
}

long sys_linkat(int olddirfd, uintptr_t oldpath, int newdirfd, uintptr_t newpath, int flags)
{
	if (flags & ~(AT_SYMLINK_FOLLOW | AT_EMPTY_PATH))
		return -EINVAL;
	struct path old;
	long err = link_source(olddirfd, oldpath, flags, &old);
	if (err)
		return err;
	char *name;
	struct nameidata nd;
	err = user_parent(newdirfd, newpath, &name, &nd);
	if (!err) {
		err = do_link(&old, &nd);
		parent_done(name, &nd);
	}
	path_put(&old);
	return err;
}

long sys_link(uintptr_t oldpath, uintptr_t newpath)
{
	return sys_linkat(AT_FDCWD, oldpath, AT_FDCWD, newpath, 0);
}

/* ---- mknod ---- */

/* Linux's may_mknod: the file types mknod makes (0 is a regular file). */
static int mknod_type_ok(uint32_t mode)
{
	switch (mode & S_IFMT) {
	case 0: case S_IFREG: case S_IFCHR: case S_IFBLK: case S_IFIFO: case S_IFSOCK:
		return 0;
	case S_IFDIR:
		return -EPERM;
	default:
		return -EINVAL;
	}
}

static long do_mknod(struct nameidata *nd, uint32_t mode, uint32_t dev)
{
	int err = may_create(nd, false);
	if (err)
		return err;
	struct inode *dir = nd->parent.inode, *inode;
	mode = (mode & S_IFMT) | (mode & 07777 & ~current_proc()->fs->umask);
	if (!(mode & S_IFMT) || (mode & S_IFMT) == S_IFREG) {
		if (!dir->i_op->create)
			return -EPERM;
		err = dir->i_op->create(dir, nd->last, nd->len, S_IFREG | mode, &inode);
		if (!err)
			iput(inode);
		return err;
	}
	if (!dir->i_op->mknod)
		return -EPERM;
	bool device = (mode & S_IFMT) == S_IFCHR || (mode & S_IFMT) == S_IFBLK;
	return dir->i_op->mknod(dir, nd->last, nd->len, mode, device ? dev : 0);
}

long sys_mknodat(int dirfd, uintptr_t upath, uint32_t mode, uint32_t dev)
{
	long err = mknod_type_ok(mode);
	if (err)
		return err;
	char *name;
	struct nameidata nd;
	err = user_parent(dirfd, upath, &name, &nd);
	if (err)
		return err;
	err = do_mknod(&nd, mode, dev);
	parent_done(name, &nd);
	return err;
}

long sys_mknod(uintptr_t upath, uint32_t mode, uint32_t dev)
{
	return sys_mknodat(AT_FDCWD, upath, mode, dev);
}
