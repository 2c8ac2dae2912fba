/*
 * Changing names: mkdir, mkdirat, rmdir, unlink, unlinkat, rename,
 * renameat, renameat2 (fs/link.c: link, symlink, mknod). The VFS resolves
 * the parents and checks everything Linux checks, in Linux's order
 * (fs/namei.c); the file system's inode operation only changes its
 * directory. A symbolic link as the last component is never followed here:
 * these calls act on the link itself.
 */
#include "vfs.h"
#include "../kernel/errno.h"
#include "../kernel/proc.h"
#include "../kernel/syscalls.h"
#include "../kernel/string.h"

static bool rdonly(const struct path *p)
{
	return p->inode->i_sb->s_flags & SB_RDONLY;
}

static bool is_mountpoint(const struct path *p)
{
	return lookup_mnt(p->mnt, p->inode) != NULL;
}

/* The user path's parent, in nd (referenced); the name buffer in *name. */
long user_parent(int dirfd, uintptr_t upath, char **name, struct nameidata *nd)
{
	long err = getname(upath, name);
	if (err)
		return err;
	err = path_parent_at(dirfd, *name, nd);
	if (err)
		putname(*name);
	return err;
}

void parent_done(char *name, struct nameidata *nd)
{
	path_put(&nd->parent);
	putname(name);
}

/* The entry nd names, if any: 0 and *child, or -ENOENT. */
static int lookup_last(struct nameidata *nd, struct path *child)
{
	return vfs_lookup_one(&nd->parent, nd->last, nd->len, child);
}

static bool special_last(const struct nameidata *nd)
{
	return !nd->len || name_is_dot(nd->last, nd->len) || name_is_dotdot(nd->last, nd->len);
}

/* ---- mkdir ---- */

/* May nd's last name be made (mkdir, symlink, link, mknod)? Linux's
 * filename_create order: "/", ".", ".." or an existing name EEXIST; a
 * missing one with a trailing slash ENOENT (but for mkdir); EROFS; a
 * removed directory ENOENT. */
int may_create(struct nameidata *nd, bool is_dir)
{
	if (special_last(nd))
		return -EEXIST;
	struct path child;
	int err = lookup_last(nd, &child);
	if (!err) {
		path_put(&child);
		return -EEXIST;
	}
	if (err != -ENOENT)
		return err;
	if (nd->trailing && !is_dir)
		return -ENOENT;
	if (rdonly(&nd->parent))
		return -EROFS;
	return nd->parent.inode->i_nlink ? 0 : -ENOENT;
}

static long do_mkdir(struct nameidata *nd, int mode)
{
	int err = may_create(nd, true);
	if (err)
		return err;
	struct inode *dir = nd->parent.inode;
	if (!dir->i_op->mkdir)
		return -EPERM;
	return dir->i_op->mkdir(dir, nd->last, nd->len, mode & 07777 & ~current_proc()->fs->umask);
}

long sys_mkdirat(int dirfd, uintptr_t upath, int mode)
{
	char *name;
	struct nameidata nd;
	long err = user_parent(dirfd, upath, &name, &nd);
	if (err)
		return err;
	err = do_mkdir(&nd, mode);
	parent_done(name, &nd);
	return err;
}

long sys_mkdir(uintptr_t upath, int mode)
{
	return sys_mkdirat(AT_FDCWD, upath, mode);
}

/* ---- rmdir and unlink ---- */

static long do_rmdir(struct nameidata *nd)
{
	if (!nd->len)
		return -EBUSY;
	if (name_is_dot(nd->last, nd->len))
		return -EINVAL;
	if (name_is_dotdot(nd->last, nd->len))
		return -ENOTEMPTY;
	if (rdonly(&nd->parent))
		return -EROFS;
	struct path victim;
	int err = lookup_last(nd, &victim);
	if (err)
		return err;
	struct inode *dir = nd->parent.inode, *v = victim.inode;
	if (!inode_is_dir(v))
		err = -ENOTDIR;
	else if (is_mountpoint(&victim) || v == victim.mnt->mnt_sb->s_root)
		err = -EBUSY;
	else if (!v->i_op->is_empty || !v->i_op->is_empty(v))
		err = -ENOTEMPTY;
	else
		err = dir->i_op->rmdir ? dir->i_op->rmdir(dir, nd->last, nd->len, v) : -EPERM;
	path_put(&victim);
	return err;
}

/* May a name of v go (unlink, rename either way)? An active swap file
 * keeps its names, EPERM (Linux's may_delete): swapoff needs the path. */
static int may_delete(const struct inode *v)
{
	return IS_SWAPFILE(v) ? -EPERM : 0;
}

static long do_unlink(struct nameidata *nd)
{
	if (special_last(nd))
		return -EISDIR;
	if (rdonly(&nd->parent))
		return -EROFS;
	struct path victim;
	int err = lookup_last(nd, &victim);
	if (err)
		return err;
	struct inode *dir = nd->parent.inode, *v = victim.inode;
	if (inode_is_dir(v))
		err = -EISDIR;
	else if (nd->trailing)
		err = -ENOTDIR;
	else if (!(err = may_delete(v)))
		err = dir->i_op->unlink ? dir->i_op->unlink(dir, nd->last, nd->len, v) : -EPERM;
	path_put(&victim);
	return err;
}

long sys_unlinkat(int dirfd, uintptr_t upath, int flags)
{
	if (flags & ~AT_REMOVEDIR)
		return -EINVAL;
	char *name;
	struct nameidata nd;
	long err = user_parent(dirfd, upath, &name, &nd);
	if (err)
		return err;
	err = flags & AT_REMOVEDIR ? do_rmdir(&nd) : do_unlink(&nd);
	parent_done(name, &nd);
	return err;
}

long sys_unlink(uintptr_t upath)
{
	return sys_unlinkat(AT_FDCWD, upath, 0);
}

long sys_rmdir(uintptr_t upath)
{
	return sys_unlinkat(AT_FDCWD, upath, AT_REMOVEDIR);
}

/* ---- rename ---- */

/* Is dir inside (or equal to) the directory anc, on the same mount? */
static bool is_ancestor(const struct path *anc, const struct path *dir)
{
	struct path p = *dir;
	path_get(&p);
	bool found = false;
	while (!found && p.inode != p.mnt->mnt_sb->s_root) {
		found = p.inode == anc->inode;
		struct inode *up;
		if (found || p.inode->i_op->lookup(p.inode, "..", 2, &up))
			break;
		iput(p.inode);
		p.inode = up;
	}
	found = found || p.inode == anc->inode;
	path_put(&p);
	return found;
}

static int rename_types(const struct path *old, const struct path *new, const struct nameidata *ond,
			const struct nameidata *nnd)
{
	bool dir = inode_is_dir(old->inode);
	if (!dir && (ond->trailing || nnd->trailing))
		return -ENOTDIR;
	if (!new->inode)
		return 0;
	if (dir && !inode_is_dir(new->inode))
		return -ENOTDIR;
	if (!dir && inode_is_dir(new->inode))
		return -EISDIR;
	if (dir && (!new->inode->i_op->is_empty || !new->inode->i_op->is_empty(new->inode)))
		return -ENOTEMPTY;
	return 0;
}

/* RENAME_EXCHANGE: both names exist and swap; the types may differ. */
static long exchange_checked(struct nameidata *o, struct nameidata *n, struct path *old, struct path *new)
{
	if (!new->inode)
		return -ENOENT;
	if ((!inode_is_dir(new->inode) && n->trailing) || (!inode_is_dir(old->inode) && o->trailing))
		return -ENOTDIR;
	if (is_ancestor(old, &n->parent) || is_ancestor(new, &o->parent))
		return -EINVAL;   /* one inside the other */
	if (old->inode == new->inode)
		return 0;
	if (may_delete(old->inode) || may_delete(new->inode))
		return -EPERM;
	if (is_mountpoint(old) || is_mountpoint(new))
		return -EBUSY;
	struct inode *odir = o->parent.inode, *ndir = n->parent.inode;
	if (!odir->i_op->exchange)
		return -EINVAL;
	return odir->i_op->exchange(odir, o->last, o->len, ndir, n->last, n->len, old->inode, new->inode);
}

static long rename_checked(struct nameidata *o, struct nameidata *n, struct path *old, struct path *new,
			   unsigned flags)
{
	if (flags & RENAME_EXCHANGE)
		return exchange_checked(o, n, old, new);
	int err = rename_types(old, new, o, n);
	if (err)
		return err;
	if (is_ancestor(old, &n->parent))
		return -EINVAL;   /* a directory into itself */
	if (new->inode && is_ancestor(new, &o->parent))
		return -ENOTEMPTY;
	if ((flags & RENAME_NOREPLACE) && new->inode)
		return -EEXIST;
	if (is_mountpoint(old) || (new->inode && is_mountpoint(new)))
		return -EBUSY;
	if (old->inode == new->inode)
		return 0;   /* the same file: nothing to do */
	if (may_delete(old->inode) || (new->inode && may_delete(new->inode)))
		return -EPERM;
	struct inode *odir = o->parent.inode, *ndir = n->parent.inode;
	if (!odir->i_op->rename)
		return -EPERM;
	return odir->i_op->rename(odir, o->last, o->len, ndir, n->last, n->len, old->inode, new->inode);
}

static long do_rename(struct nameidata *o, struct nameidata *n, unsigned flags)
{
	if (special_last(o) || special_last(n))
		return (flags & RENAME_NOREPLACE) && special_last(n) && !special_last(o) ? -EEXIST : -EBUSY;
	if (o->parent.mnt != n->parent.mnt)
		return -EXDEV;
	if (rdonly(&o->parent))
		return -EROFS;
	struct path old, new = { n->parent.mnt, NULL };
	int err = lookup_last(o, &old);
	if (err)
		return err;
	err = lookup_last(n, &new);
	if (err == -ENOENT)
		new.inode = NULL;
	else if (err) {
		path_put(&old);
		return err;
	}
	err = rename_checked(o, n, &old, &new, flags);
	path_put(&old);
	if (new.inode)
		path_put(&new);
	return err;
}

long sys_renameat2(int olddirfd, uintptr_t oldpath, int newdirfd, uintptr_t newpath, unsigned flags)
{
	if (flags & ~(RENAME_NOREPLACE | RENAME_EXCHANGE | RENAME_WHITEOUT))
		return -EINVAL;
	if ((flags & (RENAME_NOREPLACE | RENAME_WHITEOUT)) && (flags & RENAME_EXCHANGE))
		return -EINVAL;
	if (flags & RENAME_WHITEOUT)
		return -EINVAL;   /* not supported by Pagoda's file systems */
	char *oname, *nname;
	struct nameidata o, n;
	long err = user_parent(olddirfd, oldpath, &oname, &o);
	if (err)
		return err;
	err = user_parent(newdirfd, newpath, &nname, &n);
	if (!err) {
		err = do_rename(&o, &n, flags);
		parent_done(nname, &n);
	}
	parent_done(oname, &o);
	return err;
}

long sys_renameat(int olddirfd, uintptr_t oldpath, int newdirfd, uintptr_t newpath)
{
	return sys_renameat2(olddirfd, oldpath, newdirfd, newpath, 0);
}

long sys_rename(uintptr_t oldpath, uintptr_t newpath)
{
	return sys_renameat2(AT_FDCWD, oldpath, AT_FDCWD, newpath, 0);
}
