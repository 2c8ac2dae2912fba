#ifndef PAGODA_FILE_H
#define PAGODA_FILE_H
#include "types.h"

struct ramfs_file;

enum file_type { FILE_CONSOLE, FILE_RAMFS, FILE_DIR, FILE_MEMBUF };

/* An open file description (Linux struct file), shared by dup and fork. */
struct file {
	int refcount;
	enum file_type type;
	const struct ramfs_file *rf;   /* FILE_RAMFS, FILE_DIR */
	char *buf;                     /* FILE_MEMBUF: text generated at open (/proc files) */
	size_t buf_len;
	uint64_t offset;
	int flags;                     /* open flags (O_ACCMODE, O_APPEND, ...) */
};

struct proc;
void file_init(struct proc *init);            /* fds 0, 1, 2 on the console */
struct file *file_get(struct file *f);        /* one more reference */
void file_put(struct file *f);
void files_dup(struct proc *child, struct proc *parent);
void files_close_all(struct proc *p);
void files_close_on_exec(struct proc *p);

/* A path from user space, normalised to an absolute one. 0 or -errno. */
long user_path(uintptr_t upath, char *out, size_t size);
long user_path_at(int dirfd, uintptr_t upath, char *out, size_t size);

/* console.c */
long console_read(uintptr_t buf, size_t n);
long console_write_user(uintptr_t buf, size_t n);
void console_init(void);

/* procfs.c: text for /proc/... paths; NULL if path is not one */
char *procfs_generate(const char *path, size_t *len, int *err);

#endif
