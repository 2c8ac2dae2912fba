/* ext2 on RAM disks holding copies of the images the build made with
 * mke2fs (/images in the ramdisk; tests/fs/mkseed.py says what is in them):
 * mounting, reading, writing and remounting, the refusals, corruption found
 * after mount, and a fuzzer that flips bytes in the superblock, group
 * descriptors, inode table and directory blocks of many copies, mounts
 * each, walks it, writes to it and unmounts: never a panic, never a buffer
 * left held. The fuzzer's iteration count is `ext2_fuzz=N` on the command
 * line (default 100; make test-hostile runs more). */
#include "../../kernel/ktest.h"
#include "../../kernel/cmdline.h"
#include "../../kernel/errno.h"
#include "../../kernel/printk.h"
#include "../../kernel/string.h"
#include "../../block/ramdisk.h"
#include "../../fs/ext2/ext2.h"
#include "../../mm/filemap.h"
#include "../../mm/kheap.h"
#include "../rand.h"

struct image {
	char *data;
	size_t size;
};

static struct image load_image(const char *path)
{
	struct path p;
	KT_EQ(kern_path(path, &p), 0);
	struct image im = { kmalloc(p.inode->i_size), p.inode->i_size };
	KT_ASSERT(im.data != NULL);
	KT_EQ(filemap_read_kernel(p.inode, im.data, im.size, 0), im.size);
	path_put(&p);
	filemap_reclaim(UINT64_MAX);   /* leave no cached pages behind: frame tests count exactly */
	return im;
}

static struct super_block *mount_bdev(struct block_device *b, int *err)
{
	struct super_block *sb = kzalloc(sizeof(*sb));
	KT_ASSERT(sb != NULL);
	sb->s_type = &ext2_fs_type;
	sb->s_dev = 0xe2;
	*err = ext2_fill_super(sb, b->name);
	if (*err) {
		kfree(sb);
		return NULL;
	}
	return sb;
}

static void unmount(struct super_block *sb)
{
	ext2_put_super(sb);
	kfree(sb);
}

/* An image from /images on a RAM disk, mounted (or not, for refusals). */
struct mounted {
	struct image im;
	struct block_device *b;
	struct super_block *sb;
	int err;
};

static struct mounted mount_image(struct image im)
{
	struct mounted m = { .im = im, .b = ramdisk_create(im.data, im.size) };
	KT_ASSERT(m.b != NULL);
	m.sb = mount_bdev(m.b, &m.err);
	return m;
}

/* Unmount; no buffer of the disk may be left held; free it all. */
static void release(struct mounted *m)
{
	if (m->sb)
		unmount(m->sb);
	KT_EQ(invalidate_bdev(m->b), 0);
	ramdisk_destroy(m->b);
	kfree(m->im.data);
}

static struct inode *lookup(struct inode *dir, const char *name, int *err)
{
	struct inode *out = NULL;
	*err = dir->i_op->lookup(dir, name, strlen(name), &out);
	return *err ? NULL : out;
}

/* Read the first page of a file into a new buffer. */
static char *first_page(struct inode *inode)
{
	char *page = kzalloc(PAGE_SIZE);
	KT_EQ(inode->i_mapping->a_ops->readpage(inode, 0, page), 0);
	return page;
}

KTEST(ext2_mounts_host_image_and_reads_it)
{
	const char *images[] = { "/images/ext2-1k.img", "/images/ext2-4k.img" };
	for (int i = 0; i < 2; i++) {
		struct mounted m = mount_image(load_image(images[i]));
		struct super_block *sb = m.sb;
		KT_EQ(m.err, 0);
		int err;
		struct inode *hello = lookup(sb->s_root, "hello.txt", &err);
		KT_EQ(err, 0);
		KT_EQ(hello->i_size, 20);
		char *page = first_page(hello);
		KT_EQ(memcmp(page, "hello from the host\n", 20), 0);
		kfree(page);
		iput(hello);
		struct inode *big = lookup(sb->s_root, "big.bin", &err);
		KT_EQ(err, 0);
		KT_EQ(big->i_size, 300 * 1024);
		page = kmalloc(PAGE_SIZE);
		KT_EQ(big->i_mapping->a_ops->readpage(big, 74, page), 0);   /* bytes 296 KiB on: double-indirect with 1 KiB blocks */
		uint64_t off = 74 * PAGE_SIZE;
		KT_EQ((uint8_t)page[5], (uint8_t)(((off + 5) * 2654435761u) >> 13));
		kfree(page);
		iput(big);
		KT_EQ(lookup(sb->s_root, "missing", &err) == NULL && err == -ENOENT, 1);
		char target[128];
		struct inode *link = lookup(sb->s_root, "link", &err);
		KT_EQ(err, 0);
		KT_EQ(link->i_op->readlink(link, target, sizeof(target)), 9);
		KT_EQ(memcmp(target, "hello.txt", 9), 0);
		iput(link);
		link = lookup(sb->s_root, "longlink", &err);
		KT_EQ(err, 0);
		KT_EQ(link->i_op->readlink(link, target, sizeof(target)), 109);
		KT_EQ(memcmp(target + 100, "x/../file", 9), 0);
		iput(link);
		release(&m);
	}
}

KTEST(ext2_refuses_truncated_and_foreign_images)
{
	struct image im = load_image("/images/ext2-1k.img");
	struct image half = { kmalloc(im.size / 2), im.size / 2 }, ext4 = { kmalloc(im.size), im.size };
	memcpy(half.data, im.data, half.size);
	memcpy(ext4.data, im.data, im.size);
	((struct ext2_super_block *)(ext4.data + 1024))->s_feature_incompat |= 0x40;   /* extents */
	((struct ext2_super_block *)(im.data + 1024))->s_magic = 0x1234;
	struct image bad[] = { half, ext4, im };
	for (int i = 0; i < 3; i++) {
		struct mounted m = mount_image(bad[i]);
		KT_ASSERT(m.sb == NULL);
		KT_EQ(m.err, -EINVAL);
		release(&m);
	}
}

KTEST(ext2_written_file_survives_remount)
{
	struct mounted m = mount_image(load_image("/images/ext2-4k.img"));
	KT_EQ(m.err, 0);
	struct inode *root = m.sb->s_root, *f;
	KT_EQ(root->i_op->create(root, "new", 3, 0644, &f), 0);
	char *page = kzalloc(PAGE_SIZE);
	memcpy(page, "written by pagoda\n", 18);
	f->i_size = 18;
	KT_EQ(f->i_mapping->a_ops->writepage(f, 0, page), 0);
	iput(f);
	KT_EQ(root->i_op->mkdir(root, "newdir", 6, 0755), 0);
	uint32_t links = root->i_nlink;
	unmount(m.sb);
	m.sb = mount_bdev(m.b, &m.err);
	KT_EQ(m.err, 0);
	KT_EQ(m.sb->s_root->i_nlink, links);
	int err;
	f = lookup(m.sb->s_root, "new", &err);
	KT_EQ(err, 0);
	KT_EQ(f->i_size, 18);
	kfree(page);
	page = first_page(f);
	KT_EQ(memcmp(page, "written by pagoda\n", 18), 0);
	iput(f);
	struct inode *d = lookup(m.sb->s_root, "newdir", &err);
	KT_EQ(err, 0);
	KT_ASSERT(inode_is_dir(d));
	KT_EQ(d->i_nlink, 2);
	iput(d);
	kfree(page);
	release(&m);
}

static long read_link(struct inode *link, char *buf, size_t size)
{
	KT_ASSERT(inode_is_link(link));
	return link->i_op->readlink(link, buf, size);
}

/* What symlink, link and mknod write is read back after a remount: a fast
 * link (text in i_block), a slow one (text in a block), a second name, a
 * device's number. */
KTEST(ext2_links_and_nodes_survive_remount)
{
	struct mounted m = mount_image(load_image("/images/ext2-1k.img"));
	KT_EQ(m.err, 0);
	struct inode *root = m.sb->s_root, *f;
	char *slow = kzalloc(300), *buf = kzalloc(PAGE_SIZE);
	memset(slow, 's', 299);
	KT_EQ(root->i_op->symlink(root, "fast", 4, "a/short/target"), 0);
	KT_EQ(root->i_op->symlink(root, "slow", 4, slow), 0);
	KT_EQ(root->i_op->create(root, "f1", 2, 0644, &f), 0);
	KT_EQ(root->i_op->link(f, root, "f2", 2), 0);
	KT_EQ(f->i_nlink, 2);
	iput(f);
	KT_EQ(root->i_op->mknod(root, "null", 4, S_IFCHR | 0600, (1 << 8) | 3), 0);
	unmount(m.sb);
	m.sb = mount_bdev(m.b, &m.err);
	KT_EQ(m.err, 0);
	int err;
	struct inode *i = lookup(m.sb->s_root, "fast", &err);
	KT_EQ(read_link(i, buf, PAGE_SIZE), 14);
	KT_EQ(memcmp(buf, "a/short/target", 14), 0);
	KT_EQ(i->i_blocks, 0);
	iput(i);
	i = lookup(m.sb->s_root, "slow", &err);
	KT_EQ(read_link(i, buf, PAGE_SIZE), 299);
	KT_EQ(memcmp(buf, slow, 299), 0);
	KT_EQ(i->i_blocks, 2);   /* one 1 KiB block */
	iput(i);
	i = lookup(m.sb->s_root, "f2", &err);
	KT_EQ(err, 0);
	KT_EQ(i->i_nlink, 2);
	iput(i);
	i = lookup(m.sb->s_root, "null", &err);
	KT_EQ(i->i_mode & S_IFMT, S_IFCHR);
	KT_EQ(i->i_rdev, (1 << 8) | 3);
	iput(i);
	kfree(slow);
	kfree(buf);
	release(&m);
}

/* Where things are in a clean image, for corrupting them. */
struct layout {
	uint32_t bs, sb_off, gd_off, itable_off, inode_size, root_dir_off;
};

static struct layout find_layout(const struct image *im)
{
	const struct ext2_super_block *es = (const void *)(im->data + 1024);
	struct layout l = { .bs = 1024u << es->s_log_block_size, .sb_off = 1024, .inode_size = es->s_inode_size };
	l.gd_off = (es->s_first_data_block + 1) * l.bs;
	const struct ext2_group_desc *gd = (const void *)(im->data + l.gd_off);
	l.itable_off = gd->bg_inode_table * l.bs;
	const struct ext2_inode *root = (const void *)(im->data + l.itable_off + l.inode_size);
	l.root_dir_off = root->i_block[0] * l.bs;
	return l;
}

KTEST(ext2_corrupt_directory_entry_is_euclean)
{
	struct image im = load_image("/images/ext2-1k.img");
	struct layout l = find_layout(&im);
	struct ext2_dir_entry *dot = (void *)(im.data + l.root_dir_off);
	struct ext2_dir_entry *dotdot = (void *)(im.data + l.root_dir_off + dot->rec_len);
	dotdot->rec_len = 3;   /* not a multiple of 4, and too short */
	struct mounted m = mount_image(im);
	KT_EQ(m.err, 0);   /* the root inode is fine; its entries are not */
	int err;
	KT_ASSERT(lookup(m.sb->s_root, "hello.txt", &err) == NULL);
	KT_EQ(err, -EUCLEAN);
	release(&m);
}

KTEST(ext2_corrupt_block_pointer_is_eio)
{
	struct mounted m = mount_image(load_image("/images/ext2-1k.img"));
	int err;
	struct inode *hello = lookup(m.sb->s_root, "hello.txt", &err);
	KT_EQ(err, 0);
	uint64_t ino = hello->i_ino;
	iput(hello);
	unmount(m.sb);   /* then corrupt the disk itself: no buffer holds it now */
	struct layout l = find_layout(&m.im);
	char *disk = ramdisk_data(m.b);
	((struct ext2_inode *)(disk + l.itable_off + (ino - 1) * l.inode_size))->i_block[0] = 0x7fffffff;
	m.sb = mount_bdev(m.b, &m.err);
	hello = lookup(m.sb->s_root, "hello.txt", &err);
	KT_EQ(err, 0);
	char *page = kzalloc(PAGE_SIZE);
	KT_EQ(hello->i_mapping->a_ops->readpage(hello, 0, page), -EIO);
	kfree(page);
	iput(hello);
	release(&m);
}

/* ---- the fuzzer ---------------------------------------------------------------- */

struct walk {
	int budget;          /* lookups left: a corrupt tree may loop */
	char *page;
	int files, dirs, errors;
};

struct names {
	char name[32][EXT2_NAME_LEN + 1];
	int n;
};

static bool collect(void *ctx, const char *name, size_t len, uint64_t ino, unsigned type, uint64_t pos)
{
	struct names *ns = ctx;
	(void)ino, (void)type, (void)pos;
	if (ns->n == 32)
		return false;
	memcpy(ns->name[ns->n], name, len);
	ns->name[ns->n++][len] = 0;
	return true;
}

static void walk_tree(struct walk *w, struct inode *dir, int depth)
{
	struct names *ns = kzalloc(sizeof(*ns));
	uint64_t pos = 0;
	if (ext2_readdir(dir, &pos, collect, ns))
		w->errors++;
	for (int i = 0; i < ns->n && w->budget > 0; i++, w->budget--) {
		if (!strcmp(ns->name[i], ".") || !strcmp(ns->name[i], ".."))
			continue;
		int err;
		struct inode *child = lookup(dir, ns->name[i], &err);
		if (!child) {
			w->errors++;
			continue;
		}
		if (inode_is_dir(child) && depth < 4) {
			w->dirs++;
			walk_tree(w, child, depth + 1);
		} else if (inode_is_reg(child)) {
			w->files++;
			for (uint64_t idx = 0; idx < 80 && idx * PAGE_SIZE < child->i_size; idx++)
				if (child->i_mapping->a_ops->readpage(child, idx, w->page))
					w->errors++;
		}
		iput(child);
	}
	kfree(ns);
}

/* Some writes: a file with a page, a directory, both removed again. */
static void scribble(struct super_block *sb, struct walk *w)
{
	struct inode *root = sb->s_root, *f = NULL;
	if (sb->s_flags & SB_RDONLY)
		return;
	if (root->i_op->create(root, "fz", 2, 0644, &f) == 0) {
		f->i_size = 6000;
		if (f->i_mapping->a_ops->writepage(f, 0, w->page) || f->i_op->setsize(f, 100))
			w->errors++;
		root->i_op->unlink(root, "fz", 2, f);
		iput(f);
	}
	if (root->i_op->mkdir(root, "fzd", 3, 0755) == 0) {
		int err;
		struct inode *d = lookup(root, "fzd", &err);
		if (d) {
			root->i_op->rmdir(root, "fzd", 3, d);
			iput(d);
		}
	}
}

static void corrupt(struct image *im, const struct layout *l, uint64_t *rng)
{
	uint32_t regions[][2] = {
		{ l->sb_off, 1024 },
		{ l->gd_off, 64 },
		{ l->itable_off, 16 * l->inode_size },
		{ l->root_dir_off, l->bs },
	};
	int r = test_rand(rng) % ARRAY_SIZE(regions);
	int flips = 1 + test_rand(rng) % 4;
	for (int i = 0; i < flips; i++) {
		uint32_t off = regions[r][0] + test_rand(rng) % regions[r][1];
		if (off < im->size)
			im->data[off] = (char)test_rand(rng);
	}
}

struct fuzz_totals {
	int refused, mounted, walked_errors;
};

static void fuzz_one(const struct image *clean, const struct layout *l, uint64_t *rng, struct walk *w,
		     struct fuzz_totals *t)
{
	struct image im = { kmalloc(clean->size), clean->size };
	KT_ASSERT(im.data != NULL);
	memcpy(im.data, clean->data, clean->size);
	corrupt(&im, l, rng);
	struct block_device *b = ramdisk_adopt(im.data, im.size);   /* the disk owns im.data now */
	KT_ASSERT(b != NULL);
	int err;
	struct super_block *sb = mount_bdev(b, &err);
	if (!sb) {
		t->refused++;
	} else {
		t->mounted++;
		w->budget = 200;
		walk_tree(w, sb->s_root, 0);
		scribble(sb, w);
		unmount(sb);
	}
	KT_EQ(invalidate_bdev(b), 0);   /* nothing left holding a buffer */
	ramdisk_destroy(b);
}

KTEST(ext2_fuzzed_images_never_panic)
{
	const char *arg = cmdline_get("ext2_fuzz");
	int iterations = 100;
	if (arg && *arg) {
		iterations = 0;
		for (const char *c = arg; *c >= '0' && *c <= '9'; c++)
			iterations = iterations * 10 + (*c - '0');
	}
	struct image clean[2] = { load_image("/images/ext2-1k.img"), load_image("/images/ext2-4k.img") };
	struct layout layouts[2] = { find_layout(&clean[0]), find_layout(&clean[1]) };
	uint64_t rng = test_rand_seed(13);
	struct walk w = { .page = kmalloc(PAGE_SIZE) };
	struct fuzz_totals t = { 0 };
	for (int i = 0; i < iterations; i++)
		fuzz_one(&clean[i % 2], &layouts[i % 2], &rng, &w, &t);
	printk("ext2 fuzz: %d images: %d refused at mount, %d mounted (%d files, %d dirs read; %d errors reported)\n",
	       iterations, t.refused, t.mounted, w.files, w.dirs, w.errors);
	KT_EQ(t.refused + t.mounted, iterations);
	kfree(w.page);
	kfree(clean[0].data);
	kfree(clean[1].data);
}
