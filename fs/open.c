/*
 * Opening and closing, truncation and the current directory: open, openat,
 * creat, close, truncate, ftruncate, chdir, fchdir, getcwd; O_TMPFILE (a
 * file with no name: i_nlink 0, I_LINKABLE unless O_EXCL). Linux's checks
 * in Linux's order (fs/open.c and fs/namei.c of Linux 6.1).
 */
#include "vfs.h"
#include "../kernel/errno.h"
#include "../kernel/syscalls.h"
#include "../kernel/printk.h"
#include "../kernel/proc.h"
#include "../kernel/string.h"
#include "../kernel/uaccess.h"
#include "../mm/filemap.h"
#include "../mm/kheap.h"

static bool rdonly(const struct inode *inode)
{
	return inode->i_sb->s_flags & SB_RDONLY;
}

/* Set a regular file's size: cached pages past it leave every mapping and
 * the cache; the file system frees its blocks. */
int vfs_truncate(struct inode *inode, uint64_t size)
{
	if (size > INT64_MAX)
		return -EINVAL;
	if (IS_SWAPFILE(inode) && size <= inode->i_size)
		return -ETXTBSY;   /* as Linux: swap-out would write to freed blocks */
	if (size < inode->i_size)
		truncate_inode_pages(inode->i_mapping, size);
	int err = inode->i_op && inode->i_op->setsize ? inode->i_op->setsize(inode, size) : 0;
	if (!err) {
		inode->i_size = size;
		inode->i_mtime = inode->i_ctime = current_time();
	}
	return err;
}

/* May an open with these flags use this inode? */
static int may_open(struct inode *inode, int flags)
{
	int acc = flags & O_ACCMODE;
	if (inode_is_dir(inode) && (acc != O_RDONLY || (flags & O_TRUNC)))
		return -EISDIR;
	if ((flags & O_DIRECTORY) && !inode_is_dir(inode))
		return -ENOTDIR;
	if (inode_is_reg(inode) && rdonly(inode) && (acc != O_RDONLY || (flags & O_TRUNC)))
		return -EROFS;
	return 0;
}

/* The last component under O_CREAT: found (out->inode), or made in nd's
 * directory. Returns 1 if made. */
static int open_create(struct nameidata *nd, int flags, int mode, struct path *out)
{
	if (!nd->len || nd->trailing || name_is_dot(nd->last, nd->len) || name_is_dotdot(nd->last, nd->len)) {
		if (out->inode)
			path_put(out);
		return nd->len && !nd->trailing && (flags & O_EXCL) ? -EEXIST : -EISDIR;
	}
	if (out->inode) {
		int err = flags & O_EXCL ? -EEXIST : inode_is_link(out->inode) ? -ELOOP : 0;
		if (err)
			path_put(out);
		return err;
	}
	struct inode *dir = nd->parent.inode;
	if (rdonly(dir))
		return -EROFS;
	if (!dir->i_op || !dir->i_op->create)
		return -EACCES;
	if (!dir->i_nlink)
		return -ENOENT;   /* the directory was removed */
	struct inode *inode;
	int err = dir->i_op->create(dir, nd->last, nd->len, S_IFREG | (mode & 07777 & ~current_proc()->fs->umask), &inode);
	if (err)
		return err;
	*out = (struct path){ nd->parent.mnt, inode };
	return 1;   /* created: no truncation, no access check (Linux) */
}

/* Does open follow a link in the last component? Not with O_NOFOLLOW, nor
 * with O_CREAT | O_EXCL (the name itself must be new). */
static unsigned open_lookup_flags(int flags)
{
	bool excl = (flags & O_CREAT) && (flags & O_EXCL);
	return (flags & O_NOFOLLOW) || excl ? 0 : LOOKUP_FOLLOW;
}

/* The file to open, and nd for its name (nd->parent referenced on success). */
static int open_path(int dirfd, const char *name, int flags, int mode, struct nameidata *nd, struct path *out)
{
	unsigned lf = open_lookup_flags(flags) | (flags & O_CREAT ? LOOKUP_CREATE : 0);
	int err = path_lookup_at(dirfd, name, lf, nd, out);
	if (err)
		return err;
	if (flags & O_CREAT)
		err = open_create(nd, flags, mode, out);
	else if (inode_is_link(out->inode))
		err = (path_put(out), -ELOOP);   /* O_NOFOLLOW */
	if (err < 0)
		path_put(&nd->parent);
	return err;
}

struct file *vfs_open(const struct path *path, int flags, int *err)
{
	struct file *f = alloc_file(path, flags, path->inode->i_fop);
	if (!f) {
		*err = -ENOMEM;
		return NULL;
	}
	if (f->f_op->open && (*err = f->f_op->open(path->inode, f))) {
		fput_unopened(f);   /* no release for what never opened */
		return NULL;
	}
	return f;
}

/* Open name (relative to dirfd) for the kernel or a process: *err on failure. */
static struct file *open_name(int dirfd, const char *name, int flags, int mode, int *err)
{
	struct path path;
	struct nameidata nd;
	int created = open_path(dirfd, name, flags, mode, &nd, &path);
	if (created < 0) {
		*err = created;
		return NULL;
	}
	*err = created ? 0 : may_open(path.inode, flags);
	if (!*err && !created && (flags & O_TRUNC) && inode_is_reg(path.inode))
		*err = vfs_truncate(path.inode, 0);
	struct file *f = *err ? NULL : vfs_open(&path, flags, err);
	if (f)
		file_set_name(f, &nd);
	path_put(&path);
	path_put(&nd.parent);
	return f;
}

/* ---- O_TMPFILE: a file with no name, in a directory's file system ---- */

static int tmpfile_inode(struct path *dir, int flags, int mode, struct inode **out)
{
	struct inode *d = dir->inode;
	if (!inode_is_dir(d))
		return -ENOTDIR;
	if (rdonly(d))
		return -EROFS;
	if (!d->i_op || !d->i_op->tmpfile)
		return -EOPNOTSUPP;
	int err = d->i_op->tmpfile(d, mode & 07777 & ~current_proc()->fs->umask, out);
	if (!err && !(flags & O_EXCL))
		(*out)->i_state |= I_LINKABLE;   /* linkat may name it */
	return err;
}

/* Its name for /proc/PID/fd: "#ino" in the directory (Linux's "/tmp/#123"). */
static void tmpfile_name(struct file *f, struct path *dir)
{
	char name[24];
	int n = snprintf(name, sizeof(name), "#%lu", f->f_inode->i_ino);
	if (!(f->f_dname = kmalloc(n + 1)))
		return;
	memcpy(f->f_dname, name, n + 1);
	f->f_dir = *dir;
	path_get(&f->f_dir);
}

static struct file *open_tmpfile(int dirfd, const char *name, int flags, int mode, int *err)
{
	struct path dir;
	struct nameidata nd;
	if ((*err = path_lookup_at(dirfd, name, LOOKUP_FOLLOW, &nd, &dir)))
		return NULL;
	path_put(&nd.parent);
	struct inode *inode = NULL;
	*err = tmpfile_inode(&dir, flags, mode, &inode);
	struct path path = { dir.mnt, inode };
	struct file *f = *err ? NULL : vfs_open(&path, flags, err);
	if (f)
		tmpfile_name(f, &dir);
	iput(inode);
	path_put(&dir);
	return f;
}

/* Linux's build_open_flags checks, before the name is read. */
static int open_flags_ok(int flags)
{
	if (!(flags & __O_TMPFILE))
		return 0;
	if ((flags & (O_TMPFILE | O_CREAT)) != O_TMPFILE || (flags & O_ACCMODE) == O_RDONLY)
		return -EINVAL;
	return 0;
}

static long do_open(int dirfd, const char *name, int flags, int mode)
{
	int err;
	struct file *f = flags & __O_TMPFILE ? open_tmpfile(dirfd, name, flags, mode, &err)
					     : open_name(dirfd, name, flags, mode, &err);
	if (!f)
		return err;
	int fd = fd_install(f, 0, flags & O_CLOEXEC);
	if (fd < 0)
		fput(f);
	return fd;
}

static long open_user(int dirfd, uintptr_t upath, int flags, int mode)
{
	char *name;
	long err = open_flags_ok(flags);
	err = err ? err : getname(upath, &name);
	if (err)
		return err;
	err = do_open(dirfd, name, flags, mode);
	putname(name);
	return err;
}

long sys_open(uintptr_t path, int flags, int mode)
{
	return open_user(AT_FDCWD, path, flags, mode);
}

long sys_openat(int dirfd, uintptr_t path, int flags, int mode)
{
	return open_user(dirfd, path, flags, mode);
}

long sys_creat(uintptr_t path, int mode)
{
	return open_user(AT_FDCWD, path, O_CREAT | O_WRONLY | O_TRUNC, mode);
}

long sys_close(int fd)
{
	return fd_close(fd);
}

/* Open a file from the kernel (exec): *err on failure. */
struct file *filp_open(const char *name, int flags, int *err)
{
	return open_name(AT_FDCWD, name, flags & ~(O_CREAT | O_TRUNC), 0, err);
}

/* ---- truncation ---- */

long sys_ftruncate(int fd, int64_t length)
{
	if (length < 0)
		return -EINVAL;
	struct file *f = fget(fd);
	if (!f)
		return -EBADF;
	if (!f->f_inode || !inode_is_reg(f->f_inode) || !(f->f_mode & FMODE_WRITE))
		return -EINVAL;
	return vfs_truncate(f->f_inode, (uint64_t)length);
}

long sys_truncate(uintptr_t upath, int64_t length)
{
	if (length < 0)
		return -EINVAL;
	struct path path;
	long err = user_path_at(AT_FDCWD, upath, LOOKUP_FOLLOW, &path);
	if (err)
		return err;
	if (inode_is_dir(path.inode))
		err = -EISDIR;
	else if (!inode_is_reg(path.inode))
		err = -EINVAL;
	else if (rdonly(path.inode))
		err = -EROFS;
	else
		err = vfs_truncate(path.inode, (uint64_t)length);
	path_put(&path);
	return err;
}

/* ---- the current directory ---- */

static void set_cwd(struct path *p)
{
	struct fs_struct *fs = current_proc()->fs;
	spin_lock(&fs->lock);
	struct inode *old = fs->cwd;
	fs->cwd_mnt = p->mnt;
	fs->cwd = p->inode;   /* the reference passes */
	spin_unlock(&fs->lock);
	iput(old);
}

long sys_chdir(uintptr_t upath)
{
	struct path path;
	long err = user_path_at(AT_FDCWD, upath, LOOKUP_FOLLOW, &path);
	if (err)
		return err;
	if (!inode_is_dir(path.inode)) {
		path_put(&path);
		return -ENOTDIR;
	}
	set_cwd(&path);
	return 0;
}

long sys_fchdir(int fd)
{
	struct file *f = fget(fd);
	if (!f)
		return -EBADF;
	if (!f->f_path.mnt || !inode_is_dir(f->f_inode))
		return -ENOTDIR;
	struct path p = f->f_path;
	path_get(&p);
	set_cwd(&p);
	return 0;
}

long sys_getcwd(uintptr_t ubuf, size_t size)
{
	struct path cwd;
	cwd_get(&cwd);
	char *buf = kmalloc(PATH_MAX);
	long n = buf ? path_name(&cwd, buf, size < PATH_MAX ? size : PATH_MAX) : -ENOMEM;
	path_put(&cwd);
	if (n >= 0)
		n = copy_to_user(ubuf, buf, n + 1) ? -EFAULT : n + 1;
	kfree(buf);
	return n;
}
