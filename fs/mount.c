/*
 * File system types, super blocks and the mount table.
 *
 * Boot mounts (vfs_init): the initial ramdisk (fs/ramfs.c, read-only) at
 * "/", devfs at /dev, tmpfs at /tmp and /dev/shm, procfs at /proc. Other
 * file systems (ext2 on a disk) mount later with vfs_mount.
 *
 * Invariants: the root mount is its own parent; every other mount covers a
 * directory of its parent (which holds a reference on that inode); a
 * (parent, directory) pair has at most one mount. mount_lock guards the
 * table (outermost lock: docs/locking.md). Nothing is ever unmounted.
 */
#include "vfs.h"
#include "../kernel/errno.h"
#include "../kernel/panic.h"
#include "../kernel/printk.h"
#include "../kernel/string.h"
#include "../mm/filemap.h"
#include "../mm/kheap.h"

enum { MAX_FS_TYPES = 8 };

static const struct file_system_type *fs_types[MAX_FS_TYPES];
static struct mount *mounts, *root;
static struct spinlock mount_lock = SPINLOCK_INIT("mount");
static uint64_t next_dev = 1;

int register_filesystem(const struct file_system_type *fs)
{
	for (int i = 0; i < MAX_FS_TYPES; i++)
		if (!fs_types[i]) {
			fs_types[i] = fs;
			return 0;
		}
	return -ENOMEM;
}

static const struct file_system_type *find_fs(const char *name)
{
	for (int i = 0; i < MAX_FS_TYPES && fs_types[i]; i++)
		if (!strcmp(fs_types[i]->name, name))
			return fs_types[i];
	return NULL;
}

struct mount *root_mount(void)
{
	return root;
}

struct mount *lookup_mnt(struct mount *mnt, struct inode *inode)
{
	struct mount *found = NULL;
	spin_lock(&mount_lock);
	for (struct mount *m = mounts; m && !found; m = m->mnt_next)
		if (m != mnt && m->mnt_parent == mnt && m->mnt_mountpoint == inode)
			found = m;
	spin_unlock(&mount_lock);
	return found;
}

static struct super_block *make_super(const struct file_system_type *type, const void *data, int *err)
{
	struct super_block *sb = kzalloc(sizeof(*sb));
	if (!sb) {
		*err = -ENOMEM;
		return NULL;
	}
	sb->s_type = type;
	sb->s_dev = next_dev++;
	sb->s_blocksize = 4096;
	*err = type->fill_super(sb, data);
	if (*err) {
		kfree(sb);
		return NULL;
	}
	return sb;
}

static void add_mount(struct mount *m)
{
	spin_lock(&mount_lock);
	struct mount **pp = &mounts;
	while (*pp)
		pp = &(*pp)->mnt_next;
	*pp = m;
	spin_unlock(&mount_lock);
}

int vfs_mount(const char *type_name, const void *data, const char *where)
{
	const struct file_system_type *type = find_fs(type_name);
	if (!type)
		return -ENODEV;
	struct path at = { 0 };
	int err = root ? kern_path(where, &at) : 0;
	if (err)
		return err;
	if (root && !inode_is_dir(at.inode)) {
		path_put(&at);
		return -ENOTDIR;
	}
	struct mount *m = kzalloc(sizeof(*m));
	struct super_block *sb = m ? make_super(type, data, &err) : NULL;
	if (!sb) {
		kfree(m);
		if (root)
			path_put(&at);
		return m ? err : -ENOMEM;
	}
	m->mnt_sb = sb;
	m->mnt_parent = root ? at.mnt : m;
	m->mnt_mountpoint = at.inode;   /* the reference passes to the mount */
	strlcpy(m->mnt_path, where, sizeof(m->mnt_path));
	if (!root)
		root = m;
	add_mount(m);
	return 0;
}

int vfs_statfs(struct super_block *sb, struct linux_statfs *st)
{
	memset(st, 0, sizeof(*st));
	int err = sb->s_op && sb->s_op->statfs ? sb->s_op->statfs(sb, st) : 0;
	if (!st->f_namelen)
		st->f_namelen = NAME_MAX;
	if (!st->f_frsize)
		st->f_frsize = st->f_bsize;
	st->f_fsid[0] = (int32_t)sb->s_dev;
	if (sb->s_flags & SB_RDONLY)
		st->f_flags |= ST_RDONLY;
	return err;
}

void sync_filesystems(void)
{
	filemap_sync_all();
	for (struct mount *m = mounts; m; m = m->mnt_next)
		if (m->mnt_sb->s_op && m->mnt_sb->s_op->sync_fs)
			m->mnt_sb->s_op->sync_fs(m->mnt_sb);
}

extern const struct file_system_type ramfs_fs_type, tmpfs_fs_type, devfs_fs_type, proc_fs_type;

static void must_mount(const char *type, const char *where)
{
	int err = vfs_mount(type, NULL, where);
	if (err)
		panic("vfs: cannot mount %s on %s (error %d)", type, where, err);
}

void vfs_init(void)
{
	register_filesystem(&ramfs_fs_type);
	register_filesystem(&tmpfs_fs_type);
	register_filesystem(&devfs_fs_type);
	register_filesystem(&proc_fs_type);
	must_mount("ramfs", "/");
	must_mount("devfs", "/dev");
	must_mount("tmpfs", "/dev/shm");
	must_mount("tmpfs", "/tmp");
	must_mount("proc", "/proc");
}
