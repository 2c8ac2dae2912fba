/*
 * /dev: a tmpfs with the character devices made at mount, as Linux's
 * devtmpfs. Each device is a file_operations:
 *   null     (1,3)  reads end of file, writes vanish
 *   zero     (1,5)  reads zeros, writes vanish; mmap gives anonymous memory
 *   console  (5,1)  the serial console (kernel/console.c): fds 0-2 of init
 *   tty      (5,0)  the controlling terminal: the console here
 * the links fd, stdin, stdout and stderr into /proc/self/fd, and the
 * directory /dev/shm where a tmpfs is mounted. chrdev_fops finds
 * a device by number for every character node (init_special_inode).
 */
#include "tmpfs.h"
#include "../kernel/console.h"
#include "poll.h"
#include "../kernel/errno.h"
#include "../kernel/proc.h"
#include "../kernel/string.h"
#include "../kernel/uaccess.h"

#define MKDEV(major, minor) (((uint64_t)(major) << 8) | (minor))

static long null_read(struct file *f, uintptr_t ubuf, size_t n, uint64_t *pos)
{
	(void)f, (void)ubuf, (void)n, (void)pos;
	return 0;
}

static long sink_write(struct file *f, uintptr_t ubuf, size_t n, uint64_t *pos)
{
	(void)f, (void)ubuf, (void)pos;
	return (long)n;
}

static long zero_read(struct file *f, uintptr_t ubuf, size_t n, uint64_t *pos)
{
	(void)f, (void)pos;
	return clear_user(ubuf, n) ? -EFAULT : (long)n;
}

/* Character devices keep no position: lseek succeeds and changes nothing
 * visible (Linux: null and zero return 0). */
static long dev_llseek(struct file *f, int64_t off, int whence)
{
	(void)f, (void)off, (void)whence;
	return 0;
}

static const struct file_operations null_fops = { .read = null_read, .write = sink_write, .llseek = dev_llseek };
const struct file_operations zero_fops = { .read = zero_read, .write = sink_write, .llseek = dev_llseek };

static long tty_read(struct file *f, uintptr_t ubuf, size_t n, uint64_t *pos)
{
	(void)f, (void)pos;
	return console_read(ubuf, n);
}

static long tty_write(struct file *f, uintptr_t ubuf, size_t n, uint64_t *pos)
{
	(void)f, (void)pos;
	return console_write_user(ubuf, n);
}

static long tty_ioctl(struct file *f, unsigned long cmd, uintptr_t arg)
{
	(void)f;
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

static int tty_poll(struct file *f)
{
	(void)f;
	return (console_readable() ? POLLIN | POLLRDNORM : 0) | POLLOUT | POLLWRNORM;
}

const struct file_operations tty_fops = {
	.read = tty_read, .write = tty_write, .ioctl = tty_ioctl, .llseek = no_llseek, .poll = tty_poll,
};

/* The character devices by number: what a node (here or made by mknod
 * anywhere) opens. */
struct chrdev {
	const char *name;
	uint64_t rdev;
	uint32_t perm;
	const struct file_operations *fops;
};

static const struct chrdev chrdevs[] = {
	{ "null", MKDEV(1, 3), 0666, &null_fops },
	{ "zero", MKDEV(1, 5), 0666, &zero_fops },
	{ "console", MKDEV(5, 1), 0600, &tty_fops },
	{ "tty", MKDEV(5, 0), 0666, &tty_fops },
};

/* The links to a process's own descriptors, as udev makes them. */
static const char *const fd_links[][2] = {
	{ "fd", "/proc/self/fd" },
	{ "stdin", "/proc/self/fd/0" },
	{ "stdout", "/proc/self/fd/1" },
	{ "stderr", "/proc/self/fd/2" },
};

static int no_device_open(struct inode *inode, struct file *file)
{
	(void)inode, (void)file;
	return -ENXIO;
}

/* A node with no driver behind it (a block device, a socket, an unknown
 * character device): open fails as Linux's does. */
const struct file_operations no_device_fops = { .open = no_device_open };

const struct file_operations *chrdev_fops(uint64_t rdev)
{
	for (size_t i = 0; i < ARRAY_SIZE(chrdevs); i++)
		if (chrdevs[i].rdev == rdev)
			return chrdevs[i].fops;
	return &no_device_fops;
}

static int devfs_fill_super(struct super_block *sb, const void *data)
{
	int err = tmpfs_fill_super(sb, data);
	if (err)
		return err;
	struct inode *root = sb->s_root;
	root->i_mode = S_IFDIR | 0755;
	for (size_t i = 0; i < ARRAY_SIZE(chrdevs); i++) {
		const struct chrdev *d = &chrdevs[i];
		if ((err = root->i_op->mknod(root, d->name, strlen(d->name), S_IFCHR | d->perm, d->rdev)))
			return err;
	}
	for (size_t i = 0; i < ARRAY_SIZE(fd_links); i++)
		if ((err = root->i_op->symlink(root, fd_links[i][0], strlen(fd_links[i][0]), fd_links[i][1])))
			return err;
	return root->i_op->mkdir(root, "shm", 3, 01777);
}

const struct file_system_type devfs_fs_type = { "devfs", devfs_fill_super };
