/*
 * The ext2 directory operations the VFS calls: lookup, create, mkdir,
 * unlink, rmdir, rename (fs/vfs.h says what the VFS has checked before).
 *
 * Always true after each operation (what e2fsck checks): a directory's
 * link count is 2 + its subdirectories; a file's is the number of entries
 * naming it; every subdirectory's ".." names its parent; the group's
 * used-directory count matches. An inode whose count falls to 0 stays
 * allocated until its last reference goes (ext2_evict_inode).
 * Lock: each operation holds sbi->lock while it changes the disk, and
 * never while it takes a VFS inode reference (ext2_iget takes the lock).
 */
#include "ext2.h"
#include "../../kernel/errno.h"
#include "../../kernel/string.h"

static int ext2_lookup(struct inode *dir, const char *name, size_t len, struct inode **out)
{
	struct ext2_sb_info *sbi = EXT2_SB(dir->i_sb);
	if (len > EXT2_NAME_LEN)
		return -ENAMETOOLONG;
	uint32_t ino;
	mutex_lock(&sbi->lock);
	int err = ext2_find_entry(dir, name, len, &ino);
	mutex_unlock(&sbi->lock);
	return err ? err : ext2_iget(dir->i_sb, ino, out);
}

/* Give back an inode made by a failed operation: no blocks, no links (a
 * fast symlink's i_block is text, not blocks: i_blocks 0). */
static void undo_new_inode(struct ext2_sb_info *sbi, struct inode *tmp)
{
	if (tmp->i_blocks)
		ext2_truncate_blocks(tmp, 0);
	tmp->i_nlink = 0;
	ext2_store_inode(sbi, tmp);
	ext2_free_inode_number(sbi, tmp->i_ino, inode_is_dir(tmp));
}

/* A scratch VFS inode for an inode only this operation knows yet (no one
 * can iget it before its directory entry exists). */
static void scratch_inode(struct inode *tmp, struct inode *dir, uint32_t ino, uint32_t mode)
{
	memset(tmp, 0, sizeof(*tmp));
	tmp->i_sb = dir->i_sb;
	tmp->i_ino = ino;
	tmp->i_mode = mode;
	tmp->i_nlink = (mode & S_IFMT) == S_IFDIR ? 2 : 1;
	tmp->i_atime = tmp->i_mtime = tmp->i_ctime = current_time();
}

/* A new inode of the given mode named name in dir: fill (or NULL) writes
 * what it holds before the name is added. sbi->lock held. */
int ext2_make_node(struct inode *dir, const char *name, size_t len, uint32_t mode, ext2_fill_fn fill,
		   const void *arg, uint32_t *ino_out)
{
	struct ext2_sb_info *sbi = EXT2_SB(dir->i_sb);
	if (dir->i_sb->s_flags & SB_RDONLY)
		return -EROFS;
	if (len > EXT2_NAME_LEN)
		return -ENAMETOOLONG;
	uint32_t ino;
	int err = ext2_new_inode(sbi, dir, mode, &ino);
	if (err)
		return err;
	struct inode tmp;
	scratch_inode(&tmp, dir, ino, mode);
	if (fill)
		err = fill(&tmp, arg);
	err = err ? err : ext2_store_inode(sbi, &tmp);
	err = err ? err : ext2_add_entry(dir, name, len, ino, mode);
	if (err)
		undo_new_inode(sbi, &tmp);
	*ino_out = ino;
	return err;
}

static int ext2_create(struct inode *dir, const char *name, size_t len, uint32_t mode, struct inode **out)
{
	struct ext2_sb_info *sbi = EXT2_SB(dir->i_sb);
	uint32_t ino;
	mutex_lock(&sbi->lock);
	int err = ext2_make_node(dir, name, len, S_IFREG | (mode & 07777), NULL, NULL, &ino);
	mutex_unlock(&sbi->lock);
	return err ? err : ext2_iget(dir->i_sb, ino, out);
}

static int fill_dir(struct inode *tmp, const void *parent)
{
	return ext2_make_empty(tmp, ((const struct inode *)parent)->i_ino);
}

static int ext2_mkdir(struct inode *dir, const char *name, size_t len, uint32_t mode)
{
	struct ext2_sb_info *sbi = EXT2_SB(dir->i_sb);
	uint32_t ino;
	mutex_lock(&sbi->lock);
	int err = ext2_make_node(dir, name, len, S_IFDIR | (mode & 07777), fill_dir, dir, &ino);
	if (!err) {
		dir->i_nlink++;   /* the new directory's ".." */
		ext2_store_inode(sbi, dir);
	}
	mutex_unlock(&sbi->lock);
	return err;
}

/* A device's number in i_block as Linux's ext2 keeps it: the old 16-bit
 * encoding in i_block[0] when it fits, else the new one in i_block[1]. */
static int fill_device(struct inode *tmp, const void *rdev)
{
	struct ext2_inode *raw;
	struct buffer_head *bh = ext2_raw_inode(EXT2_SB(tmp->i_sb), tmp->i_ino, &raw);
	if (!bh)
		return -EIO;
	uint64_t dev = *(const uint64_t *)rdev;
	raw->i_block[dev < 0x10000 ? 0 : 1] = (uint32_t)dev;
	mark_buffer_dirty(bh);
	brelse(bh);
	return 0;
}

static int ext2_mknod(struct inode *dir, const char *name, size_t len, uint32_t mode, uint64_t rdev)
{
	struct ext2_sb_info *sbi = EXT2_SB(dir->i_sb);
	uint32_t ino;
	mutex_lock(&sbi->lock);
	int err = ext2_make_node(dir, name, len, mode, rdev ? fill_device : NULL, &rdev, &ino);
	mutex_unlock(&sbi->lock);
	return err;
}

static int ext2_link(struct inode *old, struct inode *dir, const char *name, size_t len)
{
	struct ext2_sb_info *sbi = EXT2_SB(dir->i_sb);
	if (dir->i_sb->s_flags & SB_RDONLY)
		return -EROFS;
	if (len > EXT2_NAME_LEN)
		return -ENAMETOOLONG;
	if (old->i_nlink >= EXT2_LINK_MAX)
		return -EMLINK;
	mutex_lock(&sbi->lock);
	int err = ext2_add_entry(dir, name, len, old->i_ino, old->i_mode);
	if (!err) {
		old->i_nlink++;
		old->i_ctime = current_time();
		ext2_store_inode(sbi, old);
	}
	mutex_unlock(&sbi->lock);
	return err;
}

static void drop_link(struct ext2_sb_info *sbi, struct inode *inode)
{
	if (inode->i_nlink)
		inode->i_nlink--;
	inode->i_ctime = current_time();
	ext2_store_inode(sbi, inode);
}

static int ext2_unlink(struct inode *dir, const char *name, size_t len, struct inode *victim)
{
	struct ext2_sb_info *sbi = EXT2_SB(dir->i_sb);
	if (dir->i_sb->s_flags & SB_RDONLY)
		return -EROFS;
	mutex_lock(&sbi->lock);
	int err = ext2_delete_entry(dir, name, len);
	if (!err)
		drop_link(sbi, victim);
	mutex_unlock(&sbi->lock);
	return err;
}

static int ext2_rmdir(struct inode *dir, const char *name, size_t len, struct inode *victim)
{
	struct ext2_sb_info *sbi = EXT2_SB(dir->i_sb);
	if (dir->i_sb->s_flags & SB_RDONLY)
		return -EROFS;
	mutex_lock(&sbi->lock);
	int err = ext2_dir_is_empty(victim) ? ext2_delete_entry(dir, name, len) : -ENOTEMPTY;
	if (!err) {
		victim->i_nlink = 0;
		victim->i_ctime = current_time();
		ext2_store_inode(sbi, victim);
		drop_link(sbi, dir);   /* the victim's ".." */
	}
	mutex_unlock(&sbi->lock);
	return err;
}

/* The new name: over target's entry, or a new entry. */
static int place_new_name(struct ext2_sb_info *sbi, struct inode *ndir, const char *nname, size_t nlen,
			  struct inode *victim, struct inode *target)
{
	if (!target)
		return ext2_add_entry(ndir, nname, nlen, victim->i_ino, victim->i_mode);
	int err = ext2_set_entry(ndir, nname, nlen, victim->i_ino, victim->i_mode);
	if (err)
		return err;
	if (inode_is_dir(target)) {
		target->i_nlink = 0;
		ext2_store_inode(sbi, target);
		drop_link(sbi, ndir);   /* the target's ".." */
	} else {
		drop_link(sbi, target);
	}
	return 0;
}

static int ext2_rename(struct inode *odir, const char *oname, size_t olen, struct inode *ndir, const char *nname,
		       size_t nlen, struct inode *victim, struct inode *target)
{
	struct ext2_sb_info *sbi = EXT2_SB(odir->i_sb);
	if (odir->i_sb->s_flags & SB_RDONLY)
		return -EROFS;
	if (nlen > EXT2_NAME_LEN)
		return -ENAMETOOLONG;
	if (target == victim)
		return 0;
	mutex_lock(&sbi->lock);
	int err = place_new_name(sbi, ndir, nname, nlen, victim, target);
	err = err ? err : ext2_delete_entry(odir, oname, olen);
	if (!err && inode_is_dir(victim) && odir != ndir) {
		err = ext2_set_entry(victim, "..", 2, ndir->i_ino, S_IFDIR);
		drop_link(sbi, odir);
		ndir->i_nlink++;
		ext2_store_inode(sbi, ndir);
	}
	if (!err) {
		victim->i_ctime = current_time();
		ext2_store_inode(sbi, victim);
	}
	mutex_unlock(&sbi->lock);
	return err;
}

/* O_TMPFILE: a new regular inode with no name. It is made with one link
 * (so that ext2_iget reads it), then stored with none: the last close
 * frees it (ext2_evict_inode) unless linkat gives it a name first. */
static int ext2_tmpfile(struct inode *dir, uint32_t mode, struct inode **out)
{
	struct ext2_sb_info *sbi = EXT2_SB(dir->i_sb);
	uint32_t ino;
	if (dir->i_sb->s_flags & SB_RDONLY)
		return -EROFS;
	mutex_lock(&sbi->lock);
	int err = ext2_new_inode(sbi, dir, S_IFREG | (mode & 07777), &ino);
	mutex_unlock(&sbi->lock);
	if (err)
		return err;
	if ((err = ext2_iget(dir->i_sb, ino, out))) {
		mutex_lock(&sbi->lock);
		ext2_free_inode_number(sbi, ino, false);
		mutex_unlock(&sbi->lock);
		return err;
	}
	(*out)->i_nlink = 0;
	mutex_lock(&sbi->lock);
	ext2_store_inode(sbi, *out);
	mutex_unlock(&sbi->lock);
	return 0;
}

/* A directory now under another parent: its ".." and both link counts. */
static int move_dir(struct ext2_sb_info *sbi, struct inode *child, struct inode *from, struct inode *to)
{
	int err = ext2_set_entry(child, "..", 2, to->i_ino, S_IFDIR);
	drop_link(sbi, from);
	to->i_nlink++;
	ext2_store_inode(sbi, to);
	return err;
}

static int ext2_exchange(struct inode *odir, const char *oname, size_t olen, struct inode *ndir, const char *nname,
			 size_t nlen, struct inode *a, struct inode *b)
{
	struct ext2_sb_info *sbi = EXT2_SB(odir->i_sb);
	if (odir->i_sb->s_flags & SB_RDONLY)
		return -EROFS;
	mutex_lock(&sbi->lock);
	int err = ext2_set_entry(odir, oname, olen, b->i_ino, b->i_mode);
	err = err ? err : ext2_set_entry(ndir, nname, nlen, a->i_ino, a->i_mode);
	if (!err && odir != ndir && inode_is_dir(a))
		err = move_dir(sbi, a, odir, ndir);
	if (!err && odir != ndir && inode_is_dir(b))
		err = move_dir(sbi, b, ndir, odir);
	a->i_ctime = b->i_ctime = current_time();
	ext2_store_inode(sbi, a);
	ext2_store_inode(sbi, b);
	mutex_unlock(&sbi->lock);
	return err;
}

static bool ext2_is_empty(struct inode *dir)
{
	struct ext2_sb_info *sbi = EXT2_SB(dir->i_sb);
	mutex_lock(&sbi->lock);
	bool empty = ext2_dir_is_empty(dir);
	mutex_unlock(&sbi->lock);
	return empty;
}

const struct inode_operations ext2_dir_inode_operations = {
	.lookup = ext2_lookup,
	.create = ext2_create,
	.mkdir = ext2_mkdir,
	.unlink = ext2_unlink,
	.rmdir = ext2_rmdir,
	.rename = ext2_rename,
	.is_empty = ext2_is_empty,
	.symlink = ext2_symlink,
	.link = ext2_link,
	.mknod = ext2_mknod,
	.exchange = ext2_exchange,
	.tmpfile = ext2_tmpfile,
};

const struct inode_operations ext2_file_inode_operations = {
	.setsize = ext2_setsize,
};
