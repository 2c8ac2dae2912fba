/*
 * Open file objects (Linux struct file): one per open(), shared by dup and
 * fork, holding the position, the open flags and the operations.
 *
 * Invariants: f_count = fd slots (in all processes) + areas mapping the
 * file + transient kernel references; the last fput calls f_op->release
 * and drops the file's references on its inode and mount path.
 */
#include "vfs.h"
#include "../kernel/errno.h"
#include "../kernel/string.h"
#include "../mm/filemap.h"
#include "../mm/kheap.h"

static uint32_t open_mode(int flags)
{
	switch (flags & O_ACCMODE) {
	case O_RDONLY: return FMODE_READ;
	case O_WRONLY: return FMODE_WRITE;
	case O_RDWR: return FMODE_READ | FMODE_WRITE;
	default: return 0;
	}
}

static const struct file_operations no_fops;   /* every operation: the VFS default */

struct file *alloc_file_pseudo(struct inode *inode, int flags, const struct file_operations *fop)
{
	struct file *f = kzalloc(sizeof(*f));
	if (!f)
		return NULL;
	f->f_count = 1;
	f->f_flags = flags & ~(O_CLOEXEC | O_CREAT | O_EXCL | O_TRUNC | O_NOCTTY);
	f->f_mode = open_mode(flags);
	f->f_op = fop ? fop : &no_fops;
	f->f_inode = inode;
	f->f_path.inode = inode;
	return f;
}

struct file *alloc_file(const struct path *path, int flags, const struct file_operations *fop)
{
	struct file *f = alloc_file_pseudo(path->inode, flags, fop);
	if (f) {
		f->f_path = *path;
		path_get(&f->f_path);
	}
	return f;
}

struct file *get_file(struct file *f)
{
	f->f_count++;
	return f;
}

static void file_free(struct file *f)
{
	if (f->f_dname) {
		path_put(&f->f_dir);
		kfree(f->f_dname);
	}
	if (f->f_path.mnt)
		path_put(&f->f_path);
	else
		iput(f->f_inode);
	kfree(f);
}

void fput(struct file *f)
{
	if (!f || --f->f_count)
		return;
	if (f->f_op->release)
		f->f_op->release(f);
	file_free(f);
}

void fput_unopened(struct file *f)
{
	file_free(f);
}

long vfs_read(struct file *f, uintptr_t ubuf, size_t n, uint64_t *pos)
{
	if (!(f->f_mode & FMODE_READ))
		return -EBADF;
	if (f->f_inode && inode_is_dir(f->f_inode))
		return -EISDIR;
	if (!f->f_op->read)
		return -EINVAL;
	return f->f_op->read(f, ubuf, n, pos);
}

long vfs_write(struct file *f, uintptr_t ubuf, size_t n, uint64_t *pos)
{
	if (!(f->f_mode & FMODE_WRITE))
		return -EBADF;
	if (!f->f_op->write)
		return -EINVAL;
	if (f->f_inode && IS_SWAPFILE(f->f_inode))
		return -ETXTBSY;   /* an active swap area: its blocks are the kernel's (Linux's generic_write_checks) */
	return f->f_op->write(f, ubuf, n, pos);
}

long no_llseek(struct file *file, int64_t off, int whence)
{
	(void)file, (void)off, (void)whence;
	return -ESPIPE;
}

long kernel_read(struct file *f, void *buf, size_t n, uint64_t pos)
{
	if (!f->f_inode || !inode_is_reg(f->f_inode))
		return -EINVAL;
	return filemap_read_kernel(f->f_inode, buf, n, pos);
}
