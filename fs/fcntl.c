/*
 * Descriptor operations: dup, dup2, fcntl, ioctl. The fd table itself is
 * fs/fdtable.c's; these only copy slots and read or set flags.
 */
#include "vfs.h"
#include "../kernel/errno.h"
#include "../kernel/syscalls.h"
#include "../kernel/param.h"
#include "../kernel/proc.h"

/* A new descriptor for fd's file, the lowest free one >= lowest. */
static long dup_from(int fd, int lowest, bool cloexec)
{
	struct file *f = fget(fd);
	if (!f)
		return -EBADF;
	int nfd = fd_install(f, lowest, cloexec);
	if (nfd >= 0)
		get_file(f);
	return nfd;
}

long sys_dup(int fd)
{
	return dup_from(fd, 0, false);
}

/* newfd becomes a copy of oldfd (closing what it was), as dup2 and dup3. */
static long dup_to(int oldfd, int newfd, bool cloexec)
{
	struct file *f = fget(oldfd);
	if (!f)
		return -EBADF;
	if (newfd < 0 || newfd >= NFILE_PER_PROC)
		return -EBADF;
	struct file *old = fd_replace(newfd, get_file(f));
	fd_set_cloexec(newfd, cloexec);
	fput(old);
	return newfd;
}

long sys_dup2(int oldfd, int newfd)
{
	if (oldfd == newfd)
		return fget(oldfd) ? newfd : -EBADF;
	return dup_to(oldfd, newfd, false);
}

/* dup3(2): dup2 with O_CLOEXEC, and EINVAL where dup2 would do nothing. */
long sys_dup3(int oldfd, int newfd, int flags)
{
	if (flags & ~O_CLOEXEC)
		return -EINVAL;
	if (oldfd == newfd)
		return -EINVAL;
	return dup_to(oldfd, newfd, flags & O_CLOEXEC);
}

/* F_SETFL may change only these (Linux SETFL_MASK, less O_DIRECT/O_NOATIME
 * which need more than a flag here) */
#define SETFL_MASK (O_APPEND | O_NONBLOCK)

long sys_fcntl(int fd, int cmd, uint64_t arg)
{
	struct file *f = fget(fd);
	if (!f)
		return -EBADF;
	switch (cmd) {
	case F_GETFD: return fd_get_cloexec(fd);
	case F_SETFD:
		fd_set_cloexec(fd, arg & FD_CLOEXEC);
		return 0;
	case F_GETFL: return f->f_flags | O_LARGEFILE;   /* 64-bit Linux forces O_LARGEFILE */
	case F_SETFL:
		f->f_flags = (f->f_flags & ~SETFL_MASK) | (arg & SETFL_MASK);
		return 0;
	case F_DUPFD:
	case F_DUPFD_CLOEXEC:
		return arg >= NFILE_PER_PROC ? -EINVAL : dup_from(fd, (int)arg, cmd == F_DUPFD_CLOEXEC);
	default: return -EINVAL;
	}
}

long sys_ioctl(int fd, unsigned long cmd, uintptr_t arg)
{
	struct file *f = fget(fd);
	if (!f)
		return -EBADF;
	if (!f->f_op->ioctl)
		return -ENOTTY;
	return f->f_op->ioctl(f, cmd, arg);
}
