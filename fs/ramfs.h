#ifndef PAGODA_FS_RAMFS_H
#define PAGODA_FS_RAMFS_H
#include "../kernel/types.h"

/* A file of the initial ramdisk: its bytes stay where GRUB loaded the
 * module, read through the direct map (the i_private of its inode). */
struct ramfs_file {
	const uint8_t *data;
	uint64_t size;
};

/* The ramdisk file at an absolute path ("/bin/init"), or NULL: for ktests
 * that need a program's raw bytes. */
const struct ramfs_file *ramfs_lookup(const char *path);

#endif
