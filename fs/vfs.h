/*
 * The virtual file system: the one interface every file system, device and
 * file type implements, and the objects the rest of the kernel holds.
 *
 * Objects (Linux vocabulary):
 *   struct super_block   one mounted file system instance (s_op, s_root, flags)
 *   struct mount         where a super_block's root is attached in the tree
 *   struct inode         one file, directory or device: mode, size, nlink,
 *                        i_count, i_op (names), i_fop (I/O on an open file),
 *                        i_mapping (its page cache, mm/filemap.c)
 *   struct file          one open file description: f_pos, f_flags, f_op,
 *                        f_inode; shared by dup and fork
 *   struct path          (mount, inode): a place in the tree
 *
 * WHAT A FILE SYSTEM IMPLEMENTS
 *
 * 1. A struct file_system_type with fill_super(sb, data): set sb->s_op,
 *    sb->s_root (an inode with i_count 1, owned by the superblock),
 *    sb->s_blocksize, sb->s_magic, SB_RDONLY if need be. Return 0 or -errno
 *    (a refused image says why on the console first). vfs_mount(type, data,
 *    path) attaches it; the directory at path must exist.
 *
 * 2. struct inode_operations on directories (NULL entries: -EPERM, or
 *    -EROFS on a SB_RDONLY superblock). `name` is not NUL-terminated: use
 *    `len`. An operation may sleep (disk I/O): no spinlock is held across it.
 *      lookup(dir, name, len, &out)      0 and *out with a new reference
 *                                        (iget or igrab), or -ENOENT; ".."
 *                                        too (the parent; path walks and
 *                                        getcwd climb with it)
 *      create(dir, name, len, mode, &out) new regular file, nlink 1, *out
 *                                        referenced; the VFS has checked
 *                                        the name does not exist
 *      mkdir(dir, name, len, mode)       new directory ("." and ".." are the
 *                                        file system's business), dir->i_nlink++
 *      unlink(dir, name, len, victim)    remove the entry; victim->i_nlink--
 *      rmdir(dir, name, len, victim)     victim is an empty directory (the
 *                                        VFS asked is_empty first): remove
 *                                        it, victim->i_nlink = 0, dir->i_nlink--
 *      rename(odir, oname, olen, ndir, nname, nlen, victim, target)
 *                                        move victim's entry; the VFS has
 *                                        already checked types, emptiness and
 *                                        loops, EXDEV and EROFS; target (or
 *                                        NULL) is the inode the new name
 *                                        replaces: drop it as unlink/rmdir
 *                                        would; a directory moving to a new
 *                                        parent gets its ".." and both
 *                                        parents' link counts fixed
 *      is_empty(dir)                     true if only "." and ".."
 *    On regular files:
 *      setsize(inode, size)              truncate or extend: free blocks past
 *                                        size; the VFS has already removed
 *                                        the cached pages past size and
 *                                        zeroed the tail of the last page
 *      symlink(dir, name, len, target)   new S_IFLNK inode whose text is the
 *                                        NUL-terminated target (i_size its
 *                                        length); the VFS has checked the
 *                                        name is free (and so for link, mknod)
 *      link(old, dir, name, len)         a new entry for old (not a
 *                                        directory); old->i_nlink++
 *      mknod(dir, name, len, mode, rdev) a FIFO, socket or device node
 *      exchange(odir, oname, olen, ndir, nname, nlen, a, b)
 *                                        renameat2 RENAME_EXCHANGE: oname
 *                                        now names b and nname a (either
 *                                        may be a directory: fix ".." and
 *                                        the parents' link counts)
 *      tmpfile(dir, mode, &out)          O_TMPFILE: a regular file with no
 *                                        name (i_nlink 0), referenced
 *    On symbolic links (S_IFLNK; fs/namei.c follows them):
 *      readlink(inode, buf, size)        the target, not NUL-terminated;
 *                                        its length or -errno
 *      get_link(inode, &out, &via)       optional (/proc's links): the place
 *                                        the link leads, referenced, instead
 *                                        of a text to walk; *via the open
 *                                        file it leads through (its name is
 *                                        the result's name), or NULL
 *    getattr needs no operation: the VFS reads i_mode, i_size, i_nlink,
 *    i_ino, i_blocks, i_rdev, times from the inode (keep them current).
 *
 * 3. struct file_operations (i_fop, copied to f_op at open):
 *      open(inode, file)        optional; may set file->private_data
 *      release(file)            optional; the last close
 *      read(file, ubuf, n, &pos) / write(file, ubuf, n, &pos)
 *                               bytes to/from user space (uaccess); regular
 *                               files of page-cache file systems use
 *                               generic_file_read/generic_file_write
 *      iterate(file, ctx)       directories: call dir_emit(ctx, name, len,
 *                               ino, d_type) for each entry from ctx->pos
 *                               (a cookie of your choice, 0 = start, "." and
 *                               ".." first), advancing ctx->pos; stop when
 *                               dir_emit returns false (getdents64)
 *      llseek                   NULL: generic (regular files and dirs);
 *                               no_llseek: -ESPIPE (pipes, ttys)
 *      ioctl(file, cmd, arg)    NULL: -ENOTTY
 *      fsync(file, datasync)    NULL: generic (page cache write-back)
 *      poll(file)               optional: POLLIN/POLLOUT bits now (pipes)
 *
 * 4. struct address_space_operations (inode->i_mapping->a_ops), for every
 *    file whose data is cached (regular files):
 *      readpage(inode, index, kva)   fill one 4 KiB page (bytes past i_size
 *                                    zero); 0 or -EIO
 *      writepage(inode, index, kva)  store one page (the VFS never asks for
 *                                    pages wholly past i_size); 0 or -EIO.
 *                                    NULL (tmpfs): the cache is the store
 *
 * 5. struct super_operations:
 *      statfs(sb, &st)          f_type, f_bsize, blocks, files; the VFS
 *                               fills f_namelen (255) and f_frsize if 0
 *      write_inode(inode)       optional: store i_size/i_mode/i_nlink/times
 *      evict_inode(inode)       the last reference to an inode with
 *                               i_nlink 0 went away: free its blocks
 *                               (its cached pages are gone already)
 *      sync_fs(sb)              optional: after all pages are written
 *      put_super(sb)            optional: unmount
 *
 * Inode life: iget(sb, ino, &fresh) finds a cached inode (one more
 * reference) or makes a new one with i_state I_NEW (*fresh true: fill it,
 * then unlock_new_inode). new_inode(sb) makes an unhashed one (tmpfs).
 * iput drops a reference; at zero the inode's dirty pages are written
 * back and the inode is freed, or, when i_nlink is 0, evicted first. A
 * file system that keeps inodes in memory (tmpfs, ramfs) holds one
 * reference per directory entry itself (the link is the store).
 *
 * Devices: a character device is an inode with S_IFCHR, i_rdev and i_fop
 * set by the file system that makes the node (fs/devfs.c). New file types
 * (pipes) need only a file_operations and alloc_file_pseudo().
 *
 * Locks (docs/locking.md): mount_lock > i_lock (parent before child,
 * lower address first for rename) > mapping->lock > inode_hash_lock.
 * Today every spinlock is a no-op (one CPU, no kernel preemption).
 */
#ifndef PAGODA_FS_VFS_H
#define PAGODA_FS_VFS_H

#include "../kernel/linux_abi.h"
#include "../kernel/spinlock.h"
#include "../kernel/types.h"

/* Linux's PATH_MAX and NAME_MAX */
#define PATH_MAX 4096
#define NAME_MAX 255

struct inode;
struct path;
struct pipe;
struct file;
struct super_block;
struct mount;
struct dir_context;
struct linux_statfs;
struct vma;
struct proc;

/* ---- the page cache of one inode (mm/filemap.c owns its contents) ---- */
struct block_device;

struct address_space_operations {
	int (*readpage)(struct inode *inode, uint64_t index, void *kva);
	int (*writepage)(struct inode *inode, uint64_t index, const void *kva);
	/* swap files (mm/swapfile.c, Linux's bmap): the disk and first sector
	 * of page index, whose blocks lie in a row; -EINVAL for a hole (or
	 * blocks apart). May be NULL: the file cannot be swap. */
	int (*bmap)(struct inode *inode, uint64_t index, struct block_device **bdev, uint64_t *sector);
};

struct address_space {
	struct inode *host;
	const struct address_space_operations *a_ops;
	struct page *pages;        /* cached pages, list through page->next/prev */
	uint64_t nrpages, nrdirty;
	struct vma *i_mmap;        /* every area mapping this file, via vma->shared_next */
	bool swap_backed;          /* no store but swap (tmpfs, mm/tmpfs_swap.c): a clean page is never
	                              dropped, reclaim writes every page to swap (writepage), and
	                              write-back (fsync, msync, dirty throttling) writes nothing */
	struct spinlock lock;
};

struct inode_operations {
	int (*lookup)(struct inode *dir, const char *name, size_t len, struct inode **out);
	int (*create)(struct inode *dir, const char *name, size_t len, uint32_t mode, struct inode **out);
	int (*mkdir)(struct inode *dir, const char *name, size_t len, uint32_t mode);
	int (*unlink)(struct inode *dir, const char *name, size_t len, struct inode *victim);
	int (*rmdir)(struct inode *dir, const char *name, size_t len, struct inode *victim);
	int (*rename)(struct inode *odir, const char *oname, size_t olen, struct inode *ndir, const char *nname,
		      size_t nlen, struct inode *victim, struct inode *target);
	bool (*is_empty)(struct inode *dir);
	int (*setsize)(struct inode *inode, uint64_t size);
	long (*readlink)(struct inode *inode, char *buf, size_t size);
	int (*get_link)(struct inode *inode, struct path *out, struct file **via);
	int (*symlink)(struct inode *dir, const char *name, size_t len, const char *target);
	int (*link)(struct inode *old, struct inode *dir, const char *name, size_t len);
	int (*mknod)(struct inode *dir, const char *name, size_t len, uint32_t mode, uint64_t rdev);
	int (*exchange)(struct inode *odir, const char *oname, size_t olen, struct inode *ndir, const char *nname,
			size_t nlen, struct inode *a, struct inode *b);
	int (*tmpfile)(struct inode *dir, uint32_t mode, struct inode **out);
};

struct file_operations {
	int (*open)(struct inode *inode, struct file *file);
	void (*release)(struct file *file);
	long (*read)(struct file *file, uintptr_t ubuf, size_t n, uint64_t *pos);
	long (*write)(struct file *file, uintptr_t ubuf, size_t n, uint64_t *pos);
	int (*iterate)(struct file *file, struct dir_context *ctx);
	long (*llseek)(struct file *file, int64_t off, int whence);
	long (*ioctl)(struct file *file, unsigned long cmd, uintptr_t arg);
	int (*fsync)(struct file *file, bool datasync);
	int (*poll)(struct file *file);
};

struct super_operations {
	int (*statfs)(struct super_block *sb, struct linux_statfs *st);
	int (*write_inode)(struct inode *inode);
	void (*evict_inode)(struct inode *inode);
	int (*sync_fs)(struct super_block *sb);
	void (*put_super)(struct super_block *sb);
};

/* i_state */
#define I_NEW 0x1      /* being filled by its file system after iget */
#define I_HASHED 0x4   /* in the inode cache (iget) */
#define I_LINKABLE 0x8 /* O_TMPFILE without O_EXCL: linkat may give it a name */
#define I_FREEING 0x10 /* its last reference is gone: being written back and freed */

/* i_flags */
#define S_SWAPFILE 0x1   /* an active swap area (mm/swapon.c): writes and shrinking
                            truncates give ETXTBSY, unlink and rename EPERM, as Linux */
#define IS_SWAPFILE(inode) ((inode)->i_flags & S_SWAPFILE)

struct inode {
	uint64_t i_ino;
	uint32_t i_mode;           /* S_IFREG | 0644, ... */
	uint32_t i_nlink;
	uint32_t i_uid, i_gid;
	uint64_t i_rdev;           /* devices: (major << 8) | minor */
	uint64_t i_size;
	uint64_t i_blocks;         /* 512-byte units, for stat */
	uint64_t i_atime, i_mtime, i_ctime;   /* seconds */
	uint32_t i_count;          /* references: open files, cwd, areas, the fs pin */
	uint32_t i_state;
	uint32_t i_flags;          /* S_SWAPFILE */
	struct super_block *i_sb;
	const struct inode_operations *i_op;
	const struct file_operations *i_fop;
	struct address_space i_data;
	struct address_space *i_mapping;   /* &i_data */
	void *i_private;           /* the file system's own data */
	struct pipe *i_pipe;       /* a FIFO's pipe while it is open (fs/pipe.c) */
	struct inode *i_hash_next;   /* inode cache chain */
	struct spinlock i_lock;
};

/* s_flags */
#define SB_RDONLY 0x1

struct file_system_type {
	const char *name;
	int (*fill_super)(struct super_block *sb, const void *data);
};

struct super_block {
	const struct file_system_type *s_type;
	const struct super_operations *s_op;
	struct inode *s_root;
	uint64_t s_dev;            /* st_dev of its files */
	uint32_t s_flags;
	uint32_t s_blocksize;
	uint64_t s_magic;          /* statfs f_type */
	uint64_t s_next_ino;       /* for file systems that number inodes themselves */
	void *s_fs_info;
};

struct mount {
	struct super_block *mnt_sb;
	struct mount *mnt_parent;        /* itself for the root mount */
	struct inode *mnt_mountpoint;    /* the directory covered, in mnt_parent */
	struct mount *mnt_next;          /* the mount table */
	char mnt_path[64];               /* where it is, for /proc/mounts */
};

struct path {
	struct mount *mnt;
	struct inode *inode;
};

/* f_mode: what this open file may do, from O_ACCMODE */
#define FMODE_READ 0x1
#define FMODE_WRITE 0x2

struct file {
	uint32_t f_count;          /* fd slots and mappings that point here */
	uint32_t f_flags;          /* open flags (O_APPEND, O_NONBLOCK, ...; not O_CLOEXEC) */
	uint32_t f_mode;           /* FMODE_READ | FMODE_WRITE */
	uint64_t f_pos;
	const struct file_operations *f_op;
	struct inode *f_inode;     /* referenced */
	struct path f_path;        /* where it was opened (f_path.inode == f_inode) */
	struct path f_dir;         /* the directory it was opened in, and */
	char *f_dname;             /* its name there (NULL: a directory or a pseudo file) */
	void *private_data;        /* the file type's own (pipe end, /proc text, ...) */
	size_t private_len;
};

/* What a directory's iterate fills: getdents64's user buffer, or a kernel
 * search (getcwd). The actor returns false to stop (buffer full); the
 * iterate then leaves pos at the entry not taken. */
struct dir_context {
	bool (*actor)(struct dir_context *ctx, const char *name, size_t len, uint64_t ino, unsigned type);
	uint64_t pos;              /* the directory's cookie: where to go on */
};
static inline bool dir_emit(struct dir_context *ctx, const char *name, size_t len, uint64_t ino, unsigned type)
{
	return ctx->actor(ctx, name, len, ino, type);
}
unsigned dt_type(uint32_t mode);

/* ---- fs/inode.c ---- */
struct inode *new_inode(struct super_block *sb);          /* i_count 1, unhashed; NULL: ENOMEM. sb may be
                                                            NULL for a pseudo inode (a pipe) */
struct inode *iget(struct super_block *sb, uint64_t ino, bool *fresh);
void unlock_new_inode(struct inode *inode);
struct inode *igrab(struct inode *inode);                  /* one more reference */
void iput(struct inode *inode);
void inode_init_mode(struct inode *inode, uint32_t mode);  /* mode, times, fops defaults */
bool inode_is_dir(const struct inode *inode);
void init_special_inode(struct inode *inode, uint32_t mode, uint64_t rdev);
/* fs/devfs.c: a character device's operations by number (no_device_fops:
 * open is ENXIO); fs/pipe.c: a named pipe's */
const struct file_operations *chrdev_fops(uint64_t rdev);
extern const struct file_operations no_device_fops, fifo_fops;
bool inode_is_reg(const struct inode *inode);
bool inode_is_link(const struct inode *inode);   /* fs/namei.c */
uint64_t current_time(void);

/* ---- fs/file.c: open file objects ---- */
struct file *alloc_file(const struct path *path, int flags, const struct file_operations *fop);
struct file *alloc_file_pseudo(struct inode *inode, int flags, const struct file_operations *fop);
struct file *get_file(struct file *f);
void fput(struct file *f);
void fput_unopened(struct file *f);   /* f_op->open failed: free without release */
long vfs_read(struct file *f, uintptr_t ubuf, size_t n, uint64_t *pos);
long vfs_write(struct file *f, uintptr_t ubuf, size_t n, uint64_t *pos);
/* Kernel-buffer read of a file's bytes (exec); returns bytes read or -errno. */
long kernel_read(struct file *f, void *buf, size_t n, uint64_t pos);
long no_llseek(struct file *file, int64_t off, int whence);

/* ---- fs/open.c ---- */
struct file *vfs_open(const struct path *path, int flags, int *err);
struct file *filp_open(const char *name, int flags, int *err);   /* from the kernel (exec) */
int vfs_truncate(struct inode *inode, uint64_t size);

/* ---- fs/fdtable.c ---- */
struct file *fget(int fd);                 /* the file at fd (no new reference) or NULL */
int fd_install(struct file *f, int lowest, bool cloexec);   /* the reference passes; fd or -EMFILE */
int fd_close(int fd);
void fd_set_cloexec(int fd, bool on);
bool fd_get_cloexec(int fd);

/* ---- fs/namei.c: path lookup ---- */
/* lookup flags: follow a symbolic link in the last component too (links
 * before it are always followed; a trailing slash follows the last one) */
#define LOOKUP_FOLLOW 0x1
/* path_lookup_at for open(O_CREAT): a missing last component is no error
 * (out->inode NULL, nd names where to create it); no trailing-slash check */
#define LOOKUP_CREATE 0x2
/* Resolve a kernel path relative to dirfd (AT_FDCWD: the cwd) to *out
 * (referenced: path_put). kern_path follows links. */
int kern_path_at(int dirfd, const char *name, unsigned flags, struct path *out);
int kern_path(const char *name, struct path *out);
long user_path_at(int dirfd, uintptr_t upath, unsigned flags, struct path *out);   /* getname + kern_path_at */
struct nameidata;
/* kern_path_at that keeps the parent too (nd->parent referenced): after
 * following links, nd names the place the final inode was found. */
int path_lookup_at(int dirfd, const char *name, unsigned flags, struct nameidata *nd, struct path *out);
/* All but the last component of a path resolved: parent (referenced), the
 * last name (len 0 for "/"; a copy in name[]), and whether slashes
 * followed it ("dir/": it must be a directory). */
struct nameidata {
	struct path parent;
	const char *last;
	size_t len;
	bool trailing;
	char name[NAME_MAX + 1];
};
int path_parent_at(int dirfd, const char *name, struct nameidata *nd);
bool name_is_dot(const char *name, size_t len);      /* "." */
bool name_is_dotdot(const char *name, size_t len);   /* ".." */
/* Copy a user path into a new buffer (EFAULT, ENAMETOOLONG, ENOENT for "",
 * ENOMEM); free it with putname. */
long getname(uintptr_t upath, char **out);
void putname(char *name);
void path_get(struct path *p);
void path_put(struct path *p);
int vfs_lookup_one(struct path *dir, const char *name, size_t len, struct path *out);
/* The absolute path of directory p (getcwd), into buf; length or -errno. */
long path_name(const struct path *p, char *buf, size_t size);
/* The absolute path of an open file (/proc maps, exe), into buf. */
long file_path_name(struct file *f, char *buf, size_t size);
/* Remember where f was opened (for file_path_name). */
void file_set_name(struct file *f, const struct nameidata *nd);

/* The cwd of a process (proc->fs: fs/namei.c), shared by CLONE_FS */
void cwd_get(struct path *out);   /* referenced */
struct fs_struct *fs_struct_alloc(void);   /* empty (no cwd yet); NULL on ENOMEM */
int copy_fs(struct proc *child, struct proc *parent, bool share);   /* 0 or -ENOMEM */
void fs_put(struct proc *p);      /* drops p's reference; the last lets go of the cwd */

/* ---- fs/names.c: helpers the name-changing calls share ---- */
long user_parent(int dirfd, uintptr_t upath, char **name, struct nameidata *nd);   /* getname + path_parent_at */
void parent_done(char *name, struct nameidata *nd);
int may_create(struct nameidata *nd, bool is_dir);   /* 0 if nd's last name may be made */

/* ---- fs/mount.c ---- */
int register_filesystem(const struct file_system_type *fs);
int vfs_mount(const char *type, const void *data, const char *where);
struct mount *root_mount(void);
/* The mount whose root covers (mnt, inode), or NULL. */
struct mount *lookup_mnt(struct mount *mnt, struct inode *inode);
void vfs_init(void);   /* the root file system and the standard mounts */
int vfs_statfs(struct super_block *sb, struct linux_statfs *st);
void sync_filesystems(void);
/* fs/sync.c: after a system call, write back every 5 s (the flusher); the
 * inline part is only the test of the due tick. The timer tick sets
 * WORK_SYNC when sync_due (kernel/exit_work.h), so a syscall's end calls
 * sync_tick only then. */
extern uint64_t sync_due_tick;
void sync_periodic(uint64_t ticks);
static inline bool sync_due(uint64_t ticks)
{
	return ticks >= sync_due_tick;
}
static inline void sync_tick(uint64_t ticks)
{
	if (sync_due(ticks))
		sync_periodic(ticks);
}
int vfs_fsync(struct file *f, bool datasync);

/* ---- fs/libfs.c: in-memory directories (ramfs, tmpfs, devfs) ---- */
extern const struct inode_operations simple_dir_inode_operations;
extern const struct file_operations simple_dir_operations;
/* Add an entry to an in-memory directory (the entry pins child). */
int simple_link(struct inode *dir, const char *name, size_t len, struct inode *child);
struct inode *simple_new_dir(struct super_block *sb, struct inode *parent, uint32_t mode);
int simple_statfs(struct super_block *sb, struct linux_statfs *st);
int simple_lookup(struct inode *dir, const char *name, size_t len, struct inode **out);
int simple_unlink(struct inode *dir, const char *name, size_t len, struct inode *victim);
int simple_rmdir(struct inode *dir, const char *name, size_t len, struct inode *victim);
int simple_rename(struct inode *odir, const char *oname, size_t olen, struct inode *ndir, const char *nname,
		  size_t nlen, struct inode *victim, struct inode *target);
int simple_exchange(struct inode *odir, const char *oname, size_t olen, struct inode *ndir, const char *nname,
		    size_t nlen, struct inode *a, struct inode *b);
bool simple_empty(struct inode *dir);
void simple_dir_evict(struct inode *dir);   /* frees what simple_new_dir attached */

/* ---- generic I/O on page-cache files (mm/filemap.c) ---- */
long generic_file_read(struct file *file, uintptr_t ubuf, size_t n, uint64_t *pos);
long generic_file_write(struct file *file, uintptr_t ubuf, size_t n, uint64_t *pos);
extern const struct file_operations generic_file_operations;

/* ---- the process side (fs/fdtable.c) ---- */
/* The fd table (fs/fdtable.c): shared with the parent (CLONE_FILES) or a
 * copy; 0 or -ENOMEM. files_put drops p's reference (the last closes all). */
int copy_files(struct proc *child, struct proc *parent, bool share);
void files_put(struct proc *p);
int unshare_files(struct proc *p);          /* exec: a table of p's own; 0 or -ENOMEM */
void files_close_on_exec(struct proc *p);
/* Slot fd (checked by the caller) becomes f; returns what was there, whose
 * reference passes to the caller. */
struct file *fd_replace(int fd, struct file *f);
void fs_init_proc(struct proc *init);   /* fds 0, 1, 2 on the console; cwd "/" */


#endif
