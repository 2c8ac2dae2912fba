/*
 * Allocation of blocks and inodes: each group has a block bitmap and an
 * inode bitmap (one bit per block or inode of the group, 1 = in use), and
 * the free counts are kept three times: in the bitmap, in the group
 * descriptor and in the superblock.
 *
 * Always true (what e2fsck checks): for every group, bg_free_*_count equals
 * the zero bits of its bitmap, and s_free_*_count is the sum over groups;
 * every change here updates all three together. A bit found in the wrong
 * state (freeing a free block, a "free" group with no zero bit) is
 * corruption: reported, counts left alone, never a panic.
 * The caller holds sbi->lock.
 */
#include "ext2.h"
#include "../../kernel/errno.h"

static bool test_bit(const char *map, uint32_t bit)
{
	return map[bit / 8] & (1 << (bit % 8));
}

static void set_bit(char *map, uint32_t bit, bool on)
{
	if (on)
		map[bit / 8] |= (char)(1 << (bit % 8));
	else
		map[bit / 8] &= (char)~(1 << (bit % 8));
}

static int find_zero_bit(const char *map, uint32_t nbits, uint32_t start)
{
	for (uint32_t i = 0; i < nbits; i++) {
		uint32_t bit = (start + i) % nbits;
		if (!test_bit(map, bit))
			return bit;
	}
	return -1;
}

/* Blocks in group g (the last group may be short). */
static uint32_t group_blocks(struct ext2_sb_info *sbi, uint32_t g)
{
	uint32_t first = sbi->first_data_block + g * sbi->blocks_per_group;
	uint32_t left = sbi->blocks_count - first;
	return left < sbi->blocks_per_group ? left : sbi->blocks_per_group;
}

static void count_block(struct ext2_sb_info *sbi, uint32_t g, int delta)
{
	ext2_group(sbi, g)->bg_free_blocks_count += delta;
	sbi->es->s_free_blocks_count += delta;
	ext2_group_dirty(sbi, g);
	ext2_super_dirty(sbi);
}

/* A block the group's own metadata occupies: a "free" bit for it is corruption. */
static bool is_group_metadata(struct ext2_sb_info *sbi, uint32_t g, uint32_t block)
{
	struct ext2_group_desc *gd = ext2_group(sbi, g);
	uint32_t itable = (sbi->inodes_per_group * sbi->inode_size + sbi->block_size - 1) / sbi->block_size;
	return block == gd->bg_block_bitmap || block == gd->bg_inode_bitmap ||
	       (block >= gd->bg_inode_table && block - gd->bg_inode_table < itable) ||
	       block <= sbi->first_data_block + sbi->gd_blocks;
}

/* Take a free block from group g; 0 and *out, or -ENOSPC. */
static int alloc_in_group(struct ext2_sb_info *sbi, uint32_t g, uint32_t start, uint32_t *out)
{
	struct ext2_group_desc *gd = ext2_group(sbi, g);
	if (!gd->bg_free_blocks_count)
		return -ENOSPC;
	struct buffer_head *bh = bread(sbi->bdev, gd->bg_block_bitmap, sbi->block_size);
	if (!bh)
		return -EIO;
	int bit = find_zero_bit(bh->data, group_blocks(sbi, g), start);
	if (bit < 0) {
		brelse(bh);
		return ext2_corrupt(sbi, "block bitmap (free count but no free bit)", 0, gd->bg_block_bitmap);
	}
	uint32_t block = sbi->first_data_block + g * sbi->blocks_per_group + bit;
	if (is_group_metadata(sbi, g, block)) {
		brelse(bh);
		return ext2_corrupt(sbi, "block bitmap (metadata marked free)", 0, block);
	}
	set_bit(bh->data, bit, true);
	mark_buffer_dirty(bh);
	brelse(bh);
	count_block(sbi, g, -1);
	*out = block;
	return 0;
}

/* A free block, near goal if it can be; the block's contents are whatever
 * was there. 0 and *out, -ENOSPC, or -EIO/-EUCLEAN. */
int ext2_new_block(struct ext2_sb_info *sbi, uint32_t goal, uint32_t *out)
{
	if (!ext2_block_ok(sbi, goal))
		goal = sbi->first_data_block;
	uint32_t g0 = (goal - sbi->first_data_block) / sbi->blocks_per_group;
	uint32_t start = (goal - sbi->first_data_block) % sbi->blocks_per_group;
	for (uint32_t i = 0; i < sbi->groups; i++) {
		uint32_t g = (g0 + i) % sbi->groups;
		int err = alloc_in_group(sbi, g, i ? 0 : start, out);
		if (err != -ENOSPC && err != -EUCLEAN)
			return err;
	}
	return -ENOSPC;
}

void ext2_free_block(struct ext2_sb_info *sbi, uint32_t block)
{
	if (!ext2_block_ok(sbi, block)) {
		ext2_corrupt(sbi, "block pointer (freeing a block outside the disk)", 0, block);
		return;
	}
	uint32_t g = (block - sbi->first_data_block) / sbi->blocks_per_group;
	uint32_t bit = (block - sbi->first_data_block) % sbi->blocks_per_group;
	struct buffer_head *bh = bread(sbi->bdev, ext2_group(sbi, g)->bg_block_bitmap, sbi->block_size);
	if (!bh)
		return;
	if (!test_bit(bh->data, bit)) {
		ext2_corrupt(sbi, "block bitmap (freeing a free block)", 0, block);
	} else {
		set_bit(bh->data, bit, false);
		mark_buffer_dirty(bh);
		count_block(sbi, g, +1);
	}
	brelse(bh);
	bforget(sbi->bdev, block, sbi->block_size);   /* a stale copy must never be written back */
}

/* ---- inodes --------------------------------------------------------------- */

static void count_inode(struct ext2_sb_info *sbi, uint32_t g, int delta, bool dir)
{
	struct ext2_group_desc *gd = ext2_group(sbi, g);
	gd->bg_free_inodes_count += delta;
	if (dir)
		gd->bg_used_dirs_count -= delta;
	sbi->es->s_free_inodes_count += delta;
	ext2_group_dirty(sbi, g);
	ext2_super_dirty(sbi);
}

static int ialloc_in_group(struct ext2_sb_info *sbi, uint32_t g, bool dir, uint32_t *out)
{
	struct ext2_group_desc *gd = ext2_group(sbi, g);
	if (!gd->bg_free_inodes_count)
		return -ENOSPC;
	struct buffer_head *bh = bread(sbi->bdev, gd->bg_inode_bitmap, sbi->block_size);
	if (!bh)
		return -EIO;
	uint32_t first = g == 0 ? sbi->first_ino - 1 : 0;   /* reserved inodes stay reserved */
	int bit = find_zero_bit(bh->data, sbi->inodes_per_group, first);
	if (bit < 0 || (uint32_t)bit < first) {
		brelse(bh);
		return ext2_corrupt(sbi, "inode bitmap (free count but no free bit)", 0, gd->bg_inode_bitmap);
	}
	set_bit(bh->data, bit, true);
	mark_buffer_dirty(bh);
	brelse(bh);
	count_inode(sbi, g, -1, dir);
	*out = g * sbi->inodes_per_group + bit + 1;
	return 0;
}

/* A free inode number: directories go to the group with the most free
 * inodes (spreading the tree), files near their parent. */
int ext2_new_inode_number(struct ext2_sb_info *sbi, uint32_t parent_ino, bool dir, uint32_t *out)
{
	uint32_t g0 = (parent_ino - 1) / sbi->inodes_per_group % sbi->groups;
	if (dir) {
		for (uint32_t g = 0; g < sbi->groups; g++)
			if (ext2_group(sbi, g)->bg_free_inodes_count > ext2_group(sbi, g0)->bg_free_inodes_count)
				g0 = g;
	}
	for (uint32_t i = 0; i < sbi->groups; i++) {
		int err = ialloc_in_group(sbi, (g0 + i) % sbi->groups, dir, out);
		if (err != -ENOSPC && err != -EUCLEAN)
			return err;
	}
	return -ENOSPC;
}

void ext2_free_inode_number(struct ext2_sb_info *sbi, uint32_t ino, bool dir)
{
	if (ino < sbi->first_ino || ino > sbi->inodes_count) {
		ext2_corrupt(sbi, "inode number (freeing a reserved or missing inode)", ino, 0);
		return;
	}
	uint32_t g = (ino - 1) / sbi->inodes_per_group, bit = (ino - 1) % sbi->inodes_per_group;
	struct buffer_head *bh = bread(sbi->bdev, ext2_group(sbi, g)->bg_inode_bitmap, sbi->block_size);
	if (!bh)
		return;
	if (!test_bit(bh->data, bit)) {
		ext2_corrupt(sbi, "inode bitmap (freeing a free inode)", ino, 0);
	} else {
		set_bit(bh->data, bit, false);
		mark_buffer_dirty(bh);
		count_inode(sbi, g, +1, dir);
	}
	brelse(bh);
}
