/*
 * The initial ramdisk as the root file system: a cpio "newc" archive (GRUB
 * module "initrd") holding every user program, mounted read-only at "/".
 * The tree is built in memory at mount (fs/libfs.c directories); file
 * bytes stay in the module and reach the page cache through readpage.
 *
 * newc format: each member is a 110-byte ASCII header ("070701" then 13
 * eight-digit hex fields), the NUL-terminated name padded to a multiple of 4
 * (counting the header), then the data padded to 4. "TRAILER!!!" ends it.
 *
 * Invariants: the tree holds every member, with the mount points /dev,
 * /proc, /tmp and /mnt added if the archive lacks them; nothing changes
 * after mount (SB_RDONLY).
 */
#include "ramfs.h"
#include "vfs.h"
#include "../kernel/errno.h"
#include "../kernel/multiboot2.h"
#include "../kernel/printk.h"
#include "../kernel/string.h"
#include "../mm/kheap.h"
#include "../mm/layout.h"

enum { HDR = 110 };

static uint32_t hex8(const char *p)
{
	uint32_t v = 0;
	for (int i = 0; i < 8; i++) {
		char c = p[i];
		v = v * 16 + (c >= '0' && c <= '9' ? c - '0' : (c | 0x20) - 'a' + 10);
	}
	return v;
}

static size_t align4(size_t n) { return (n + 3) & ~(size_t)3; }

static int ramfs_readpage(struct inode *inode, uint64_t index, void *kva)
{
	const struct ramfs_file *rf = inode->i_private;
	uint64_t off = index << PAGE_SHIFT;
	if (off < rf->size)
		memcpy(kva, rf->data + off, rf->size - off < PAGE_SIZE ? rf->size - off : PAGE_SIZE);
	return 0;
}

static const struct address_space_operations ramfs_aops = { .readpage = ramfs_readpage };

/* A symbolic link in the archive: its data is the target. */
static long ramfs_readlink(struct inode *inode, char *buf, size_t size)
{
	const struct ramfs_file *rf = inode->i_private;
	size_t n = rf->size < size ? rf->size : size;
	memcpy(buf, rf->data, n);
	return (long)n;
}

static const struct inode_operations ramfs_symlink_iops = { .readlink = ramfs_readlink };

/* The directory named by the first n bytes of path below root, made if missing. */
static struct inode *dir_at(struct inode *root, const char *path, size_t n)
{
	struct inode *dir = root;
	for (size_t i = 0; i < n;) {
		size_t j = i;
		while (j < n && path[j] != '/')
			j++;
		struct inode *child;
		if (j > i && simple_lookup(dir, path + i, j - i, &child) == 0) {
			iput(child);   /* the entry keeps it */
		} else if (j > i) {
			child = simple_new_dir(root->i_sb, dir, 0755);
			if (!child || simple_link(dir, path + i, j - i, child))
				return NULL;
		} else {
			child = dir;
		}
		if (!inode_is_dir(child))
			return NULL;
		dir = child;
		i = j + 1;
	}
	return dir;
}

static void add_member(struct inode *root, const char *name, const uint8_t *data, uint64_t size, uint32_t mode)
{
	while (name[0] == '.' && name[1] == '/')
		name += 2;
	while (*name == '/')
		name++;
	const char *base = strrchr(name, '/');
	base = base ? base + 1 : name;
	struct inode *dir = dir_at(root, name, base > name ? (size_t)(base - name - 1) : 0);
	if (!dir || !*base)
		return;
	if ((mode & S_IFMT) == S_IFDIR) {
		dir_at(dir, base, strlen(base));
		return;
	}
	struct inode *inode = new_inode(root->i_sb);
	struct ramfs_file *rf = kmalloc(sizeof(*rf));
	if (!inode || !rf)
		return;
	*rf = (struct ramfs_file){ data, size };
	inode->i_ino = ++root->i_sb->s_next_ino;
	inode_init_mode(inode, mode);
	inode->i_size = size;
	inode->i_blocks = (size + 511) / 512;
	inode->i_private = rf;
	inode->i_fop = &generic_file_operations;
	inode->i_mapping->a_ops = &ramfs_aops;
	if (inode_is_link(inode)) {
		inode->i_op = &ramfs_symlink_iops;
		inode->i_fop = NULL;
	}
	if (simple_link(dir, base, strlen(base), inode))
		iput(inode);
}

static uint64_t parse_cpio(struct inode *root, const uint8_t *p, const uint8_t *end)
{
	uint64_t n = 0;
	while (p + HDR <= end && !memcmp(p, "070701", 6)) {
		const char *h = (const char *)p;
		uint32_t mode = hex8(h + 14), size = hex8(h + 54), namesize = hex8(h + 94);
		const char *name = h + HDR;
		const uint8_t *data = p + align4(HDR + namesize);
		if (data + size > end || !strcmp(name, "TRAILER!!!"))
			break;
		if (strcmp(name, ".")) {
			add_member(root, name, data, size, mode);
			n++;
		}
		p = data + align4(size);
	}
	return n;
}

static const struct super_operations ramfs_sops = { .statfs = simple_statfs };

static int ramfs_fill_super(struct super_block *sb, const void *data)
{
	(void)data;
	sb->s_magic = RAMFS_MAGIC;
	sb->s_op = &ramfs_sops;
	sb->s_root = simple_new_dir(sb, NULL, 0755);
	if (!sb->s_root)
		return -ENOMEM;
	uint64_t n = 0;
	for (int i = 0; i < boot_info.nmodules; i++) {
		const struct mb2_module *m = &boot_info.modules[i];
		n += parse_cpio(sb->s_root, pa_to_kva(m->start), pa_to_kva(m->end));
	}
	static const char *const mount_points[] = { "dev", "proc", "tmp", "mnt" };
	for (size_t i = 0; i < ARRAY_SIZE(mount_points); i++)
		dir_at(sb->s_root, mount_points[i], strlen(mount_points[i]));
	sb->s_flags |= SB_RDONLY;
	pr_info("ramfs: %lu files in the initial ramdisk\n", n);
	return 0;
}

const struct file_system_type ramfs_fs_type = { "ramfs", ramfs_fill_super };

const struct ramfs_file *ramfs_lookup(const char *path)
{
	struct path p;
	if (kern_path(path, &p))
		return NULL;
	const struct ramfs_file *rf = inode_is_reg(p.inode) && p.mnt == root_mount() ? p.inode->i_private : NULL;
	path_put(&p);   /* the directory entry keeps the inode */
	return rf;
}
