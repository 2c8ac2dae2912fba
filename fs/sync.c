/*
 * Write-back on request: fsync, fdatasync, sync, syncfs. Dirty pages of
 * the page cache go to their file systems' writepage (mm/filemap.c), then
 * metadata (write_inode, sync_fs). The periodic flusher (sync_tick) does
 * the same for every file every SYNC_INTERVAL seconds.
 */
#include "vfs.h"
#include "../kernel/errno.h"
#include "../kernel/syscalls.h"
#include "../kernel/param.h"
#include "../mm/filemap.h"

enum { SYNC_INTERVAL = 5 };   /* seconds, as Linux's dirty_writeback_centisecs */

int vfs_fsync(struct file *f, bool datasync)
{
	if (f->f_op->fsync)
		return f->f_op->fsync(f, datasync);
	struct inode *inode = f->f_inode;
	if (!inode || (!inode_is_reg(inode) && !inode_is_dir(inode)))
		return -EINVAL;
	int err = filemap_write_back(inode->i_mapping);
	const struct super_operations *op = inode->i_sb->s_op;
	if (!err && op && op->write_inode)
		err = op->write_inode(inode);
	return err;
}

long sys_fsync(int fd)
{
	struct file *f = fget(fd);
	return f ? vfs_fsync(f, false) : -EBADF;
}

long sys_fdatasync(int fd)
{
	struct file *f = fget(fd);
	return f ? vfs_fsync(f, true) : -EBADF;
}

long sys_sync(void)
{
	sync_filesystems();
	return 0;
}

long sys_syncfs(int fd)
{
	if (!fget(fd))
		return -EBADF;
	sync_filesystems();
	return 0;
}

uint64_t sync_due_tick = SYNC_INTERVAL * HZ;   /* the next periodic write-back */

/* From sync_tick, in process context at a safe point: write back every
 * SYNC_INTERVAL seconds. */
void sync_periodic(uint64_t ticks)
{
	sync_due_tick = ticks + SYNC_INTERVAL * HZ;
	sync_filesystems();
}
