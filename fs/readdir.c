/*
 * getdents64(2): a directory's entries as struct linux_dirent64 records,
 * as many whole records as fit. The directory's iterate walks from f_pos
 * (its own cookie) and calls fill_dir for each entry, moving ctx->pos past
 * each entry it delivered. A record's d_off is where reading resumes after
 * it (lseek(fd, d_off, SEEK_SET)): the position the next call finds, or
 * the final one; so each record's d_off is written when the next comes.
 */
#include "vfs.h"
#include "../kernel/errno.h"
#include "../kernel/syscalls.h"
#include "../kernel/string.h"
#include "../kernel/uaccess.h"

struct getdents_ctx {
	struct dir_context ctx;
	uintptr_t ubuf;
	size_t size, used;
	long prev;   /* offset of the last record in the buffer, or -1 */
	int error;
};

/* The previous record resumes at pos. */
static bool set_prev_off(struct getdents_ctx *g, uint64_t pos)
{
	int64_t off = (int64_t)pos;
	if (g->prev < 0)
		return true;
	return !copy_to_user(g->ubuf + g->prev + __builtin_offsetof(struct linux_dirent64, d_off), &off, sizeof(off));
}

static bool fill_dir(struct dir_context *ctx, const char *name, size_t len, uint64_t ino, unsigned type)
{
	struct getdents_ctx *g = (struct getdents_ctx *)ctx;
	size_t reclen = (sizeof(struct linux_dirent64) + len + 1 + 7) & ~7ul;
	if (g->used + reclen > g->size) {
		g->error = g->used ? 0 : -EINVAL;
		return false;
	}
	char rec[sizeof(struct linux_dirent64) + NAME_MAX + 8];
	struct linux_dirent64 *d = (void *)rec;
	memset(rec, 0, reclen);
	d->d_ino = ino;
	d->d_off = (int64_t)ctx->pos + 1;   /* until the next record or the end says better */
	d->d_reclen = reclen;
	d->d_type = type;
	memcpy(d->d_name, name, len);
	if (!set_prev_off(g, ctx->pos) || copy_to_user(g->ubuf + g->used, rec, reclen)) {
		g->error = -EFAULT;
		return false;
	}
	g->prev = (long)g->used;
	g->used += reclen;
	return true;
}

long sys_getdents64(int fd, uintptr_t buf, size_t n)
{
	struct file *f = fget(fd);
	if (!f)
		return -EBADF;
	if (!f->f_op->iterate)
		return -ENOTDIR;
	if (!access_ok(buf, n))
		return -EFAULT;
	struct getdents_ctx g = { { fill_dir, f->f_pos }, buf, n, 0, -1, 0 };
	int err = f->f_op->iterate(f, &g.ctx);
	f->f_pos = g.ctx.pos;
	if (!err && !g.error && !set_prev_off(&g, g.ctx.pos))
		err = -EFAULT;
	if (err)
		return err;
	return g.error ? g.error : (long)g.used;
}
