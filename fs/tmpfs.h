#ifndef PAGODA_FS_TMPFS_H
#define PAGODA_FS_TMPFS_H
#include "vfs.h"

/* fs/tmpfs.c, for devfs which is a tmpfs with device nodes */
extern const struct inode_operations tmpfs_dir_inode_operations, tmpfs_file_inode_operations;
int tmpfs_fill_super(struct super_block *sb, const void *data);

#endif
