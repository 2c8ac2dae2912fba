/*
 * Path lookup: a name becomes a (mount, inode), one component at a time,
 * from the root ("/...") or from the process's current directory (or a
 * directory fd for the *at calls). ".." goes to the parent (crossing a mount
 * point upwards; "/.." is "/"); a directory with a file system mounted on it
 * is replaced by that file system's root.
 *
 * Symbolic links: a link met before the last component is always followed;
 * the last one only with LOOKUP_FOLLOW or a trailing slash ("link/"). The
 * walk is a loop over a stack of strings, not a recursion:
 *
 *   rest[0]  what is left of the name        "a/link/c"   -> "/c"
 *   rest[1]  what is left of link's text     "x/y"        -> "y"
 *   ...      (a link met in a link's text is pushed above it)
 *
 * Entering a link pushes its text (an absolute one restarts at the root);
 * a string used up is popped and its buffer freed. A /proc link with a
 * get_link operation jumps straight to a place instead.
 *
 * Invariants: every struct path handed out holds one inode reference
 * (path_put drops it); mounts live as long as the system (no umount); one
 * lookup follows at most MAXSYMLINKS links in all (then ELOOP), so the
 * stack never holds more than MAXSYMLINKS + 1 strings.
 */
#include "vfs.h"
#include "../kernel/errno.h"
#include "../kernel/proc.h"
#include "../kernel/string.h"
#include "../kernel/uaccess.h"
#include "../mm/kheap.h"

enum { MAXSYMLINKS = 40 };

long getname(uintptr_t upath, char **out)
{
	char *buf = kmalloc(PATH_MAX);
	if (!buf)
		return -ENOMEM;
	long len = strncpy_from_user(buf, upath, PATH_MAX);
	if (len >= 0 && len == 0)
		len = -ENOENT;
	if (len < 0) {
		kfree(buf);
		return len;
	}
	*out = buf;
	return 0;
}

void putname(char *name)
{
	kfree(name);
}

void path_get(struct path *p)
{
	igrab(p->inode);
}

void path_put(struct path *p)
{
	iput(p->inode);
}

bool name_is_dot(const char *name, size_t len)
{
	return len == 1 && name[0] == '.';
}

bool name_is_dotdot(const char *name, size_t len)
{
	return len == 2 && name[0] == '.' && name[1] == '.';
}

bool inode_is_link(const struct inode *inode)
{
	return (inode->i_mode & S_IFMT) == S_IFLNK;
}

/* ---- the current directory ---- */

/* struct fs_struct: one cwd, shared by the threads made with CLONE_FS
 * (count of them), copied by fork. Its cwd holds one inode reference. */
void cwd_get(struct path *out)
{
	struct fs_struct *fs = current_proc()->fs;
	spin_lock(&fs->lock);
	*out = (struct path){ fs->cwd_mnt, fs->cwd };
	path_get(out);
	spin_unlock(&fs->lock);
}

struct fs_struct *fs_struct_alloc(void)
{
	struct fs_struct *fs = kzalloc(sizeof(*fs));
	if (fs) {
		fs->count = 1;
		fs->umask = 022;   /* init's; fork copies the parent's */
		spin_lock_init(&fs->lock, "fs->lock");
	}
	return fs;
}

int copy_fs(struct proc *child, struct proc *parent, bool share)
{
	struct fs_struct *from = parent->fs;
	if (share) {
		__atomic_add_fetch(&from->count, 1, __ATOMIC_ACQ_REL);
		child->fs = from;
		return 0;
	}
	if (!(child->fs = fs_struct_alloc()))
		return -ENOMEM;
	child->fs->cwd_mnt = from->cwd_mnt;
	child->fs->cwd = igrab(from->cwd);
	child->fs->umask = from->umask;
	return 0;
}

void fs_put(struct proc *p)
{
	struct fs_struct *fs = p->fs;
	p->fs = NULL;
	if (!fs || __atomic_sub_fetch(&fs->count, 1, __ATOMIC_ACQ_REL))
		return;
	iput(fs->cwd);
	kfree(fs);
}

/* ---- one step ---- */

static void path_replace(struct path *p, struct mount *mnt, struct inode *inode)
{
	iput(p->inode);
	p->mnt = mnt;
	p->inode = inode;
}

static void path_set_root(struct path *p)
{
	path_replace(p, root_mount(), igrab(root_mount()->mnt_sb->s_root));
}

static bool is_mount_root(const struct path *p)
{
	return p->inode == p->mnt->mnt_sb->s_root;
}

/* ".." from p, up through mount points. */
static int walk_dotdot(struct path *p)
{
	while (is_mount_root(p) && p->mnt->mnt_parent != p->mnt)
		path_replace(p, p->mnt->mnt_parent, igrab(p->mnt->mnt_mountpoint));
	if (is_mount_root(p))
		return 0;   /* "/.." is "/" */
	struct inode *up;
	int err = p->inode->i_op->lookup(p->inode, "..", 2, &up);
	if (!err)
		path_replace(p, p->mnt, up);
	return err;
}

/* Down into mounted file systems at p, if any. */
static void follow_mounts(struct path *p)
{
	struct mount *m;
	while ((m = lookup_mnt(p->mnt, p->inode)))
		path_replace(p, m, igrab(m->mnt_sb->s_root));
}

/* Replace p (a directory) by its entry name (a link is not followed). */
static int walk_component(struct path *p, const char *name, size_t len)
{
	if (!inode_is_dir(p->inode))
		return -ENOTDIR;
	if (len > NAME_MAX)
		return -ENAMETOOLONG;
	if (name_is_dot(name, len))
		return 0;
	if (name_is_dotdot(name, len))
		return walk_dotdot(p);
	if (!p->inode->i_op || !p->inode->i_op->lookup)
		return -ENOTDIR;
	struct inode *child;
	int err = p->inode->i_op->lookup(p->inode, name, len, &child);
	if (err)
		return err;
	path_replace(p, p->mnt, child);
	follow_mounts(p);
	return 0;
}

int vfs_lookup_one(struct path *dir, const char *name, size_t len, struct path *out)
{
	*out = *dir;
	path_get(out);
	int err = walk_component(out, name, len);
	if (err)
		path_put(out);
	return err;
}

/* ---- the walk: a stack of strings ---- */

struct walk {
	struct path dir;                       /* where the walk is (referenced) */
	int links;                             /* followed so far */
	int depth;                             /* rest[depth] is being walked */
	const char *rest[MAXSYMLINKS + 1];     /* what is left of each string */
	char *text[MAXSYMLINKS + 1];           /* the link texts' buffers (text[0]: none) */
	struct file *via;                      /* the open file the last /proc link led through */
};

static int walk_start(int dirfd, const char *name, struct path *out)
{
	if (name[0] == '/') {
		*out = (struct path){ root_mount(), root_mount()->mnt_sb->s_root };
		path_get(out);
		return 0;
	}
	if (dirfd == AT_FDCWD) {
		cwd_get(out);
		return 0;
	}
	struct file *f = fget(dirfd);
	if (!f)
		return -EBADF;
	if (!f->f_path.mnt || !inode_is_dir(f->f_inode))
		return -ENOTDIR;
	*out = f->f_path;
	path_get(out);
	return 0;
}

/* A new walk of name from dirfd (kfree it with walk_end). */
static struct walk *walk_begin(int dirfd, const char *name, int *err)
{
	*err = strlen(name) >= PATH_MAX ? -ENAMETOOLONG : 0;
	struct walk *w = *err ? NULL : kzalloc(sizeof(*w));
	if (!*err && !w)
		*err = -ENOMEM;
	if (w && (*err = walk_start(dirfd, name, &w->dir))) {
		kfree(w);
		w = NULL;
	}
	if (w)
		w->rest[0] = name;
	return w;
}

/* The walk's buffers (its dir's reference has been taken or dropped). */
static void walk_end(struct walk *w)
{
	for (int d = 1; d <= w->depth; d++)
		kfree(w->text[d]);
	if (w->via)
		fput(w->via);
	kfree(w);
}

/* The next component from the top string (used-up strings are popped):
 * false at the end of the whole name. */
static bool next_component(struct walk *w, const char **c, size_t *len)
{
	for (;;) {
		const char *s = w->rest[w->depth];
		while (*s == '/')
			s++;
		if (*s) {
			const char *e = s;
			while (*e && *e != '/')
				e++;
			w->rest[w->depth] = e;
			*c = s;
			*len = (size_t)(e - s);
			return true;
		}
		w->rest[w->depth] = s;
		if (!w->depth)
			return false;
		kfree(w->text[w->depth--]);
	}
}

/* Is the component just taken the last of all? *trailing: slashes follow it. */
static bool at_last(const struct walk *w, bool *trailing)
{
	*trailing = false;
	for (int d = w->depth; d >= 0; d--) {
		const char *s = w->rest[d];
		*trailing = *trailing || *s == '/';
		while (*s == '/')
			s++;
		if (*s)
			return false;
	}
	return true;
}

/* The text of a link, NUL-terminated, in a new buffer. */
static int link_text(struct inode *link, char **out)
{
	if (!link->i_op || !link->i_op->readlink)
		return -ENOENT;
	char *buf = kmalloc(PATH_MAX);
	if (!buf)
		return -ENOMEM;
	long n = link->i_op->readlink(link, buf, PATH_MAX - 1);
	if (n <= 0) {
		kfree(buf);
		return n ? (int)n : -ENOENT;
	}
	buf[n] = 0;
	*out = buf;
	return 0;
}

/* Enter the link at *link (found in w->dir; the reference is dropped): push
 * its text, or jump where a /proc link points. */
static int push_link(struct walk *w, struct path *link)
{
	int err = ++w->links > MAXSYMLINKS ? -ELOOP : 0;
	const struct inode_operations *op = link->inode->i_op;
	if (!err && op && op->get_link) {
		struct path to;
		struct file *via = NULL;
		if (!(err = op->get_link(link->inode, &to, &via)))
			path_replace(&w->dir, to.mnt, to.inode);
		if (w->via)
			fput(w->via);
		w->via = via ? get_file(via) : NULL;
	} else if (!err) {
		char *text = NULL;
		if (!(err = link_text(link->inode, &text))) {
			w->depth++;
			w->rest[w->depth] = w->text[w->depth] = text;
			if (text[0] == '/')
				path_set_root(&w->dir);
		}
	}
	path_put(link);
	return err;
}

/* w->dir's entry c, entered (a link followed when follow is set). */
static int walk_into(struct walk *w, const char *c, size_t len, bool follow)
{
	struct path child;
	int err = vfs_lookup_one(&w->dir, c, len, &child);
	if (err)
		return err;
	if (follow && inode_is_link(child.inode))
		return push_link(w, &child);
	path_replace(&w->dir, child.mnt, child.inode);
	return 0;
}

/* The last component's name into nd's own buffer (a link's text is freed
 * when the walk ends). */
static int keep_last(struct nameidata *nd, const char *c, size_t len)
{
	if (len > NAME_MAX)
		return -ENAMETOOLONG;
	memcpy(nd->name, c, len);
	nd->name[len] = 0;
	nd->last = nd->name;
	nd->len = len;
	return 0;
}

/* Walk to the directory holding the last component: nd->last and nd->len
 * (len 0: the name ends at w->dir itself, as "/" does). */
static int walk_to_last(struct walk *w, struct nameidata *nd)
{
	const char *c;
	size_t len;
	while (next_component(w, &c, &len)) {
		if (at_last(w, &nd->trailing))
			return keep_last(nd, c, len);
		int err = walk_into(w, c, len, true);
		if (err)
			return err;
	}
	return keep_last(nd, "", 0);
}

/* ---- whole paths ---- */

int path_parent_at(int dirfd, const char *name, struct nameidata *nd)
{
	int err;
	struct walk *w = walk_begin(dirfd, name, &err);
	if (!w)
		return err;
	err = walk_to_last(w, nd);
	if (err)
		path_put(&w->dir);
	else
		nd->parent = w->dir;   /* the reference passes */
	walk_end(w);
	return err;
}

/* The last component in w->dir: *out, with links followed as flags say;
 * nd names its directory and name. */
static int walk_last(struct walk *w, struct nameidata *nd, unsigned flags, struct path *out)
{
	for (;;) {
		int err = walk_to_last(w, nd);
		if (err)
			return err;
		*out = w->dir;
		path_get(out);
		if (!nd->len)
			return 0;
		if ((err = walk_component(out, nd->last, nd->len))) {
			path_put(out);
			out->inode = NULL;
			return err == -ENOENT && (flags & LOOKUP_CREATE) ? 0 : err;
		}
		if (!inode_is_link(out->inode) || !((flags & LOOKUP_FOLLOW) || nd->trailing))
			return 0;
		if ((err = push_link(w, out)))   /* a slash after it stays in rest[] */
			return err;
	}
}

/* A walk that ended on a file a /proc link led to: its name is the name
 * that file was opened by (so a reopened file has a name too). */
static void name_from_via(struct walk *w, struct nameidata *nd, const struct path *out)
{
	struct file *via = w->via;
	if (nd->len || !via || !via->f_dname || via->f_inode != out->inode)
		return;
	path_put(&w->dir);
	w->dir = via->f_dir;
	path_get(&w->dir);
	keep_last(nd, via->f_dname, strlen(via->f_dname));
}

int path_lookup_at(int dirfd, const char *name, unsigned flags, struct nameidata *nd, struct path *out)
{
	int err;
	struct walk *w = walk_begin(dirfd, name, &err);
	if (!w)
		return err;
	err = walk_last(w, nd, flags, out);
	if (!err && out->inode)
		name_from_via(w, nd, out);
	if (!err && nd->trailing && !(flags & LOOKUP_CREATE) && !inode_is_dir(out->inode)) {
		path_put(out);
		err = -ENOTDIR;
	}
	if (err)
		path_put(&w->dir);
	else
		nd->parent = w->dir;
	walk_end(w);
	return err;
}

int kern_path_at(int dirfd, const char *name, unsigned flags, struct path *out)
{
	struct nameidata nd;
	int err = path_lookup_at(dirfd, name, flags, &nd, out);
	if (!err)
		path_put(&nd.parent);
	return err;
}

int kern_path(const char *name, struct path *out)
{
	return kern_path_at(AT_FDCWD, name, LOOKUP_FOLLOW, out);
}

long user_path_at(int dirfd, uintptr_t upath, unsigned flags, struct path *out)
{
	char *name;
	long err = getname(upath, &name);
	if (err)
		return err;
	err = kern_path_at(dirfd, name, flags, out);
	putname(name);
	return err;
}

/* ---- the name of a place (getcwd) ---- */

struct find_name {
	struct dir_context ctx;
	uint64_t ino;
	char *name;   /* NAME_MAX + 1 */
	bool found;
};

static bool match_ino(struct dir_context *ctx, const char *name, size_t len, uint64_t ino, unsigned type)
{
	(void)type;
	struct find_name *f = (struct find_name *)ctx;
	if (ino != f->ino || name_is_dot(name, len) || name_is_dotdot(name, len))
		return true;
	memcpy(f->name, name, len);
	f->name[len] = 0;
	f->found = true;
	return false;
}

/* The name of child in directory dir, into name. */
static int name_in_dir(struct inode *dir, struct inode *child, char *name)
{
	struct find_name f = { { match_ino, 0 }, child->i_ino, name, false };
	struct file tmp = { .f_count = 1, .f_mode = FMODE_READ, .f_op = dir->i_fop, .f_inode = dir };
	tmp.f_path.inode = dir;
	if (!dir->i_fop || !dir->i_fop->iterate)
		return -ENOENT;
	while (!f.found) {
		uint64_t before = f.ctx.pos;
		int err = dir->i_fop->iterate(&tmp, &f.ctx);
		if (err)
			return err;
		if (f.ctx.pos == before && !f.found)
			return -ENOENT;   /* the end: not there (an unlinked directory) */
	}
	return 0;
}

/* Prepend "/name" to the text ending at buf + *at. */
static int prepend(char *buf, size_t *at, const char *name)
{
	size_t n = strlen(name);
	if (n + 1 > *at)
		return -ENAMETOOLONG;
	*at -= n;
	memcpy(buf + *at, name, n);
	buf[--*at] = '/';
	return 0;
}

static long build_name(struct path *p, char *tmp, char *name, size_t *at)
{
	if (!inode_is_dir(p->inode))
		return -ENOTDIR;   /* a file's name is its open file's (file_path_name) */
	for (;;) {
		while (is_mount_root(p) && p->mnt->mnt_parent != p->mnt)
			path_replace(p, p->mnt->mnt_parent, igrab(p->mnt->mnt_mountpoint));
		if (is_mount_root(p))
			return 0;
		struct inode *child = igrab(p->inode);
		int err = walk_dotdot(p);
		if (!err)
			err = name_in_dir(p->inode, child, name);
		iput(child);
		if (!err)
			err = prepend(tmp, at, name);
		if (err)
			return err;
	}
}

long file_path_name(struct file *f, char *buf, size_t size)
{
	if (!f->f_dname)
		return path_name(&f->f_path, buf, size);
	long n = path_name(&f->f_dir, buf, size);
	size_t k = strlen(f->f_dname);
	if (n < 0)
		return n;
	if (n > 1)
		buf[n++] = '/';
	if ((size_t)n + k + 1 > size)
		return -ENAMETOOLONG;
	memcpy(buf + n, f->f_dname, k + 1);
	return n + (long)k;
}

void file_set_name(struct file *f, const struct nameidata *nd)
{
	if (!nd->len || name_is_dot(nd->last, nd->len) || name_is_dotdot(nd->last, nd->len) ||
	    inode_is_dir(f->f_inode) || !(f->f_dname = kmalloc(nd->len + 1)))
		return;
	memcpy(f->f_dname, nd->last, nd->len);
	f->f_dname[nd->len] = 0;
	f->f_dir = nd->parent;
	path_get(&f->f_dir);
}

long path_name(const struct path *where, char *buf, size_t size)
{
	char *tmp = kmalloc(PATH_MAX), *name = kmalloc(NAME_MAX + 1);
	struct path p = *where;
	path_get(&p);
	size_t at = PATH_MAX - 1;
	long err = tmp && name ? build_name(&p, tmp, name, &at) : -ENOMEM;
	path_put(&p);
	if (!err) {
		tmp[PATH_MAX - 1] = 0;
		if (at == PATH_MAX - 1)
			tmp[--at] = '/';
		err = PATH_MAX - 1 - at + 1 > size ? -ERANGE : (long)(PATH_MAX - 1 - at);
		if (err > 0)
			memcpy(buf, tmp + at, err + 1);
	}
	kfree(tmp);
	kfree(name);
	return err;
}
