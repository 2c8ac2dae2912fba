/*
 * ext2, revision 1 (and 0), as e2fsprogs' mke2fs makes it: the on-disk
 * structures (little-endian, as x86 is) and what a mounted ext2 keeps in
 * memory. The layout of a disk with 1 KiB blocks:
 *
 *   block 0     boot block (the superblock sits at byte 1024 whatever the
 *               block size: block 1 here, inside block 0 with 4 KiB blocks)
 *   group 0:    superblock | group descriptors | block bitmap | inode bitmap |
 *               inode table | data blocks ...
 *   group 1..:  [backup superblock + descriptors: groups 0, 1, powers of 3, 5, 7
 *               with sparse_super] | bitmaps | inode table | data ...
 *
 * Inode n (from 1) is entry (n-1) % inodes_per_group of group
 * (n-1) / inodes_per_group's inode table. A file's blocks are found through
 * i_block[15]: 12 direct pointers, then one single-, one double- and one
 * triple-indirect block (trees of 4-byte block numbers).
 */
#ifndef PAGODA_EXT2_H
#define PAGODA_EXT2_H

#include "../vfs.h"
#include "../../block/buffer.h"
#include "../../kernel/mutex.h"

#define EXT2_MAGIC 0xef53
#define EXT2_ROOT_INO 2
#define EXT2_GOOD_OLD_FIRST_INO 11
#define EXT2_GOOD_OLD_INODE_SIZE 128
#define EXT2_NDIR_BLOCKS 12
#define EXT2_IND_BLOCK 12
#define EXT2_DIND_BLOCK 13
#define EXT2_TIND_BLOCK 14
#define EXT2_N_BLOCKS 15
#define EXT2_NAME_LEN 255
#define EXT2_LINK_MAX 32000

/* s_state */
#define EXT2_VALID_FS 1
#define EXT2_ERROR_FS 2

/* Features this driver handles. Anything else incompatible refuses the
 * mount; anything else read-only-compatible mounts read-only. */
#define EXT2_FEATURE_COMPAT_DIR_INDEX 0x20
#define EXT2_FEATURE_INCOMPAT_FILETYPE 0x2
#define EXT2_FEATURE_RO_COMPAT_SPARSE_SUPER 0x1
#define EXT2_FEATURE_RO_COMPAT_LARGE_FILE 0x2
#define EXT2_SUPPORTED_INCOMPAT EXT2_FEATURE_INCOMPAT_FILETYPE
#define EXT2_SUPPORTED_RO_COMPAT (EXT2_FEATURE_RO_COMPAT_SPARSE_SUPER | EXT2_FEATURE_RO_COMPAT_LARGE_FILE | 0x4)

/* i_flags */
#define EXT2_INDEX_FL 0x1000   /* an htree directory: cleared when we change it */

/* Directory entry file types (with the filetype feature). */
enum { EXT2_FT_UNKNOWN, EXT2_FT_REG_FILE, EXT2_FT_DIR, EXT2_FT_CHRDEV, EXT2_FT_BLKDEV,
       EXT2_FT_FIFO, EXT2_FT_SOCK, EXT2_FT_SYMLINK };

struct ext2_super_block {
	uint32_t s_inodes_count, s_blocks_count, s_r_blocks_count;
	uint32_t s_free_blocks_count, s_free_inodes_count;
	uint32_t s_first_data_block, s_log_block_size, s_log_frag_size;
	uint32_t s_blocks_per_group, s_frags_per_group, s_inodes_per_group;
	uint32_t s_mtime, s_wtime;
	uint16_t s_mnt_count;
	int16_t s_max_mnt_count;
	uint16_t s_magic, s_state, s_errors, s_minor_rev_level;
	uint32_t s_lastcheck, s_checkinterval, s_creator_os, s_rev_level;
	uint16_t s_def_resuid, s_def_resgid;
	/* revision 1 */
	uint32_t s_first_ino;
	uint16_t s_inode_size, s_block_group_nr;
	uint32_t s_feature_compat, s_feature_incompat, s_feature_ro_compat;
	uint8_t s_uuid[16];
	char s_volume_name[16];
	char s_last_mounted[64];
	uint32_t s_algorithm_usage_bitmap;
	uint8_t s_rest[1024 - 204];
};
_Static_assert(sizeof(struct ext2_super_block) == 1024, "ext2 superblock is 1 KiB");

struct ext2_group_desc {
	uint32_t bg_block_bitmap, bg_inode_bitmap, bg_inode_table;
	uint16_t bg_free_blocks_count, bg_free_inodes_count, bg_used_dirs_count, bg_pad;
	uint32_t bg_reserved[3];
};
_Static_assert(sizeof(struct ext2_group_desc) == 32, "ext2 group descriptor is 32 bytes");

struct ext2_inode {
	uint16_t i_mode, i_uid;
	uint32_t i_size, i_atime, i_ctime, i_mtime, i_dtime;
	uint16_t i_gid, i_links_count;
	uint32_t i_blocks;              /* 512-byte units, indirect blocks included */
	uint32_t i_flags, i_osd1;
	uint32_t i_block[EXT2_N_BLOCKS];
	uint32_t i_generation, i_file_acl, i_size_high, i_faddr;
	uint8_t i_frag, i_fsize;
	uint16_t i_pad1, i_uid_high, i_gid_high;
	uint32_t i_reserved2;
};
_Static_assert(sizeof(struct ext2_inode) == 128, "ext2 inode is 128 bytes");

struct ext2_dir_entry {
	uint32_t inode;                 /* 0: an unused entry */
	uint16_t rec_len;               /* to the next entry: >= 8 + name_len, a multiple of 4 */
	uint8_t name_len, file_type;
	char name[];
};

/* The length a directory entry with an n-byte name needs. */
static inline uint32_t ext2_rec_len(uint32_t n)
{
	return (8 + n + 3) & ~3u;
}

/* A mounted ext2 (super_block->s_fs_info). */
struct ext2_sb_info {
	struct mutex lock;              /* every operation on this file system */
	struct block_device *bdev;
	uint32_t block_size, inode_size, first_ino;
	uint32_t blocks_count, inodes_count, first_data_block;
	uint32_t blocks_per_group, inodes_per_group, groups;
	uint32_t addr_per_block;        /* block numbers in an indirect block */
	bool has_filetype, read_only;
	struct buffer_head *sbh;        /* the block holding the superblock (held while mounted) */
	struct ext2_super_block *es;    /* inside sbh */
	struct buffer_head **gdh;       /* the group descriptor blocks (held) */
	uint32_t gd_blocks;
	uint64_t errors;                /* corruption found since mount */
};

static inline struct ext2_sb_info *EXT2_SB(struct super_block *sb)
{
	return sb->s_fs_info;
}

/* super.c */
extern const struct file_system_type ext2_fs_type;
struct ext2_group_desc *ext2_group(struct ext2_sb_info *sbi, uint32_t group);
void ext2_group_dirty(struct ext2_sb_info *sbi, uint32_t group);
void ext2_super_dirty(struct ext2_sb_info *sbi);
bool ext2_block_ok(struct ext2_sb_info *sbi, uint32_t block);
int ext2_corrupt(struct ext2_sb_info *sbi, const char *what, uint64_t ino, uint64_t block);
void ext2_init(void);   /* register, and mount /dev/vda at /mnt if it holds ext2 */
int ext2_fill_super(struct super_block *sb, const void *data);
void ext2_put_super(struct super_block *sb);

/* bitmap.c: allocation of blocks and inodes */
int ext2_new_block(struct ext2_sb_info *sbi, uint32_t goal, uint32_t *out);
void ext2_free_block(struct ext2_sb_info *sbi, uint32_t block);
int ext2_new_inode_number(struct ext2_sb_info *sbi, uint32_t parent_ino, bool dir, uint32_t *out);
void ext2_free_inode_number(struct ext2_sb_info *sbi, uint32_t ino, bool dir);

/* inode.c: on-disk inodes and the VFS inodes made from them */
struct buffer_head *ext2_raw_inode(struct ext2_sb_info *sbi, uint64_t ino, struct ext2_inode **out);
int ext2_iget(struct super_block *sb, uint64_t ino, struct inode **out);
int ext2_write_inode(struct inode *inode);
int ext2_store_inode(struct ext2_sb_info *sbi, struct inode *inode);   /* sbi->lock held */
int ext2_new_inode(struct ext2_sb_info *sbi, struct inode *dir, uint32_t mode, uint32_t *ino);
void ext2_evict_inode(struct inode *inode);
unsigned ext2_file_type(uint32_t mode);

/* blockmap.c: logical to physical blocks, allocation, truncation */
int ext2_bmap(struct inode *inode, uint64_t lblock, bool create, uint32_t *out);
int ext2_truncate_blocks(struct inode *inode, uint64_t from_lblock);

/* file.c: the page cache's readpage/writepage, setsize */
extern const struct address_space_operations ext2_aops;
extern const struct file_operations ext2_file_operations;
int ext2_setsize(struct inode *inode, uint64_t size);

/* dir.c: directory contents */
extern const struct file_operations ext2_dir_operations;
typedef bool (*ext2_filldir_t)(void *ctx, const char *name, size_t len, uint64_t ino, unsigned type, uint64_t pos);
int ext2_readdir(struct inode *dir, uint64_t *pos, ext2_filldir_t fill, void *ctx);
int ext2_find_entry(struct inode *dir, const char *name, size_t len, uint32_t *ino);
int ext2_add_entry(struct inode *dir, const char *name, size_t len, uint32_t ino, uint32_t mode);
int ext2_delete_entry(struct inode *dir, const char *name, size_t len);
int ext2_set_entry(struct inode *dir, const char *name, size_t len, uint32_t ino, uint32_t mode);
int ext2_make_empty(struct inode *dir, uint32_t parent_ino);
bool ext2_dir_is_empty(struct inode *dir);

/* namei.c: the directory inode operations */
extern const struct inode_operations ext2_dir_inode_operations;
typedef int (*ext2_fill_fn)(struct inode *tmp, const void *arg);
int ext2_make_node(struct inode *dir, const char *name, size_t len, uint32_t mode, ext2_fill_fn fill,
		   const void *arg, uint32_t *ino_out);
extern const struct inode_operations ext2_file_inode_operations;

/* symlink.c */
extern const struct inode_operations ext2_symlink_inode_operations;
int ext2_symlink(struct inode *dir, const char *name, size_t len, const char *target);

#endif
