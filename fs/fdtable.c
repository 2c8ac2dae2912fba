/*
 * The file descriptor table of a process: proc->files[fd] points at an
 * open file, with one close-on-exec bit per fd in proc->close_on_exec.
 *
 * Invariants: every non-NULL slot holds one reference on its file; a free
 * slot's close-on-exec bit is clear. fork copies the table (files shared),
 * exec closes the close-on-exec ones, exit closes all.
 */
#include "vfs.h"
#include "../kernel/errno.h"
#include "../kernel/panic.h"
#include "../kernel/proc.h"

struct file *fget(int fd)
{
	if (fd < 0 || fd >= NFILE_PER_PROC)
		return NULL;
	return current_proc()->files[fd];
}

void fd_set_cloexec(int fd, bool on)
{
	struct proc *p = current_proc();
	p->close_on_exec = (p->close_on_exec & ~(1ull << fd)) | ((uint64_t)on << fd);
}

bool fd_get_cloexec(int fd)
{
	return current_proc()->close_on_exec >> fd & 1;
}

int fd_install(struct file *f, int lowest, bool cloexec)
{
	struct proc *p = current_proc();
	for (int fd = lowest < 0 ? 0 : lowest; fd < NFILE_PER_PROC; fd++)
		if (!p->files[fd]) {
			p->files[fd] = f;
			fd_set_cloexec(fd, cloexec);
			return fd;
		}
	return -EMFILE;
}

int fd_close(int fd)
{
	struct file *f = fget(fd);
	if (!f)
		return -EBADF;
	current_proc()->files[fd] = NULL;
	fd_set_cloexec(fd, false);
	fput(f);
	return 0;
}

void files_dup(struct proc *child, struct proc *parent)
{
	for (int fd = 0; fd < NFILE_PER_PROC; fd++)
		if (parent->files[fd])
			child->files[fd] = get_file(parent->files[fd]);
	child->close_on_exec = parent->close_on_exec;
}

void files_close_all(struct proc *p)
{
	for (int fd = 0; fd < NFILE_PER_PROC; fd++)
		if (p->files[fd]) {
			fput(p->files[fd]);
			p->files[fd] = NULL;
		}
	p->close_on_exec = 0;
}

void files_close_on_exec(struct proc *p)
{
	for (int fd = 0; fd < NFILE_PER_PROC; fd++)
		if (p->files[fd] && (p->close_on_exec >> fd & 1)) {
			fput(p->files[fd]);
			p->files[fd] = NULL;
		}
	p->close_on_exec = 0;
}

void fs_init_proc(struct proc *init)
{
	int err;
	struct file *con = filp_open("/dev/console", O_RDWR, &err);
	if (!con)
		panic("cannot open /dev/console (error %d)", err);
	for (int fd = 0; fd < 3; fd++)
		init->files[fd] = fd ? get_file(con) : con;
	init->cwd_mnt = root_mount();
	init->cwd = igrab(root_mount()->mnt_sb->s_root);
}
