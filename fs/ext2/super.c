/*
 * Mounting ext2: reading and checking the superblock and the group
 * descriptors, keeping them in memory while mounted, statfs, sync.
 *
 * A mount refuses, with one line on the console saying why, any image whose
 * geometry does not hold together: a bad magic or revision, a block size
 * other than 1, 2 or 4 KiB, group sizes that do not fit a bitmap block,
 * counts that disagree, a disk smaller than the file system (a truncated
 * image), a group whose bitmaps or inode table lie outside the disk, or an
 * incompatible feature this driver does not know.
 *
 * Always true while mounted: sbh and the gdh[] buffers are referenced, so
 * es and every descriptor stay in memory; the free counts in the superblock
 * and descriptors are changed only by bitmap.c, together with the bitmaps.
 * Lock: sbi->lock (a mutex) is held by every operation on the file system.
 */
#include "ext2.h"
#include "../../kernel/errno.h"
#include "../../kernel/printk.h"
#include "../../kernel/string.h"
#include "../../mm/kheap.h"
#include "../../mm/swapfile.h"

static int refuse(struct block_device *bdev, const char *why)
{
	printk("ext2: %s: cannot mount: %s\n", bdev->name, why);
	return -EINVAL;
}

int ext2_corrupt(struct ext2_sb_info *sbi, const char *what, uint64_t ino, uint64_t block)
{
	if (sbi->errors++ < 10)
		printk("ext2: %s: corrupt %s (inode %lu, block %lu)\n", sbi->bdev->name, what, ino, block);
	return -EUCLEAN;
}

bool ext2_block_ok(struct ext2_sb_info *sbi, uint32_t block)
{
	return block >= sbi->first_data_block && block < sbi->blocks_count;
}

struct ext2_group_desc *ext2_group(struct ext2_sb_info *sbi, uint32_t group)
{
	uint32_t per = sbi->block_size / sizeof(struct ext2_group_desc);
	return (struct ext2_group_desc *)sbi->gdh[group / per]->data + group % per;
}

void ext2_group_dirty(struct ext2_sb_info *sbi, uint32_t group)
{
	mark_buffer_dirty(sbi->gdh[group / (sbi->block_size / sizeof(struct ext2_group_desc))]);
}

void ext2_super_dirty(struct ext2_sb_info *sbi)
{
	mark_buffer_dirty(sbi->sbh);
}

/* ---- checking the superblock ---------------------------------------------- */

static const char *check_geometry(const struct ext2_super_block *es, uint64_t disk_bytes)
{
	if (es->s_magic != EXT2_MAGIC)
		return "no ext2 superblock (bad magic)";
	if (es->s_rev_level > 1)
		return "unknown revision (only 0 and 1)";
	if (es->s_log_block_size > 2)
		return "block size is not 1, 2 or 4 KiB";
	uint32_t bs = 1024u << es->s_log_block_size;
	if (!es->s_blocks_per_group || es->s_blocks_per_group > 8 * bs)
		return "blocks per group do not fit a bitmap block";
	if (!es->s_inodes_per_group || es->s_inodes_per_group > 8 * bs)
		return "inodes per group do not fit a bitmap block";
	if (es->s_first_data_block != (bs == 1024 ? 1u : 0u))
		return "first data block is not where the block size puts it";
	if (es->s_blocks_count <= es->s_first_data_block)
		return "no blocks";
	if ((uint64_t)es->s_blocks_count * bs > disk_bytes)
		return "the disk is smaller than the file system (truncated image)";
	return NULL;
}

static const char *check_counts(const struct ext2_super_block *es, uint32_t groups, uint32_t inode_size, uint32_t bs)
{
	if ((uint64_t)groups * es->s_inodes_per_group != es->s_inodes_count)
		return "inode count disagrees with the groups";
	if (inode_size < EXT2_GOOD_OLD_INODE_SIZE || inode_size > bs || (inode_size & (inode_size - 1)))
		return "bad inode size";
	if (es->s_rev_level == 1 && (es->s_first_ino < EXT2_GOOD_OLD_FIRST_INO || es->s_first_ino > es->s_inodes_count))
		return "bad first inode";
	if (es->s_free_blocks_count > es->s_blocks_count || es->s_free_inodes_count > es->s_inodes_count)
		return "free counts larger than totals";
	if (es->s_rev_level == 1 && (es->s_feature_incompat & ~EXT2_SUPPORTED_INCOMPAT))
		return "an incompatible feature this driver lacks (journal, extents, meta_bg, 64bit, ...)";
	return NULL;
}

static void fill_sbi(struct ext2_sb_info *sbi, const struct ext2_super_block *es)
{
	sbi->block_size = 1024u << es->s_log_block_size;
	sbi->blocks_count = es->s_blocks_count;
	sbi->inodes_count = es->s_inodes_count;
	sbi->first_data_block = es->s_first_data_block;
	sbi->blocks_per_group = es->s_blocks_per_group;
	sbi->inodes_per_group = es->s_inodes_per_group;
	sbi->groups = (es->s_blocks_count - es->s_first_data_block + es->s_blocks_per_group - 1) / es->s_blocks_per_group;
	sbi->addr_per_block = sbi->block_size / 4;
	bool rev1 = es->s_rev_level == 1;
	sbi->inode_size = rev1 ? es->s_inode_size : EXT2_GOOD_OLD_INODE_SIZE;
	sbi->first_ino = rev1 ? es->s_first_ino : EXT2_GOOD_OLD_FIRST_INO;
	sbi->has_filetype = rev1 && (es->s_feature_incompat & EXT2_FEATURE_INCOMPAT_FILETYPE);
	sbi->read_only = rev1 && (es->s_feature_ro_compat & ~EXT2_SUPPORTED_RO_COMPAT);
	sbi->gd_blocks = (sbi->groups * sizeof(struct ext2_group_desc) + sbi->block_size - 1) / sbi->block_size;
}

/* Every group's bitmaps and inode table lie in the disk, past the
 * descriptors, and its free counts fit the group. */
static const char *check_groups(struct ext2_sb_info *sbi)
{
	uint32_t itable_blocks = (sbi->inodes_per_group * sbi->inode_size + sbi->block_size - 1) / sbi->block_size;
	uint32_t meta_end = sbi->first_data_block + 1 + sbi->gd_blocks;
	for (uint32_t g = 0; g < sbi->groups; g++) {
		struct ext2_group_desc *gd = ext2_group(sbi, g);
		if (gd->bg_block_bitmap < meta_end || gd->bg_block_bitmap >= sbi->blocks_count ||
		    gd->bg_inode_bitmap < meta_end || gd->bg_inode_bitmap >= sbi->blocks_count)
			return "a group's bitmap lies outside the disk";
		if (gd->bg_inode_table < meta_end || (uint64_t)gd->bg_inode_table + itable_blocks > sbi->blocks_count)
			return "a group's inode table lies outside the disk";
		if (gd->bg_free_blocks_count > sbi->blocks_per_group || gd->bg_free_inodes_count > sbi->inodes_per_group ||
		    gd->bg_used_dirs_count > sbi->inodes_per_group)
			return "a group's counts are larger than the group";
	}
	return NULL;
}

/* ---- mounting -------------------------------------------------------------- */

static void release_buffers(struct ext2_sb_info *sbi)
{
	for (uint32_t i = 0; sbi->gdh && i < sbi->gd_blocks; i++)
		brelse(sbi->gdh[i]);
	kfree(sbi->gdh);
	brelse(sbi->sbh);
	invalidate_bdev(sbi->bdev);
}

static int read_descriptors(struct ext2_sb_info *sbi)
{
	sbi->gdh = kzalloc(sizeof(*sbi->gdh) * sbi->gd_blocks);
	if (!sbi->gdh)
		return -ENOMEM;
	for (uint32_t i = 0; i < sbi->gd_blocks; i++) {
		sbi->gdh[i] = bread(sbi->bdev, sbi->first_data_block + 1 + i, sbi->block_size);
		if (!sbi->gdh[i])
			return refuse(sbi->bdev, "cannot read the group descriptors");
	}
	const char *why = check_groups(sbi);
	return why ? refuse(sbi->bdev, why) : 0;
}

/* Read, check and keep the superblock; sbi->bdev is set. */
static int read_super(struct ext2_sb_info *sbi)
{
	struct block_device *bdev = sbi->bdev;
	struct buffer_head *first = bread(bdev, 1, 1024);
	if (!first)
		return refuse(bdev, "cannot read the superblock");
	struct ext2_super_block *es = (void *)first->data;
	const char *why = check_geometry(es, bdev->nr_sectors * SECTOR_SIZE);
	if (!why) {
		fill_sbi(sbi, es);
		why = check_counts(es, sbi->groups, sbi->inode_size, sbi->block_size);
	}
	brelse(first);
	invalidate_bdev(bdev);   /* from here on, blocks of the file system's size */
	if (why)
		return refuse(bdev, why);
	uint32_t sb_block = sbi->block_size == 1024 ? 1 : 0;
	sbi->sbh = bread(bdev, sb_block, sbi->block_size);
	if (!sbi->sbh)
		return refuse(bdev, "cannot read the superblock");
	sbi->es = (void *)(sbi->sbh->data + (sbi->block_size == 1024 ? 0 : 1024));
	return 0;
}

static int mount_root(struct super_block *sb)
{
	struct inode *root;
	int err = ext2_iget(sb, EXT2_ROOT_INO, &root);
	if (err)
		return refuse(EXT2_SB(sb)->bdev, "the root directory is unreadable");
	if (!inode_is_dir(root)) {
		iput(root);
		return refuse(EXT2_SB(sb)->bdev, "the root inode is not a directory");
	}
	sb->s_root = root;
	return 0;
}

static const struct super_operations ext2_sops;

/* data: the disk's name ("vda" or "/dev/vda"). */
int ext2_fill_super(struct super_block *sb, const void *data)
{
	struct block_device *bdev = data ? blkdev_lookup(data) : NULL;
	if (!bdev)
		return -ENXIO;
	struct ext2_sb_info *sbi = kzalloc(sizeof(*sbi));
	if (!sbi)
		return -ENOMEM;
	mutex_init(&sbi->lock, "ext2");
	sbi->bdev = bdev;
	sb->s_fs_info = sbi;
	sb->s_op = &ext2_sops;
	sb->s_magic = EXT2_MAGIC;
	int err = read_super(sbi);
	if (!err) {
		sb->s_blocksize = sbi->block_size;
		err = read_descriptors(sbi);
	}
	if (!err && (sbi->read_only || bdev->read_only))
		sb->s_flags |= SB_RDONLY;
	if (!err)
		err = mount_root(sb);
	if (err) {
		release_buffers(sbi);
		kfree(sbi);
		sb->s_fs_info = NULL;
		return err;
	}
	if (!(sbi->es->s_state & EXT2_VALID_FS) || (sbi->es->s_state & EXT2_ERROR_FS))
		printk("ext2: %s: mounting a file system that was not cleanly unmounted; run e2fsck\n", bdev->name);
	return 0;
}

/* ---- super operations ------------------------------------------------------ */

static int ext2_statfs(struct super_block *sb, struct linux_statfs *st)
{
	struct ext2_sb_info *sbi = EXT2_SB(sb);
	mutex_lock(&sbi->lock);
	struct ext2_super_block *es = sbi->es;
	st->f_type = EXT2_MAGIC;
	st->f_bsize = sbi->block_size;
	st->f_blocks = es->s_blocks_count;
	st->f_bfree = es->s_free_blocks_count;
	st->f_bavail = es->s_free_blocks_count > es->s_r_blocks_count ? es->s_free_blocks_count - es->s_r_blocks_count : 0;
	st->f_files = es->s_inodes_count;
	st->f_ffree = es->s_free_inodes_count;
	st->f_namelen = EXT2_NAME_LEN;
	mutex_unlock(&sbi->lock);
	return 0;
}

static int ext2_sync_fs(struct super_block *sb)
{
	struct ext2_sb_info *sbi = EXT2_SB(sb);
	if (sb->s_flags & SB_RDONLY)
		return 0;
	mutex_lock(&sbi->lock);
	sbi->es->s_wtime = current_time();
	ext2_super_dirty(sbi);
	int err = sync_blockdev(sbi->bdev);
	mutex_unlock(&sbi->lock);
	return err;
}

/* Unmount (the VFS's put_super, and tests mounting images in memory):
 * the root is released, everything written, the buffers forgotten. */
void ext2_put_super(struct super_block *sb)
{
	struct ext2_sb_info *sbi = EXT2_SB(sb);
	if (sb->s_root)
		iput(sb->s_root);
	sb->s_root = NULL;
	ext2_sync_fs(sb);
	release_buffers(sbi);
	kfree(sbi);
	sb->s_fs_info = NULL;
}

static const struct super_operations ext2_sops = {
	.statfs = ext2_statfs,
	.write_inode = ext2_write_inode,
	.evict_inode = ext2_evict_inode,
	.sync_fs = ext2_sync_fs,
	.put_super = ext2_put_super,
};

const struct file_system_type ext2_fs_type = { .name = "ext2", .fill_super = ext2_fill_super };

void ext2_init(void)
{
	register_filesystem(&ext2_fs_type);
	struct block_device *vda = blkdev_lookup("vda");
	if (!vda || swap_uses(vda))
		return;   /* no disk, or it is the swap disk (tools/pagoda-run --swap without --disk) */
	int err = vfs_mount("ext2", "vda", "/mnt");
	if (err)
		printk("ext2: /dev/vda not mounted on /mnt (error %d)\n", err);
	else
		pr_info("ext2: /dev/vda mounted on /mnt\n");   /* vfs_statfs tells the geometry */
}
