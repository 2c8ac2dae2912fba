/*
 * Inodes: allocation, the inode cache (iget by super block and number) and
 * reference counting (igrab/iput).
 *
 * Invariants: an inode in the cache (I_HASHED) has i_count > 0, or is
 * I_FREEING: when i_count reaches 0 the inode's dirty pages are written
 * back, its metadata stored (write_inode), its cache emptied and the inode
 * freed; with i_nlink 0 its file system's evict_inode frees the data
 * instead. That sleeps on the disk with the inode still in the cache, and
 * iget never hands out an I_FREEING inode: it waits until the inode has
 * left the cache and reads it afresh (as Linux's __wait_on_freeing_inode);
 * nor an I_NEW one, which its file system is still reading from the disk:
 * it waits for unlock_new_inode.
 * Taking it back instead let the release free it under its new user (with
 * four CPUs, ext2's fsparallel read freed inodes and panicked).
 * inode_hash_lock guards the hash chains (innermost lock: docs/locking.md).
 */
#include "vfs.h"
#include "../kernel/errno.h"
#include "../kernel/param.h"
#include "../kernel/proc.h"
#include "../kernel/rtc.h"
#include "../kernel/string.h"
#include "../kernel/timer.h"
#include "../mm/filemap.h"
#include "../mm/kheap.h"

enum { INODE_HASH = 256 };

static struct inode *inode_hash[INODE_HASH];
static struct spinlock inode_hash_lock = SPINLOCK_INIT("inode_hash");

uint64_t current_time(void)
{
	return rtc_boot_epoch() + timer_ticks() / HZ;
}

static struct inode **hash_slot(struct super_block *sb, uint64_t ino)
{
	return &inode_hash[((uintptr_t)sb / 64 + ino) % INODE_HASH];
}

struct inode *new_inode(struct super_block *sb)
{
	struct inode *inode = kzalloc(sizeof(*inode));
	if (!inode)
		return NULL;
	inode->i_sb = sb;
	inode->i_count = 1;
	inode->i_nlink = 1;
	inode->i_mapping = &inode->i_data;
	inode->i_data.host = inode;
	spin_lock_init(&inode->i_data.lock, "mapping");
	spin_lock_init(&inode->i_lock, "inode");
	inode->i_atime = inode->i_mtime = inode->i_ctime = current_time();
	return inode;
}

void inode_init_mode(struct inode *inode, uint32_t mode)
{
	inode->i_mode = mode;
	if (inode_is_dir(inode))
		inode->i_nlink = 2;
}

/* A FIFO, socket or device node: its operations follow from its type and
 * number (Linux's init_special_inode). */
void init_special_inode(struct inode *inode, uint32_t mode, uint64_t rdev)
{
	inode->i_mode = mode;
	inode->i_rdev = rdev;
	if ((mode & S_IFMT) == S_IFCHR)
		inode->i_fop = chrdev_fops(rdev);
	else if ((mode & S_IFMT) == S_IFIFO)
		inode->i_fop = &fifo_fops;
	else
		inode->i_fop = &no_device_fops;
}

bool inode_is_dir(const struct inode *inode)
{
	return (inode->i_mode & S_IFMT) == S_IFDIR;
}

bool inode_is_reg(const struct inode *inode)
{
	return (inode->i_mode & S_IFMT) == S_IFREG;
}

static struct inode *find_inode(struct super_block *sb, uint64_t ino)
{
	for (struct inode *i = *hash_slot(sb, ino); i; i = i->i_hash_next)
		if (i->i_sb == sb && i->i_ino == ino)
			return i;
	return NULL;
}

struct inode *iget(struct super_block *sb, uint64_t ino, bool *fresh)
{
	spin_lock(&inode_hash_lock);
	struct inode *inode = find_inode(sb, ino);
	while (inode && (inode->i_state & (I_FREEING | I_NEW))) {
		spin_unlock(&inode_hash_lock);
		sleep_on(inode, 0);   /* unlock_new_inode or inode_release wakes us */
		spin_lock(&inode_hash_lock);
		inode = find_inode(sb, ino);
	}
	*fresh = !inode;
	if (inode) {
		inode->i_count++;
	} else if ((inode = new_inode(sb))) {
		inode->i_ino = ino;
		inode->i_state = I_NEW | I_HASHED;
		inode->i_hash_next = *hash_slot(sb, ino);
		*hash_slot(sb, ino) = inode;
	}
	spin_unlock(&inode_hash_lock);
	return inode;
}

void unlock_new_inode(struct inode *inode)
{
	inode->i_state &= ~I_NEW;
	wakeup(inode);   /* iget's waiters: the inode is filled */
}

struct inode *igrab(struct inode *inode)
{
	inode->i_count++;
	return inode;
}

static void unhash(struct inode *inode)
{
	spin_lock(&inode_hash_lock);
	for (struct inode **pp = hash_slot(inode->i_sb, inode->i_ino); *pp; pp = &(*pp)->i_hash_next)
		if (*pp == inode) {
			*pp = inode->i_hash_next;
			break;
		}
	spin_unlock(&inode_hash_lock);
}

/* The last reference is gone: store or free what the inode holds. */
static void inode_release(struct inode *inode)
{
	const struct super_operations *op = inode->i_sb ? inode->i_sb->s_op : NULL;   /* NULL: a pseudo inode (pipe) */
	inode->i_state |= I_FREEING;
	if (inode->i_nlink) {
		filemap_write_back(inode->i_mapping);
		if (op && op->write_inode && !(inode->i_state & I_NEW))
			op->write_inode(inode);
	}
	truncate_inode_pages(inode->i_mapping, 0);
	if (!inode->i_nlink && op && op->evict_inode && !(inode->i_state & I_NEW))
		op->evict_inode(inode);
	if (inode->i_state & I_HASHED)
		unhash(inode);
	wakeup(inode);   /* every sleeper on the channel: iget's waiters look again and miss it */
}

void iput(struct inode *inode)
{
	if (!inode || --inode->i_count)
		return;
	inode_release(inode);
	kfree(inode);
}
