/*
 * The initial ramdisk: a cpio "newc" archive (GRUB module "initrd") holding
 * every user program, served read-only.
 *
 * newc format: each member is a 110-byte ASCII header ("070701" then 13
 * eight-digit hex fields), the NUL-terminated name padded to a multiple of 4
 * (counting the header), then the data padded to 4. "TRAILER!!!" ends it.
 *
 * Invariant: files[] holds every member plus the root directory "/", with
 * names normalised (no leading "./" or "/").
 */
#include "ramfs.h"
#include "errno.h"
#include "linux_abi.h"
#include "multiboot2.h"
#include "panic.h"
#include "printk.h"
#include "string.h"
#include "../mm/layout.h"

enum { MAX_FILES = 256, HDR = 110 };

static struct ramfs_file files[MAX_FILES];
static size_t nfiles;

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

static void add_file(const char *name, const uint8_t *data, uint64_t size, uint32_t mode)
{
	if (nfiles == MAX_FILES) {
		printk("ramfs: too many files, skipping %s\n", name);
		return;
	}
	while (name[0] == '.' && name[1] == '/')
		name += 2;
	while (*name == '/')
		name++;
	if (!strcmp(name, "."))
		name = "";
	struct ramfs_file *f = &files[nfiles];
	strlcpy(f->name, name, sizeof(f->name));
	f->data = data;
	f->size = size;
	f->mode = mode;
	f->ino = ++nfiles;
}

static void parse_cpio(const uint8_t *p, const uint8_t *end)
{
	while (p + HDR <= end && !memcmp(p, "070701", 6)) {
		const char *h = (const char *)p;
		uint32_t mode = hex8(h + 14), size = hex8(h + 54), namesize = hex8(h + 94);
		const char *name = h + HDR;
		const uint8_t *data = p + align4(HDR + namesize);
		if (data + size > end || !strcmp(name, "TRAILER!!!"))
			break;
		if (strcmp(name, "."))
			add_file(name, data, size, mode);
		p = data + align4(size);
	}
}

void ramfs_init(void)
{
	add_file("", NULL, 0, S_IFDIR | 0755);
	for (int i = 0; i < boot_info.nmodules; i++) {
		const struct mb2_module *m = &boot_info.modules[i];
		parse_cpio(pa_to_kva(m->start), pa_to_kva(m->end));
	}
	pr_info("ramfs: %lu files in the initial ramdisk\n", (uint64_t)nfiles - 1);
}

const struct ramfs_file *ramfs_lookup(const char *path)
{
	while (*path == '/')
		path++;
	size_t n = strlen(path);
	while (n && path[n - 1] == '/')
		n--;
	for (size_t i = 0; i < nfiles; i++)
		if (strlen(files[i].name) == n && !strncmp(files[i].name, path, n))
			return &files[i];
	return NULL;
}

int ramfs_resolve(const char *path, const struct ramfs_file **out)
{
	char prefix[64];
	for (const char *s = path + 1; (s = strchr(s, '/')); s++) {
		size_t n = s - path;
		if (n >= sizeof(prefix))
			return -ENAMETOOLONG;
		memcpy(prefix, path, n);
		prefix[n] = 0;
		const struct ramfs_file *f = ramfs_lookup(prefix);
		if (!f)
			return -ENOENT;
		if ((f->mode & S_IFMT) != S_IFDIR)
			return -ENOTDIR;
	}
	*out = ramfs_lookup(path);
	return *out ? 0 : -ENOENT;
}

/* Is name directly inside the directory named dir? */
static bool inside(const char *dir, const char *name)
{
	size_t n = strlen(dir);
	if (!*name || !strcmp(dir, name))
		return false;
	if (n && (strncmp(dir, name, n) || name[n] != '/'))
		return false;
	return !strchr(name + (n ? n + 1 : 0), '/');
}

const struct ramfs_file *ramfs_dir_entry(const struct ramfs_file *dir, size_t i)
{
	for (size_t k = 0; k < nfiles; k++)
		if (inside(dir->name, files[k].name) && i-- == 0)
			return &files[k];
	return NULL;
}

size_t ramfs_count(void)
{
	return nfiles;
}
