/*
 * The file descriptor table, struct files_struct: fd[n] points at an open
 * file, with one close-on-exec bit per fd. A process's threads share one
 * table (clone's CLONE_FILES), counted in `count`; fork copies it.
 *
 * Invariants: every non-NULL slot holds one reference on its file; a free
 * slot's close-on-exec bit is clear; a table is freed, closing every file,
 * when its last task lets go of it (exit); exec gives its caller a table of
 * its own (unshare_files) before closing the close-on-exec ones.
 * Lock: files->lock around a slot's change (docs/locking.md).
 */
#include "vfs.h"
#include "../kernel/errno.h"
#include "../kernel/panic.h"
#include "../kernel/proc.h"
#include "../mm/kheap.h"

static struct files_struct *current_files(void)
{
	return current_proc()->files;
}

static struct file *slot_swap(struct files_struct *fs, int fd, struct file *f)
{
	spin_lock(&fs->lock);
	struct file *old = fs->fd[fd];
	fs->fd[fd] = f;
	spin_unlock(&fs->lock);
	return old;
}

struct file *fget(int fd)
{
	if (fd < 0 || fd >= NFILE_PER_PROC)
		return NULL;
	return current_files()->fd[fd];
}

void fd_set_cloexec(int fd, bool on)
{
	struct files_struct *fs = current_files();
	fs->close_on_exec = (fs->close_on_exec & ~(1ull << fd)) | ((uint64_t)on << fd);
}

bool fd_get_cloexec(int fd)
{
	return current_files()->close_on_exec >> fd & 1;
}

int fd_install(struct file *f, int lowest, bool cloexec)
{
	struct files_struct *fs = current_files();
	for (int fd = lowest < 0 ? 0 : lowest; fd < NFILE_PER_PROC; fd++)
		if (!fs->fd[fd]) {
			slot_swap(fs, fd, f);
			fd_set_cloexec(fd, cloexec);
			return fd;
		}
	return -EMFILE;
}

struct file *fd_replace(int fd, struct file *f)
{
	return slot_swap(current_files(), fd, f);
}

int fd_close(int fd)
{
	struct file *f = fget(fd);
	if (!f)
		return -EBADF;
	fd_replace(fd, NULL);
	fd_set_cloexec(fd, false);
	fput(f);
	return 0;
}

static struct files_struct *files_alloc(void)
{
	struct files_struct *fs = kzalloc(sizeof(*fs));
	if (fs) {
		fs->count = 1;
		spin_lock_init(&fs->lock, "files->lock");
	}
	return fs;
}

/* A copy of `from`: every open file one more reference. NULL on ENOMEM. */
static struct files_struct *files_copy(const struct files_struct *from)
{
	struct files_struct *fs = files_alloc();
	if (!fs)
		return NULL;
	for (int fd = 0; fd < NFILE_PER_PROC; fd++)
		if (from->fd[fd])
			fs->fd[fd] = get_file(from->fd[fd]);
	fs->close_on_exec = from->close_on_exec;
	return fs;
}

int copy_files(struct proc *child, struct proc *parent, bool share)
{
	if (share) {
		child->files = parent->files;
		__atomic_add_fetch(&child->files->count, 1, __ATOMIC_ACQ_REL);
		return 0;
	}
	child->files = files_copy(parent->files);
	return child->files ? 0 : -ENOMEM;
}

static void files_close_if(struct files_struct *fs, uint64_t which)
{
	for (int fd = 0; fd < NFILE_PER_PROC; fd++)
		if (fs->fd[fd] && (which >> fd & 1))
			fput(slot_swap(fs, fd, NULL));
	fs->close_on_exec &= ~which;
}

void files_put(struct proc *p)
{
	struct files_struct *fs = p->files;
	p->files = NULL;
	if (!fs || __atomic_sub_fetch(&fs->count, 1, __ATOMIC_ACQ_REL))
		return;
	files_close_if(fs, ~0ull);
	kfree(fs);
}

int unshare_files(struct proc *p)
{
	if (p->files->count == 1)
		return 0;
	struct files_struct *copy = files_copy(p->files);
	if (!copy)
		return -ENOMEM;
	files_put(p);
	p->files = copy;
	return 0;
}

void files_close_on_exec(struct proc *p)
{
	files_close_if(p->files, p->files->close_on_exec);
}

void fs_init_proc(struct proc *init)
{
	int err = -ENOMEM;
	struct file *con = filp_open("/dev/console", O_RDWR, &err);
	init->files = files_alloc();
	init->fs = fs_struct_alloc();
	if (!con || !init->files || !init->fs)
		panic("cannot set up init's files: /dev/console (error %d)", err);
	for (int fd = 0; fd < 3; fd++)
		init->files->fd[fd] = fd ? get_file(con) : con;
	init->fs->cwd_mnt = root_mount();
	init->fs->cwd = igrab(root_mount()->mnt_sb->s_root);
}
