/*
 * Moving bytes: read, write, readv, writev, pread64, pwrite64, lseek. The
 * file's f_op does the work; here are the checks every file shares, in
 * Linux's order.
 */
#include "vfs.h"
#include "../kernel/errno.h"
#include "../kernel/syscalls.h"
#include "../kernel/uaccess.h"

/* Linux caps one read/write at 0x7ffff000 bytes; sizes above SSIZE_MAX are EINVAL
 * for readv/writev. */
#define RW_MAX 0x7ffff000ul

static bool seekable(const struct file *f)
{
	return f->f_op->llseek != no_llseek;
}

static long rw_checked(int fd, uintptr_t buf, size_t n, uint64_t *pos, bool write)
{
	struct file *f = fget(fd);
	if (!f || !(f->f_mode & (write ? FMODE_WRITE : FMODE_READ)))
		return -EBADF;
	if (!access_ok(buf, n))
		return -EFAULT;
	n = n > RW_MAX ? RW_MAX : n;
	uint64_t *at = pos ? pos : &f->f_pos;
	return write ? vfs_write(f, buf, n, at) : vfs_read(f, buf, n, at);
}

long sys_read(int fd, uintptr_t buf, size_t n)
{
	return rw_checked(fd, buf, n, NULL, false);
}

long sys_write(int fd, uintptr_t buf, size_t n)
{
	return rw_checked(fd, buf, n, NULL, true);
}

static long prw(int fd, uintptr_t buf, size_t n, int64_t off, bool write)
{
	if (off < 0)
		return -EINVAL;
	struct file *f = fget(fd);
	if (!f)
		return -EBADF;
	if (!seekable(f))
		return -ESPIPE;
	uint64_t pos = (uint64_t)off;
	if (write && (f->f_flags & O_APPEND))
		return rw_checked(fd, buf, n, &pos, true);   /* Linux: O_APPEND wins, f_pos stays */
	return rw_checked(fd, buf, n, &pos, write);
}

long sys_pread64(int fd, uintptr_t buf, size_t n, int64_t off)
{
	return prw(fd, buf, n, off, false);
}

long sys_pwrite64(int fd, uintptr_t buf, size_t n, int64_t off)
{
	return prw(fd, buf, n, off, true);
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
	struct file *f = fget(fd);
	if (!f || !(f->f_mode & (write ? FMODE_WRITE : FMODE_READ)))
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
			long r = write ? vfs_write(f, iov[j].iov_base, iov[j].iov_len, &f->f_pos)
				       : vfs_read(f, iov[j].iov_base, iov[j].iov_len, &f->f_pos);
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

enum { SEEK_DATA = 3, SEEK_HOLE = 4 };

/* Regular files and directories: positions are bytes (a directory's are
 * its file system's cookies, so SEEK_END means nothing there). */
static long generic_llseek(struct file *f, int64_t off, int whence)
{
	bool dir = inode_is_dir(f->f_inode);
	int64_t size = (int64_t)f->f_inode->i_size, base;
	switch (whence) {
	case SEEK_SET: base = 0; break;
	case SEEK_CUR: base = (int64_t)f->f_pos; break;
	case SEEK_END: if (dir) return -EINVAL; base = size; break;
	case SEEK_DATA:
	case SEEK_HOLE:
		if (dir)
			return -EINVAL;
		if (off < 0 || off >= size)
			return -ENXIO;
		base = 0;
		off = whence == SEEK_HOLE ? size : off;
		break;
	default: return -EINVAL;
	}
	if (base + off < 0)
		return -EINVAL;
	f->f_pos = (uint64_t)(base + off);
	return (long)f->f_pos;
}

long sys_lseek(int fd, int64_t off, int whence)
{
	struct file *f = fget(fd);
	if (!f)
		return -EBADF;
	if (f->f_op->llseek)
		return f->f_op->llseek(f, off, whence);
	return generic_llseek(f, off, whence);
}
