/*
 * ext2 directories: a directory's blocks hold a chain of variable-length
 * entries that exactly covers each block,
 *
 *   | inode | rec_len | name_len | type | name... pad | inode | rec_len ...|
 *     <-------------- rec_len ------------------->
 *
 * an entry with inode 0 is unused space, and a removed entry's rec_len is
 * absorbed by the entry before it. Blocks 0.. i_size/block_size - 1 are all
 * allocated; block 0 starts with "." and "..".
 *
 * Always true (checked on every entry read, as e2fsck does): rec_len is a
 * multiple of 4, at least 8 + name_len rounded up, and ends inside its
 * block; inode <= inodes_count. An entry breaking this is corruption
 * (-EUCLEAN) and stops the scan. An htree index (dir_index) is not kept:
 * a change to an indexed directory clears EXT2_INDEX_FL, as e2fsck accepts.
 * Lock: the caller holds sbi->lock, except the iterate entry point, which
 * takes it per block and never holds it while copying to user space.
 */
#include "ext2.h"
#include "../../kernel/errno.h"
#include "../../kernel/string.h"
#include "../../mm/kheap.h"

static const char *check_entry(struct ext2_sb_info *sbi, const char *block, uint32_t off)
{
	const struct ext2_dir_entry *de = (const void *)(block + off);
	uint32_t bs = sbi->block_size;
	if (off + 8 > bs)
		return "directory entry (header crosses the block end)";
	if (de->rec_len < 8 || de->rec_len % 4 || off + de->rec_len > bs)
		return "directory entry (bad rec_len)";
	if (de->rec_len < ext2_rec_len(de->name_len))
		return "directory entry (name longer than the entry)";
	if (de->inode > sbi->inodes_count)
		return "directory entry (inode number past the last inode)";
	return NULL;
}

/* Directory block lblock, read (or, with create, allocated and zeroed). */
static struct buffer_head *dir_block(struct inode *dir, uint64_t lblock, bool create, int *err)
{
	struct ext2_sb_info *sbi = EXT2_SB(dir->i_sb);
	uint32_t blk;
	*err = ext2_bmap(dir, lblock, create, &blk);
	if (!*err && !blk)
		*err = ext2_corrupt(sbi, "directory (a hole)", dir->i_ino, lblock);
	if (*err)
		return NULL;
	struct buffer_head *bh = create ? getblk(sbi->bdev, blk, sbi->block_size) : bread(sbi->bdev, blk, sbi->block_size);
	if (!bh)
		*err = -EIO;
	return bh;
}

static uint64_t dir_blocks(struct inode *dir)
{
	return dir->i_size / EXT2_SB(dir->i_sb)->block_size;
}

/* Walk one block's entries: fn(entry, offset, previous entry or NULL, arg)
 * returns true to stop there. Returns 1 if stopped, 0 at the end, or
 * -EUCLEAN. */
typedef bool (*entry_fn)(struct ext2_dir_entry *de, uint32_t off, struct ext2_dir_entry *prev, void *arg);

static int walk_block(struct inode *dir, struct buffer_head *bh, entry_fn fn, void *arg)
{
	struct ext2_sb_info *sbi = EXT2_SB(dir->i_sb);
	struct ext2_dir_entry *prev = NULL;
	for (uint32_t off = 0; off < sbi->block_size;) {
		const char *bad = check_entry(sbi, bh->data, off);
		if (bad)
			return ext2_corrupt(sbi, bad, dir->i_ino, bh->blocknr);
		struct ext2_dir_entry *de = (void *)(bh->data + off);
		if (fn(de, off, prev, arg))
			return 1;
		prev = de;
		off += de->rec_len;
	}
	return 0;
}

/* Walk every block; on a stop, *out is that block (held). */
static int walk_dir(struct inode *dir, entry_fn fn, void *arg, struct buffer_head **out)
{
	for (uint64_t lb = 0; lb < dir_blocks(dir); lb++) {
		int err;
		struct buffer_head *bh = dir_block(dir, lb, false, &err);
		if (!bh)
			return err;
		int r = walk_block(dir, bh, fn, arg);
		if (r == 1 && out) {
			*out = bh;
			return 1;
		}
		brelse(bh);
		if (r)
			return r;
	}
	return 0;
}

/* ---- finding a name --------------------------------------------------------- */

struct search {
	const char *name;
	size_t len;
	struct ext2_dir_entry *found, *prev;
};

static bool match(struct ext2_dir_entry *de, uint32_t off, struct ext2_dir_entry *prev, void *arg)
{
	struct search *s = arg;
	(void)off;
	if (!de->inode || de->name_len != s->len || memcmp(de->name, s->name, s->len))
		return false;
	s->found = de;
	s->prev = prev;
	return true;
}

/* The entry for name: 0 with the block held in *bh, -ENOENT, or an error. */
static int find(struct inode *dir, const char *name, size_t len, struct search *s, struct buffer_head **bh)
{
	*s = (struct search){ .name = name, .len = len };
	int r = walk_dir(dir, match, s, bh);
	return r == 1 ? 0 : r ? r : -ENOENT;
}

int ext2_find_entry(struct inode *dir, const char *name, size_t len, uint32_t *ino)
{
	struct search s;
	struct buffer_head *bh;
	int err = find(dir, name, len, &s, &bh);
	if (err)
		return err;
	*ino = s.found->inode;
	brelse(bh);
	return 0;
}

static void dir_changed(struct inode *dir)
{
	struct ext2_sb_info *sbi = EXT2_SB(dir->i_sb);
	struct ext2_inode *raw;
	dir->i_mtime = dir->i_ctime = current_time();
	ext2_store_inode(sbi, dir);
	struct buffer_head *bh = ext2_raw_inode(sbi, dir->i_ino, &raw);
	if (bh && (raw->i_flags & EXT2_INDEX_FL)) {
		raw->i_flags &= ~EXT2_INDEX_FL;
		mark_buffer_dirty(bh);
	}
	brelse(bh);
}

static void set_entry(struct ext2_sb_info *sbi, struct ext2_dir_entry *de, uint32_t ino, uint32_t mode)
{
	de->inode = ino;
	de->file_type = sbi->has_filetype ? ext2_file_type(mode) : 0;
}

int ext2_set_entry(struct inode *dir, const char *name, size_t len, uint32_t ino, uint32_t mode)
{
	struct search s;
	struct buffer_head *bh;
	int err = find(dir, name, len, &s, &bh);
	if (err)
		return err;
	set_entry(EXT2_SB(dir->i_sb), s.found, ino, mode);
	mark_buffer_dirty(bh);
	brelse(bh);
	dir_changed(dir);
	return 0;
}

int ext2_delete_entry(struct inode *dir, const char *name, size_t len)
{
	struct search s;
	struct buffer_head *bh;
	int err = find(dir, name, len, &s, &bh);
	if (err)
		return err;
	if (s.prev)
		s.prev->rec_len += s.found->rec_len;
	else
		s.found->inode = 0;
	mark_buffer_dirty(bh);
	brelse(bh);
	dir_changed(dir);
	return 0;
}

/* ---- adding a name ------------------------------------------------------------ */

struct room {
	uint32_t need;
	struct ext2_dir_entry *de;
};

static bool has_room(struct ext2_dir_entry *de, uint32_t off, struct ext2_dir_entry *prev, void *arg)
{
	struct room *r = arg;
	(void)off;
	(void)prev;
	uint32_t used = de->inode ? ext2_rec_len(de->name_len) : 0;
	if (de->rec_len < used + r->need)
		return false;
	r->de = de;
	return true;
}

static void fill_entry(struct ext2_sb_info *sbi, struct ext2_dir_entry *de, const char *name, size_t len,
		       uint32_t ino, uint32_t mode)
{
	if (de->inode) {   /* split: the new entry takes the slack after this one */
		uint32_t used = ext2_rec_len(de->name_len);
		struct ext2_dir_entry *n = (void *)((char *)de + used);
		n->rec_len = de->rec_len - used;
		de->rec_len = used;
		de = n;
	}
	de->name_len = len;
	memcpy(de->name, name, len);
	set_entry(sbi, de, ino, mode);
}

/* A new last block for dir, holding one empty entry over all of it. */
static struct buffer_head *grow_dir(struct inode *dir, int *err)
{
	struct ext2_sb_info *sbi = EXT2_SB(dir->i_sb);
	struct buffer_head *bh = dir_block(dir, dir_blocks(dir), true, err);
	if (!bh)
		return NULL;
	memset(bh->data, 0, sbi->block_size);
	((struct ext2_dir_entry *)bh->data)->rec_len = sbi->block_size;
	dir->i_size += sbi->block_size;
	ext2_store_inode(sbi, dir);
	return bh;
}

int ext2_add_entry(struct inode *dir, const char *name, size_t len, uint32_t ino, uint32_t mode)
{
	struct ext2_sb_info *sbi = EXT2_SB(dir->i_sb);
	if (len == 0 || len > EXT2_NAME_LEN)
		return len ? -ENAMETOOLONG : -ENOENT;
	struct room r = { .need = ext2_rec_len(len) };
	struct buffer_head *bh = NULL;
	int err = walk_dir(dir, has_room, &r, &bh);
	if (err < 0)
		return err;
	if (err == 0) {
		bh = grow_dir(dir, &err);
		if (!bh)
			return err;
		r.de = (void *)bh->data;
	}
	fill_entry(sbi, r.de, name, len, ino, mode);
	mark_buffer_dirty(bh);
	brelse(bh);
	dir_changed(dir);
	return 0;
}

/* ---- new and empty directories -------------------------------------------------- */

int ext2_make_empty(struct inode *dir, uint32_t parent_ino)
{
	struct ext2_sb_info *sbi = EXT2_SB(dir->i_sb);
	int err;
	struct buffer_head *bh = dir_block(dir, 0, true, &err);
	if (!bh)
		return err;
	memset(bh->data, 0, sbi->block_size);
	struct ext2_dir_entry *dot = (void *)bh->data, *dotdot = (void *)(bh->data + 12);
	*dot = (struct ext2_dir_entry){ .inode = dir->i_ino, .rec_len = 12, .name_len = 1 };
	memcpy(dot->name, ".", 1);
	*dotdot = (struct ext2_dir_entry){ .inode = parent_ino, .rec_len = sbi->block_size - 12, .name_len = 2 };
	memcpy(dotdot->name, "..", 2);
	dot->file_type = dotdot->file_type = sbi->has_filetype ? EXT2_FT_DIR : 0;
	mark_buffer_dirty(bh);
	brelse(bh);
	dir->i_size = sbi->block_size;
	return ext2_store_inode(sbi, dir);
}

static bool not_dot(struct ext2_dir_entry *de, uint32_t off, struct ext2_dir_entry *prev, void *arg)
{
	(void)off;
	(void)prev;
	(void)arg;
	if (!de->inode)
		return false;
	bool dot = de->name_len == 1 && de->name[0] == '.';
	bool dotdot = de->name_len == 2 && de->name[0] == '.' && de->name[1] == '.';
	return !dot && !dotdot;
}

/* Only "." and ".." (a directory we cannot read counts as not empty). */
bool ext2_dir_is_empty(struct inode *dir)
{
	return walk_dir(dir, not_dot, NULL, NULL) == 0;
}

/* ---- reading a directory ------------------------------------------------------ */

static unsigned dt_of(struct ext2_sb_info *sbi, uint8_t ft)
{
	static const unsigned dt[] = { DT_UNKNOWN, DT_REG, DT_DIR, DT_CHR, DT_BLK, DT_FIFO, 12, DT_LNK };
	return sbi->has_filetype && ft < ARRAY_SIZE(dt) ? dt[ft] : DT_UNKNOWN;
}

/* A checked copy of the directory block holding byte pos, or NULL at the
 * end (*err = 0) or on an error. */
static char *copy_block(struct inode *dir, uint64_t pos, int *err)
{
	struct ext2_sb_info *sbi = EXT2_SB(dir->i_sb);
	*err = 0;
	if (pos / sbi->block_size >= dir_blocks(dir))
		return NULL;
	struct buffer_head *bh = dir_block(dir, pos / sbi->block_size, false, err);
	if (!bh)
		return NULL;
	char *copy = kmalloc(sbi->block_size);
	for (uint32_t off = 0; copy && off < sbi->block_size && !*err;) {
		const char *bad = check_entry(sbi, bh->data, off);
		if (bad)
			*err = ext2_corrupt(sbi, bad, dir->i_ino, bh->blocknr);
		else
			off += ((struct ext2_dir_entry *)(bh->data + off))->rec_len;
	}
	if (copy && !*err)
		memcpy(copy, bh->data, sbi->block_size);
	brelse(bh);
	if (!copy || *err) {
		kfree(copy);
		*err = *err ? *err : -ENOMEM;
		return NULL;
	}
	return copy;
}

/* Hand the entries of the directory from byte *pos on to fill, a block at a
 * time; *pos ends at the first entry fill refused. Takes sbi->lock per block
 * and calls fill without it. */
int ext2_readdir(struct inode *dir, uint64_t *pos, ext2_filldir_t fill, void *ctx)
{
	struct ext2_sb_info *sbi = EXT2_SB(dir->i_sb);
	uint32_t bs = sbi->block_size;
	for (;;) {
		int err;
		mutex_lock(&sbi->lock);
		char *blk = copy_block(dir, *pos, &err);
		mutex_unlock(&sbi->lock);
		if (!blk)
			return err;
		uint64_t base = *pos - *pos % bs;
		for (uint32_t off = 0; off < bs; off += ((struct ext2_dir_entry *)(blk + off))->rec_len) {
			struct ext2_dir_entry *de = (void *)(blk + off);
			if (base + off < *pos || !de->inode)
				continue;
			if (!fill(ctx, de->name, de->name_len, de->inode, dt_of(sbi, de->file_type), base + off)) {
				kfree(blk);
				return 0;
			}
			*pos = base + off + de->rec_len;
		}
		*pos = base + bs;
		kfree(blk);
	}
}

static bool emit(void *ctx, const char *name, size_t len, uint64_t ino, unsigned type, uint64_t pos)
{
	struct dir_context *dc = ctx;
	dc->pos = pos;
	return dir_emit(dc, name, len, ino, type);
}

static int ext2_iterate(struct file *file, struct dir_context *ctx)
{
	uint64_t pos = ctx->pos;
	int err = ext2_readdir(file->f_inode, &pos, emit, ctx);
	ctx->pos = pos;
	return err;
}

const struct file_operations ext2_dir_operations = {
	.iterate = ext2_iterate,
};
