/*
 * A file's block map: from a logical block number (the index of a block in
 * the file) to the disk block holding it, through the inode's i_block[]:
 *
 *   i_block[0..11]  -> data                                  logical 0..11
 *   i_block[12]     -> [p pointers] -> data                  next p
 *   i_block[13]     -> [p] -> [p] -> data                    next p^2
 *   i_block[14]     -> [p] -> [p] -> [p] -> data             next p^3
 *
 * (p = block size / 4.) A zero pointer is a hole: reads see zeros.
 *
 * Always true: i_blocks counts, in 512-byte units, every data and indirect
 * block the map holds; an indirect block is allocated zeroed, so its unused
 * entries are holes; truncation frees an indirect block once no entry of
 * it is left. A pointer outside the disk is corruption (-EUCLEAN).
 * The caller holds sbi->lock.
 */
#include "ext2.h"
#include "../../kernel/errno.h"

/* The path to lblock: offsets[0] in i_block[], then one index per
 * indirect level. Returns the depth (1..4), or -EFBIG past the map. */
static int block_to_path(struct ext2_sb_info *sbi, uint64_t lblock, uint32_t offsets[4])
{
	uint64_t p = sbi->addr_per_block;
	if (lblock < EXT2_NDIR_BLOCKS) {
		offsets[0] = lblock;
		return 1;
	}
	lblock -= EXT2_NDIR_BLOCKS;
	if (lblock < p) {
		offsets[0] = EXT2_IND_BLOCK;
		offsets[1] = lblock;
		return 2;
	}
	lblock -= p;
	if (lblock < p * p) {
		offsets[0] = EXT2_DIND_BLOCK;
		offsets[1] = lblock / p;
		offsets[2] = lblock % p;
		return 3;
	}
	lblock -= p * p;
	if (lblock < p * p * p) {
		offsets[0] = EXT2_TIND_BLOCK;
		offsets[1] = lblock / (p * p);
		offsets[2] = lblock / p % p;
		offsets[3] = lblock % p;
		return 4;
	}
	return -EFBIG;
}

/* A new block for *slot (in held buffer bh), near goal; indirect blocks
 * start zeroed. */
static int alloc_for_slot(struct inode *inode, uint32_t *slot, struct buffer_head *bh, uint32_t goal, bool indirect)
{
	struct ext2_sb_info *sbi = EXT2_SB(inode->i_sb);
	uint32_t blk;
	int err = ext2_new_block(sbi, goal, &blk);
	if (err)
		return err;
	if (indirect) {
		struct buffer_head *nb = getblk(sbi->bdev, blk, sbi->block_size);
		if (!nb) {
			ext2_free_block(sbi, blk);
			return -ENOMEM;
		}
		for (uint32_t i = 0; i < sbi->block_size; i++)
			nb->data[i] = 0;
		mark_buffer_dirty(nb);
		brelse(nb);
	}
	*slot = blk;
	mark_buffer_dirty(bh);
	inode->i_blocks += sbi->block_size / SECTOR_SIZE;
	return 0;
}

static uint32_t goal_for(struct ext2_sb_info *sbi, struct inode *inode, uint32_t *slot, uint32_t *first)
{
	if (slot > first && slot[-1])
		return slot[-1] + 1;
	uint32_t g = (inode->i_ino - 1) / sbi->inodes_per_group;
	return sbi->first_data_block + g * sbi->blocks_per_group;
}

/* Walk the path; allocate missing blocks when create. *out = 0 for a hole. */
static int walk(struct inode *inode, const uint32_t *offsets, int depth, bool create, uint32_t *out, bool *grew)
{
	struct ext2_sb_info *sbi = EXT2_SB(inode->i_sb);
	struct ext2_inode *raw;
	struct buffer_head *bh = ext2_raw_inode(sbi, inode->i_ino, &raw);
	if (!bh)
		return -EIO;
	uint32_t *first = raw->i_block, *slot = &raw->i_block[offsets[0]];
	int err = 0;
	for (int level = 0; level < depth && !err; level++) {
		if (!*slot && create) {
			err = alloc_for_slot(inode, slot, bh, goal_for(sbi, inode, slot, first), level + 1 < depth);
			*grew = *grew || !err;
		}
		uint32_t blk = err ? 0 : *slot;
		if (err || !blk || level + 1 == depth) {
			*out = blk;
			break;
		}
		if (!ext2_block_ok(sbi, blk)) {
			err = ext2_corrupt(sbi, "indirect block pointer", inode->i_ino, blk);
			break;
		}
		struct buffer_head *next = bread(sbi->bdev, blk, sbi->block_size);
		brelse(bh);
		bh = next;
		if (!bh)
			return -EIO;
		first = (uint32_t *)bh->data;
		slot = first + offsets[level + 1];
	}
	brelse(bh);
	return err;
}

int ext2_bmap(struct inode *inode, uint64_t lblock, bool create, uint32_t *out)
{
	struct ext2_sb_info *sbi = EXT2_SB(inode->i_sb);
	uint32_t offsets[4];
	int depth = block_to_path(sbi, lblock, offsets);
	if (depth < 0)
		return depth;
	bool grew = false;
	*out = 0;
	int err = walk(inode, offsets, depth, create, out, &grew);
	if (grew)
		ext2_store_inode(sbi, inode);
	if (!err && *out && !ext2_block_ok(sbi, *out))
		err = ext2_corrupt(sbi, "data block pointer", inode->i_ino, *out);
	return err;
}

/* ---- truncation ------------------------------------------------------------ */

/* Free, in the subtree at *slot (depth levels of indirection above the
 * data: 0 means *slot is a data block), the data blocks whose index in the
 * subtree is >= from, and the subtree's indirect blocks that empties.
 * Sets *dirty when *slot changed. Returns how many blocks were freed. */
static uint64_t free_subtree(struct ext2_sb_info *sbi, uint32_t *slot, int depth, uint64_t from, bool *dirty)
{
	uint32_t blk = *slot;
	if (!blk)
		return 0;
	uint64_t freed = 0;
	bool valid = ext2_block_ok(sbi, blk);
	if (!valid)
		ext2_corrupt(sbi, "block pointer (while truncating)", 0, blk);
	struct buffer_head *bh = valid && depth > 0 ? bread(sbi->bdev, blk, sbi->block_size) : NULL;
	if (bh) {
		uint64_t span = 1;
		for (int i = 1; i < depth; i++)
			span *= sbi->addr_per_block;
		uint32_t *e = (uint32_t *)bh->data;
		for (uint32_t i = 0; i < sbi->addr_per_block; i++) {
			if ((i + 1) * span <= from)
				continue;
			bool d = false;
			freed += free_subtree(sbi, &e[i], depth - 1, from > i * span ? from - i * span : 0, &d);
			if (d)
				mark_buffer_dirty(bh);
		}
		brelse(bh);
	}
	if (from == 0) {
		if (valid) {
			ext2_free_block(sbi, blk);
			freed++;
		}
		*slot = 0;
		*dirty = true;
	}
	return freed;
}

/* Free every block at logical index >= from_lblock (an unlinked inode:
 * from 0). Stores i_blocks. */
int ext2_truncate_blocks(struct inode *inode, uint64_t from)
{
	struct ext2_sb_info *sbi = EXT2_SB(inode->i_sb);
	struct ext2_inode *raw;
	struct buffer_head *bh = ext2_raw_inode(sbi, inode->i_ino, &raw);
	if (!bh)
		return -EIO;
	uint64_t p = sbi->addr_per_block, freed = 0, base = EXT2_NDIR_BLOCKS;
	bool dirty = false;
	for (uint32_t i = 0; i < EXT2_NDIR_BLOCKS; i++)
		if (i >= from)
			freed += free_subtree(sbi, &raw->i_block[i], 0, 0, &dirty);
	uint64_t span = p;
	for (int level = 1; level <= 3; level++) {
		if (from < base + span)
			freed += free_subtree(sbi, &raw->i_block[EXT2_NDIR_BLOCKS + level - 1], level,
					      from > base ? from - base : 0, &dirty);
		base += span;
		span *= p;
	}
	if (dirty)
		mark_buffer_dirty(bh);
	brelse(bh);
	uint64_t units = freed * (sbi->block_size / SECTOR_SIZE);
	inode->i_blocks = inode->i_blocks > units ? inode->i_blocks - units : 0;
	return ext2_store_inode(sbi, inode);
}
