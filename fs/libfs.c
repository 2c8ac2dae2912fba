/*
 * In-memory directories, shared by the file systems whose whole tree lives
 * in memory: the initial ramdisk, tmpfs and devfs.
 *
 * A directory's i_private is a struct simple_dir: its entries in insertion
 * order, each with a cookie (getdents64's d_off) that never changes, and a
 * reference on its parent directory (for "..").
 *
 * Invariants: each entry holds one reference on its inode (the link is the
 * store: a file lives while it has a name or an opener); a directory's
 * i_nlink = 2 + its subdirectories; its i_size is 20 bytes per entry plus
 * 40, as Linux's tmpfs reports it; cookies grow from 2 ("." is 0, ".." 1).
 */
#include "vfs.h"
#include "../kernel/errno.h"
#include "../kernel/string.h"
#include "../mm/kheap.h"

enum { BOGO_DIRENT_SIZE = 20 };

struct simple_entry {
	struct simple_entry *next;
	struct inode *inode;
	uint64_t cookie;
	size_t len;
	char name[];
};

struct simple_dir {
	struct simple_entry *head;
	struct inode *parent;   /* referenced; itself for a root */
	uint64_t next_cookie;
};

static struct simple_dir *dir_of(struct inode *dir)
{
	return dir->i_private;
}

struct inode *simple_new_dir(struct super_block *sb, struct inode *parent, uint32_t mode)
{
	struct inode *inode = new_inode(sb);
	struct simple_dir *d = kzalloc(sizeof(*d));
	if (!inode || !d) {
		kfree(d);
		if (inode)
			kfree(inode);
		return NULL;
	}
	inode->i_ino = ++sb->s_next_ino;
	inode_init_mode(inode, S_IFDIR | (mode & 07777));
	inode->i_size = 2 * BOGO_DIRENT_SIZE;
	inode->i_op = &simple_dir_inode_operations;
	inode->i_fop = &simple_dir_operations;
	inode->i_private = d;
	d->parent = parent ? igrab(parent) : inode;
	d->next_cookie = 2;
	return inode;
}

/* The directory's part of evicting it (the file system calls this). */
void simple_dir_evict(struct inode *dir)
{
	struct simple_dir *d = dir_of(dir);
	if (d && d->parent != dir)
		iput(d->parent);
	kfree(d);
	dir->i_private = NULL;
}

static struct simple_entry **find_entry(struct inode *dir, const char *name, size_t len)
{
	struct simple_entry **pp = &dir_of(dir)->head;
	for (; *pp; pp = &(*pp)->next)
		if ((*pp)->len == len && !memcmp((*pp)->name, name, len))
			return pp;
	return pp;
}

int simple_lookup(struct inode *dir, const char *name, size_t len, struct inode **out)
{
	if (name_is_dotdot(name, len)) {
		*out = igrab(dir_of(dir)->parent);
		return 0;
	}
	struct simple_entry *e = *find_entry(dir, name, len);
	if (!e || !dir->i_nlink)
		return -ENOENT;
	*out = igrab(e->inode);
	return 0;
}

int simple_link(struct inode *dir, const char *name, size_t len, struct inode *child)
{
	struct simple_entry **pp = find_entry(dir, name, len);
	if (*pp)
		return -EEXIST;
	struct simple_entry *e = kmalloc(sizeof(*e) + len + 1);
	if (!e)
		return -ENOMEM;
	*e = (struct simple_entry){ NULL, child, dir_of(dir)->next_cookie++, len };
	memcpy(e->name, name, len);
	e->name[len] = 0;
	*pp = e;
	dir->i_size += BOGO_DIRENT_SIZE;
	dir->i_mtime = dir->i_ctime = current_time();
	if (inode_is_dir(child)) {
		dir->i_nlink++;
		struct simple_dir *cd = dir_of(child);
		if (cd->parent != dir) {
			if (cd->parent != child)
				iput(cd->parent);
			cd->parent = igrab(dir);
		}
	}
	return 0;
}

/* Take name out of dir; the entry's reference on its inode passes to the caller. */
static struct inode *simple_detach(struct inode *dir, const char *name, size_t len)
{
	struct simple_entry **pp = find_entry(dir, name, len), *e = *pp;
	if (!e)
		return NULL;
	*pp = e->next;
	struct inode *inode = e->inode;
	kfree(e);
	dir->i_size -= BOGO_DIRENT_SIZE;
	dir->i_mtime = dir->i_ctime = current_time();
	if (inode_is_dir(inode))
		dir->i_nlink--;
	return inode;
}

int simple_unlink(struct inode *dir, const char *name, size_t len, struct inode *victim)
{
	struct inode *inode = simple_detach(dir, name, len);
	if (!inode)
		return -ENOENT;
	victim->i_nlink--;
	victim->i_ctime = current_time();
	iput(inode);
	return 0;
}

int simple_rmdir(struct inode *dir, const char *name, size_t len, struct inode *victim)
{
	struct inode *inode = simple_detach(dir, name, len);
	if (!inode)
		return -ENOENT;
	victim->i_nlink = 0;
	iput(inode);
	return 0;
}

bool simple_empty(struct inode *dir)
{
	return !dir_of(dir)->head;
}

int simple_rename(struct inode *odir, const char *oname, size_t olen, struct inode *ndir, const char *nname,
		  size_t nlen, struct inode *victim, struct inode *target)
{
	(void)victim;
	if (target) {
		int err = inode_is_dir(target) ? simple_rmdir(ndir, nname, nlen, target)
					       : simple_unlink(ndir, nname, nlen, target);
		if (err)
			return err;
	}
	struct inode *inode = simple_detach(odir, oname, olen);
	if (!inode)
		return -ENOENT;
	int err = simple_link(ndir, nname, nlen, inode);
	if (err) {
		simple_link(odir, oname, olen, inode);   /* room was just freed there */
		return err;
	}
	inode->i_ctime = current_time();
	return 0;
}

/* A directory moving from one parent to another: its ".." and both link counts. */
static void move_dir(struct inode *child, struct inode *from, struct inode *to)
{
	struct simple_dir *cd = dir_of(child);
	iput(cd->parent);
	cd->parent = igrab(to);
	from->i_nlink--;
	to->i_nlink++;
}

int simple_exchange(struct inode *odir, const char *oname, size_t olen, struct inode *ndir, const char *nname,
		    size_t nlen, struct inode *a, struct inode *b)
{
	struct simple_entry *ea = *find_entry(odir, oname, olen), *eb = *find_entry(ndir, nname, nlen);
	if (!ea || !eb)
		return -ENOENT;
	ea->inode = b;
	eb->inode = a;
	if (odir != ndir && inode_is_dir(a))
		move_dir(a, odir, ndir);
	if (odir != ndir && inode_is_dir(b))
		move_dir(b, ndir, odir);
	a->i_ctime = b->i_ctime = odir->i_mtime = ndir->i_mtime = current_time();
	return 0;
}

static int simple_iterate(struct file *file, struct dir_context *ctx)
{
	struct inode *dir = file->f_inode;
	struct simple_dir *d = dir_of(dir);
	if (ctx->pos == 0 && dir_emit(ctx, ".", 1, dir->i_ino, DT_DIR))
		ctx->pos = 1;
	if (ctx->pos == 1 && dir_emit(ctx, "..", 2, d->parent->i_ino, DT_DIR))
		ctx->pos = 2;
	if (ctx->pos < 2)
		return 0;
	for (struct simple_entry *e = d->head; e; e = e->next) {
		if (e->cookie < ctx->pos)
			continue;
		if (!dir_emit(ctx, e->name, e->len, e->inode->i_ino, dt_type(e->inode->i_mode)))
			return 0;
		ctx->pos = e->cookie + 1;
	}
	ctx->pos = d->next_cookie > ctx->pos ? d->next_cookie : ctx->pos;
	return 0;
}

unsigned dt_type(uint32_t mode)
{
	switch (mode & S_IFMT) {
	case S_IFDIR: return DT_DIR;
	case S_IFREG: return DT_REG;
	case S_IFCHR: return DT_CHR;
	case S_IFBLK: return DT_BLK;
	case S_IFIFO: return DT_FIFO;
	case S_IFLNK: return DT_LNK;
	default: return DT_UNKNOWN;
	}
}

int simple_statfs(struct super_block *sb, struct linux_statfs *st)
{
	st->f_type = (int64_t)sb->s_magic;
	st->f_bsize = 4096;
	return 0;
}

const struct inode_operations simple_dir_inode_operations = {
	.lookup = simple_lookup,
	.is_empty = simple_empty,
};

const struct file_operations simple_dir_operations = {
	.iterate = simple_iterate,
};
