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

long sys_dup2(int oldfd, int newfd)
{
	struct file *f = fget(oldfd);
	if (!f)
		return -EBADF;
	if (newfd < 0 || newfd >= NFILE_PER_PROC)
		return -EBADF;
	if (oldfd == newfd)
		return newfd;
	struct proc *p = current_proc();
	struct file *old = p->files[newfd];
	p->files[newfd] = get_file(f);
	fd_set_cloexec(newfd, false);
	fput(old);
	return newfd;
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
		return arg >= NFILE_PER_PROC ? -EINVAL : dup_from(fd, (int)arg, false);
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
