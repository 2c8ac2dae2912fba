/*
 * File descriptors and the file syscalls: open/openat, close, read/readv,
 * write/writev, lseek, fstat/stat/newfstatat, getdents64, ioctl, dup/dup2,
 * fcntl, access, getcwd. Files are the console, read-only ramdisk files and
 * directories, and generated /proc text (kernel/procfs.c).
 *
 * Invariant: a struct file's refcount equals the number of fd slots (in all
 * processes) that point at it.
 */
#include "file.h"
#include "errno.h"
#include "linux_abi.h"
#include "proc.h"
#include "ramfs.h"
#include "string.h"
#include "syscalls.h"
#include "uaccess.h"
#include "../mm/kheap.h"
#include "../mm/layout.h"

struct file *file_get(struct file *f)
{
	f->refcount++;
	return f;
}

void file_put(struct file *f)
{
	if (--f->refcount)
		return;
	kfree(f->buf);
	kfree(f);
}

static struct file *file_new(enum file_type type, int flags)
{
	struct file *f = kzalloc(sizeof(*f));
	if (f) {
		f->refcount = 1;
		f->type = type;
		f->flags = flags;
	}
	return f;
}

void file_init(struct proc *init)
{
	struct file *con = file_new(FILE_CONSOLE, O_RDWR);
	for (int fd = 0; fd < 3; fd++)
		init->files[fd] = fd ? file_get(con) : con;
}

void files_dup(struct proc *child, struct proc *parent)
{
	for (int fd = 0; fd < NFILE_PER_PROC; fd++)
		if (parent->files[fd])
			child->files[fd] = file_get(parent->files[fd]);
	child->close_on_exec = parent->close_on_exec;
}

void files_close_all(struct proc *p)
{
	for (int fd = 0; fd < NFILE_PER_PROC; fd++)
		if (p->files[fd]) {
			file_put(p->files[fd]);
			p->files[fd] = NULL;
		}
}

void files_close_on_exec(struct proc *p)
{
	for (int fd = 0; fd < NFILE_PER_PROC; fd++)
		if (p->files[fd] && (p->close_on_exec >> fd & 1)) {
			file_put(p->files[fd]);
			p->files[fd] = NULL;
		}
	p->close_on_exec = 0;
}

static struct file *fd_file(int fd)
{
	if (fd < 0 || fd >= NFILE_PER_PROC)
		return NULL;
	return current_proc()->files[fd];
}

static int fd_install(struct file *f, int lowest, bool cloexec)
{
	struct proc *p = current_proc();
	for (int fd = lowest; fd < NFILE_PER_PROC; fd++)
		if (!p->files[fd]) {
			p->files[fd] = f;
			p->close_on_exec = (p->close_on_exec & ~(1ull << fd)) | ((uint64_t)cloexec << fd);
			return fd;
		}
	return -EMFILE;
}

/* ---- paths: everything is absolute from "/" (the only cwd) ---- */

/* Normalise path (".", "..", repeated '/') into out; -ENAMETOOLONG/-ENOENT. */
static int normalise(const char *path, char *out, size_t size)
{
	size_t n = 0;
	out[n++] = '/';
	for (const char *p = path; *p;) {
		while (*p == '/')
			p++;
		const char *c = p;
		while (*p && *p != '/')
			p++;
		size_t len = p - c;
		if (len == 0 || (len == 1 && c[0] == '.'))
			continue;
		if (len == 2 && c[0] == '.' && c[1] == '.') {
			while (n > 1 && out[n - 1] != '/')
				n--;
			if (n > 1)
				n--;
			continue;
		}
		if (n + len + 2 > size)
			return -ENAMETOOLONG;
		if (n > 1)
			out[n++] = '/';
		memcpy(out + n, c, len);
		n += len;
	}
	out[n] = 0;
	return 0;
}

/* A user path, made absolute relative to dirfd (AT_FDCWD: "/"), normalised. */
long user_path_at(int dirfd, uintptr_t upath, char *out, size_t size)
{
	char raw[256 + 64];
	long len = strncpy_from_user(raw + 64, upath, 256);
	if (len < 0)
		return len;
	if (len == 0)
		return -ENOENT;
	const char *path = raw + 64;
	if (raw[64] != '/' && dirfd != AT_FDCWD) {
		struct file *d = fd_file(dirfd);
		if (!d)
			return -EBADF;
		if (d->type != FILE_DIR)
			return -ENOTDIR;
		size_t n = strlen(d->rf->name);
		if (n + 2 > 64)
			return -ENAMETOOLONG;
		char *p = raw + 64 - n - 2;
		p[0] = '/';
		memcpy(p + 1, d->rf->name, n);
		p[n + 1] = '/';
		path = p;
	}
	return normalise(path, out, size);
}

long user_path(uintptr_t upath, char *out, size_t size)
{
	return user_path_at(AT_FDCWD, upath, out, size);
}

/* A /proc file: its text is generated now and read from memory later. */
static long open_proc(const char *path, int flags)
{
	int err = -ENOENT;
	size_t len;
	char *text = procfs_generate(path, &len, &err);
	if (!text)
		return err;
	struct file *f = file_new(FILE_MEMBUF, flags);
	if (!f) {
		kfree(text);
		return -ENOMEM;
	}
	f->buf = text;
	f->buf_len = len;
	int fd = fd_install(f, 0, flags & O_CLOEXEC);
	if (fd < 0)
		file_put(f);
	return fd;
}

static long do_open(int dirfd, uintptr_t upath, int flags)
{
	char path[256];
	long err = user_path_at(dirfd, upath, path, sizeof(path));
	if (err)
		return err;
	if (!strncmp(path, "/proc/", 6))
		return open_proc(path, flags);
	const struct ramfs_file *rf;
	err = ramfs_resolve(path, &rf);
	if (err == -ENOENT && (flags & O_CREAT))
		return -EROFS;
	if (err)
		return err;
	bool is_dir = (rf->mode & S_IFMT) == S_IFDIR;
	if ((flags & O_CREAT) && (flags & O_EXCL))
		return -EEXIST;
	if ((flags & O_DIRECTORY) && !is_dir)
		return -ENOTDIR;
	if ((flags & O_ACCMODE) != O_RDONLY || (flags & O_TRUNC))
		return is_dir ? -EISDIR : -EROFS;
	struct file *f = file_new(is_dir ? FILE_DIR : FILE_RAMFS, flags);
	if (!f)
		return -ENOMEM;
	f->rf = rf;
	int fd = fd_install(f, 0, flags & O_CLOEXEC);
	if (fd < 0)
		file_put(f);
	return fd;
}

long sys_open(uintptr_t path, int flags, int mode)
{
	(void)mode;
	return do_open(AT_FDCWD, path, flags);
}

long sys_openat(int dirfd, uintptr_t path, int flags, int mode)
{
	(void)mode;
	return do_open(dirfd, path, flags);
}

long sys_close(int fd)
{
	struct file *f = fd_file(fd);
	if (!f)
		return -EBADF;
	current_proc()->files[fd] = NULL;
	file_put(f);
	return 0;
}

/* ---- read and write ---- */

static long read_bytes(struct file *f, const void *src, size_t size, uintptr_t buf, size_t n)
{
	if (f->offset >= size)
		return 0;
	if (n > size - f->offset)
		n = size - f->offset;
	if (copy_to_user(buf, (const char *)src + f->offset, n))
		return -EFAULT;
	f->offset += n;
	return (long)n;
}

static long file_read(struct file *f, uintptr_t buf, size_t n)
{
	if ((f->flags & O_ACCMODE) == O_WRONLY)
		return -EBADF;
	switch (f->type) {
	case FILE_CONSOLE: return console_read(buf, n);
	case FILE_RAMFS: return read_bytes(f, f->rf->data, f->rf->size, buf, n);
	case FILE_MEMBUF: return read_bytes(f, f->buf, f->buf_len, buf, n);
	default: return -EISDIR;
	}
}

static long file_write(struct file *f, uintptr_t buf, size_t n)
{
	if ((f->flags & O_ACCMODE) == O_RDONLY)
		return -EBADF;
	if (f->type != FILE_CONSOLE)
		return -EBADF;
	return console_write_user(buf, n);
}

/* Linux caps one read/write at 0x7ffff000 bytes; sizes above SSIZE_MAX are EINVAL
 * for readv/writev. */
#define RW_MAX 0x7ffff000ul

long sys_read(int fd, uintptr_t buf, size_t n)
{
	struct file *f = fd_file(fd);
	if (!f || (f->flags & O_ACCMODE) == O_WRONLY)
		return -EBADF;
	if (!access_ok(buf, n))
		return -EFAULT;
	return file_read(f, buf, n > RW_MAX ? RW_MAX : n);
}

long sys_write(int fd, uintptr_t buf, size_t n)
{
	struct file *f = fd_file(fd);
	if (!f || (f->flags & O_ACCMODE) == O_RDONLY)
		return -EBADF;
	if (!access_ok(buf, n))
		return -EFAULT;
	return file_write(f, buf, n > RW_MAX ? RW_MAX : n);
}

enum { IOV_MAX = 1024, IOV_BATCH = 16 };

/* Linux's import_iovec: every vector is checked before any byte moves; a
 * negative length (or a total past SSIZE_MAX) is EINVAL, a range outside
 * user space EFAULT. */
static long check_iov(uintptr_t uiov, int iovcnt)
{
	struct iovec iov[IOV_BATCH];
	uint64_t total = 0;
	for (int i = 0; i < iovcnt; i += IOV_BATCH) {
		int k = iovcnt - i < IOV_BATCH ? iovcnt - i : IOV_BATCH;
		if (copy_from_user(iov, uiov + i * sizeof(struct iovec), k * sizeof(struct iovec)))
			return -EFAULT;
		for (int j = 0; j < k; j++) {
			if ((int64_t)iov[j].iov_len < 0 || iov[j].iov_len > INT64_MAX - total)
				return -EINVAL;
			total += iov[j].iov_len;
		}
	}
	for (int i = 0; i < iovcnt; i += IOV_BATCH) {   /* lengths first, then addresses, as Linux */
		int k = iovcnt - i < IOV_BATCH ? iovcnt - i : IOV_BATCH;
		if (copy_from_user(iov, uiov + i * sizeof(struct iovec), k * sizeof(struct iovec)))
			return -EFAULT;
		for (int j = 0; j < k; j++)
			if (!access_ok(iov[j].iov_base, iov[j].iov_len))
				return -EFAULT;
	}
	return 0;
}

static long do_iov(int fd, uintptr_t uiov, int iovcnt, bool write)
{
	struct file *f = fd_file(fd);
	if (!f)
		return -EBADF;
	if (iovcnt < 0 || iovcnt > IOV_MAX)
		return -EINVAL;
	long err = check_iov(uiov, iovcnt);
	if (err)
		return err;
	struct iovec iov[IOV_BATCH];
	long total = 0;
	for (int i = 0; i < iovcnt; i += IOV_BATCH) {
		int k = iovcnt - i < IOV_BATCH ? iovcnt - i : IOV_BATCH;
		if (copy_from_user(iov, uiov + i * sizeof(struct iovec), k * sizeof(struct iovec)))
			return total ? total : -EFAULT;
		for (int j = 0; j < k; j++) {
			if (!iov[j].iov_len)
				continue;
			long r = write ? file_write(f, iov[j].iov_base, iov[j].iov_len)
				       : file_read(f, iov[j].iov_base, iov[j].iov_len);
			if (r < 0)
				return total ? total : r;
			total += r;
			if ((size_t)r < iov[j].iov_len)
				return total;
		}
	}
	return total;
}

long sys_readv(int fd, uintptr_t iov, int n) { return do_iov(fd, iov, n, false); }
long sys_writev(int fd, uintptr_t iov, int n) { return do_iov(fd, iov, n, true); }

long sys_lseek(int fd, int64_t off, int whence)
{
	struct file *f = fd_file(fd);
	if (!f)
		return -EBADF;
	if (f->type == FILE_CONSOLE)
		return -ESPIPE;
	int64_t size = f->type == FILE_RAMFS ? (int64_t)f->rf->size : f->type == FILE_MEMBUF ? (int64_t)f->buf_len : 0;
	int64_t base = whence == SEEK_SET ? 0 : whence == SEEK_CUR ? (int64_t)f->offset : whence == SEEK_END ? size : -1;
	if (whence < SEEK_SET || whence > SEEK_END)
		return -EINVAL;
	if (base + off < 0)
		return -EINVAL;
	f->offset = base + off;
	return (long)f->offset;
}

/* ---- metadata ---- */

static void fill_stat(struct linux_stat *st, const struct file *f, const struct ramfs_file *rf)
{
	memset(st, 0, sizeof(*st));
	st->st_nlink = 1;
	st->st_blksize = 4096;
	if (f && f->type == FILE_CONSOLE) {
		st->st_mode = S_IFCHR | 0620;
		st->st_rdev = (136 << 8) | 0;   /* like /dev/pts/0 */
		st->st_ino = 3;
		st->st_dev = 22;
		return;
	}
	if (f && f->type == FILE_MEMBUF) {
		st->st_mode = S_IFREG | 0444;
		return;
	}
	st->st_dev = 1;
	st->st_ino = rf->ino;
	st->st_mode = rf->mode;
	st->st_nlink = (rf->mode & S_IFMT) == S_IFDIR ? 2 : 1;
	st->st_size = rf->size;
	st->st_blocks = (rf->size + 511) / 512;
}

long sys_fstat(int fd, uintptr_t ustat)
{
	struct file *f = fd_file(fd);
	if (!f)
		return -EBADF;
	struct linux_stat st;
	fill_stat(&st, f, f->rf);
	return copy_to_user(ustat, &st, sizeof(st));
}

static long stat_at(int dirfd, uintptr_t upath, uintptr_t ustat)
{
	char path[256];
	long err = user_path_at(dirfd, upath, path, sizeof(path));
	if (err)
		return err;
	const struct ramfs_file *rf;
	err = ramfs_resolve(path, &rf);
	if (err)
		return err;
	struct linux_stat st;
	fill_stat(&st, NULL, rf);
	return copy_to_user(ustat, &st, sizeof(st));
}

long sys_stat(uintptr_t upath, uintptr_t ustat)
{
	return stat_at(AT_FDCWD, upath, ustat);
}

long sys_newfstatat(int dirfd, uintptr_t upath, uintptr_t ustat, int flags)
{
	if (flags & ~(AT_EMPTY_PATH | AT_SYMLINK_NOFOLLOW))
		return -EINVAL;
	char first = 0;
	if ((flags & AT_EMPTY_PATH) && !copy_from_user(&first, upath, 1) && first == 0)
		return sys_fstat(dirfd, ustat);
	return stat_at(dirfd, upath, ustat);   /* no symlinks: NOFOLLOW changes nothing */
}

static long access_at(int dirfd, uintptr_t upath, int mode)
{
	char path[256];
	if (mode & ~7)
		return -EINVAL;
	long err = user_path_at(dirfd, upath, path, sizeof(path));
	if (err)
		return err;
	const struct ramfs_file *rf;
	if ((err = ramfs_resolve(path, &rf)))
		return err;
	return (mode & 2) ? -EROFS : 0;
}

long sys_access(uintptr_t path, int mode)
{
	return access_at(AT_FDCWD, path, mode);
}

long sys_faccessat(int dirfd, uintptr_t path, int mode)
{
	return access_at(dirfd, path, mode);
}

static const char *base_name(const char *path)
{
	const char *b = path;
	for (; *path; path++)
		if (*path == '/')
			b = path + 1;
	return b;
}

long sys_getdents64(int fd, uintptr_t buf, size_t n)
{
	struct file *f = fd_file(fd);
	if (!f)
		return -EBADF;
	if (f->type != FILE_DIR)
		return -ENOTDIR;
	size_t done = 0;
	for (const struct ramfs_file *e; (e = f->offset < 2 ? f->rf : ramfs_dir_entry(f->rf, f->offset - 2));) {
		const char *name = f->offset == 0 ? "." : f->offset == 1 ? ".." : base_name(e->name);
		size_t reclen = (sizeof(struct linux_dirent64) + strlen(name) + 1 + 7) & ~7ul;
		if (done + reclen > n)
			return done ? (long)done : -EINVAL;
		char rec[320];
		struct linux_dirent64 *d = (void *)rec;
		memset(rec, 0, reclen);
		d->d_ino = e->ino;
		d->d_off = (int64_t)f->offset + 1;
		d->d_reclen = reclen;
		d->d_type = (e->mode & S_IFMT) == S_IFDIR ? DT_DIR : DT_REG;   /* . and .. are e = dir */
		strlcpy(d->d_name, name, reclen - sizeof(*d));
		if (copy_to_user(buf + done, rec, reclen))
			return -EFAULT;
		done += reclen;
		f->offset++;
	}
	return (long)done;
}

long sys_ioctl(int fd, unsigned long cmd, uintptr_t arg)
{
	struct file *f = fd_file(fd);
	if (!f)
		return -EBADF;
	if (f->type != FILE_CONSOLE)
		return -ENOTTY;
	if (cmd == TIOCGWINSZ) {
		struct winsize ws = { 25, 80, 0, 0 };
		return copy_to_user(arg, &ws, sizeof(ws));
	}
	if (cmd == TCGETS) {
		struct termios t = { 0 };
		t.c_cflag = 0x00bf;   /* B38400 | CS8 | CREAD */
		return copy_to_user(arg, &t, 36);
	}
	if (cmd == TCSETS || cmd == TCSETSW || cmd == TCSETSF)
		return 0;   /* accepted: the console is always raw */
	if (cmd == TIOCGPGRP) {
		int pgrp = current_proc()->pid;
		return copy_to_user(arg, &pgrp, sizeof(pgrp));
	}
	return -ENOTTY;
}

/* A new descriptor for fd's file, the lowest free one >= lowest. */
static long dup_from(int fd, int lowest)
{
	struct file *f = fd_file(fd);
	if (!f)
		return -EBADF;
	int nfd = fd_install(f, lowest, false);
	if (nfd >= 0)
		file_get(f);
	return nfd;
}

long sys_dup(int fd)
{
	return dup_from(fd, 0);
}

long sys_dup2(int oldfd, int newfd)
{
	struct file *f = fd_file(oldfd);
	if (!f)
		return -EBADF;
	if (newfd < 0 || newfd >= NFILE_PER_PROC)
		return -EBADF;
	if (oldfd == newfd)
		return newfd;
	struct proc *p = current_proc();
	if (p->files[newfd])
		file_put(p->files[newfd]);
	p->files[newfd] = file_get(f);
	p->close_on_exec &= ~(1ull << newfd);
	return newfd;
}

long sys_fcntl(int fd, int cmd, uint64_t arg)
{
	struct file *f = fd_file(fd);
	struct proc *p = current_proc();
	if (!f)
		return -EBADF;
	switch (cmd) {
	case F_GETFD: return (long)(p->close_on_exec >> fd & 1);
	case F_SETFD:
		p->close_on_exec = (p->close_on_exec & ~(1ull << fd)) | ((uint64_t)(arg & FD_CLOEXEC) << fd);
		return 0;
	case F_GETFL: return f->flags & ~O_CLOEXEC;
	case F_SETFL: return 0;
	case F_DUPFD:
		return arg >= NFILE_PER_PROC ? -EINVAL : dup_from(fd, (int)arg);
	default: return -EINVAL;
	}
}

long sys_getcwd(uintptr_t buf, size_t size)
{
	if (size < 2)
		return -ERANGE;
	if (copy_to_user(buf, "/", 2))
		return -EFAULT;
	return 2;
}

/* readlink(2): the ramdisk has no symbolic links; /proc/self/exe is the one
 * link there is, to the running program. */
long sys_readlinkat(int dirfd, uintptr_t upath, uintptr_t ubuf, int64_t size)
{
	char path[256];
	long err = user_path_at(dirfd, upath, path, sizeof(path));
	if (err)
		return err;
	if (size <= 0)
		return -EINVAL;
	if (!strcmp(path, "/proc/self/exe")) {
		const char *exe = current_proc()->exe;
		size_t n = strlen(exe) < (size_t)size ? strlen(exe) : (size_t)size;
		return copy_to_user(ubuf, exe, n) ? -EFAULT : (long)n;
	}
	const struct ramfs_file *rf;
	err = ramfs_resolve(path, &rf);
	return err ? err : -EINVAL;   /* exists, but is not a link */
}

long sys_readlink(uintptr_t upath, uintptr_t ubuf, int64_t size)
{
	return sys_readlinkat(AT_FDCWD, upath, ubuf, size);
}
