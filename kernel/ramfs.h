#ifndef PAGODA_RAMFS_H
#define PAGODA_RAMFS_H
#include "types.h"

/* A read-only file of the initial ramdisk. Its bytes stay where GRUB loaded
 * the module, read through the direct map. */
struct ramfs_file {
	char name[64];          /* path without the leading '/', e.g. "bin/sh" */
	const uint8_t *data;
	uint64_t size;
	uint32_t mode;          /* S_IFREG | permissions, or S_IFDIR */
	uint64_t ino;
};

void ramfs_init(void);   /* parse the cpio module GRUB loaded */
/* Look up an absolute, normalised path ("/bin/sh", "/", "/bin"). NULL if absent. */
const struct ramfs_file *ramfs_lookup(const char *path);
/* The same, with Linux's errors: -ENOTDIR when a leading component is a
 * file, -ENOENT when something is missing. */
int ramfs_resolve(const char *path, const struct ramfs_file **out);
/* The i-th entry directly inside directory dir (a path like "/bin"), or NULL. */
const struct ramfs_file *ramfs_dir_entry(const struct ramfs_file *dir, size_t i);
size_t ramfs_count(void);

#endif
