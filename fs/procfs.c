/*
 * /proc as a file system: the root lists self (a symbolic link to the
 * caller's pid), every process by pid, and the system files; a process
 * directory holds maps, smaps, exe and cwd (links), stat, status, cmdline,
 * comm, fd/ (one link per open descriptor), task/ (one directory per thread
 * of the process, named by tid, holding the same files for that thread), and
 * pagemap and clear_refs (binary, read and written in place: mm/pagemap.c). Inodes
 * are made at each lookup and freed at the last iput (nothing is cached:
 * a process may be gone by the next lookup). A file's text is generated at
 * open (fs/proc_text.c) and read from memory afterwards.
 *
 * Inode numbers say what an inode is: (pid << 8) | entry, pid 0 for the
 * system files; the root is 1. The root lists processes (thread group
 * leaders); /proc/TID of any thread is found by lookup, as on Linux.
 */
#include "procfs.h"
#include "../kernel/errno.h"
#include "../kernel/printk.h"
#include "../kernel/proc.h"
#include "../kernel/string.h"
#include "../kernel/thread_group.h"
#include "../kernel/uaccess.h"
#include "../mm/kheap.h"
#include "../mm/pagemap.h"

enum { PE_ROOT = 1, PE_VMSTAT, PE_MEMINFO, PE_MOUNTS, PE_FAULTLOG, PE_UPTIME, PE_LOADAVG, PE_STAT, PE_FRAMES, PE_SELF, PE_SWAPS, PE_CPUINFO,
       PE_PID_DIR = 0x10, PE_MAPS, PE_SMAPS, PE_EXE, PE_PID_VMSTAT, PE_PID_PAGETABLE, PE_PID_STAT, PE_PID_STATUS, PE_CMDLINE, PE_COMM,
       PE_FD_DIR, PE_PAGEMAP, PE_CLEAR_REFS, PE_CWD, PE_TASK_DIR,
       PE_FD = 0x80,   /* PE_FD + n: /proc/PID/fd/n, a link to what fd n is open on */
       PID_COOKIE = 1000 };

struct proc_entry {
	const char *name;
	int id;
	uint32_t mode;
};

static const struct proc_entry root_entries[] = {
	{ "vmstat", PE_VMSTAT, S_IFREG | 0444 },
	{ "meminfo", PE_MEMINFO, S_IFREG | 0444 },
	{ "mounts", PE_MOUNTS, S_IFREG | 0444 },
	{ "faultlog", PE_FAULTLOG, S_IFREG | 0444 },   /* Pagoda's: the newest fault events (mm/faultlog.c) */
	{ "uptime", PE_UPTIME, S_IFREG | 0444 },
	{ "loadavg", PE_LOADAVG, S_IFREG | 0444 },
	{ "stat", PE_STAT, S_IFREG | 0444 },
	{ "frames", PE_FRAMES, S_IFREG | 0444 },       /* Pagoda's: physical memory by use and refcount */
	{ "swaps", PE_SWAPS, S_IFREG | 0444 },
	{ "cpuinfo", PE_CPUINFO, S_IFREG | 0444 },
};
static const struct proc_entry pid_entries[] = {
	{ "maps", PE_MAPS, S_IFREG | 0444 },
	{ "smaps", PE_SMAPS, S_IFREG | 0444 },
	{ "exe", PE_EXE, S_IFLNK | 0777 },
	{ "vmstat", PE_PID_VMSTAT, S_IFREG | 0444 },   /* Pagoda's own: the process's fault counters */
	{ "pagetable", PE_PID_PAGETABLE, S_IFREG | 0444 },   /* Pagoda's own: one line per present leaf */
	{ "stat", PE_PID_STAT, S_IFREG | 0444 },
	{ "status", PE_PID_STATUS, S_IFREG | 0444 },
	{ "cmdline", PE_CMDLINE, S_IFREG | 0444 },
	{ "comm", PE_COMM, S_IFREG | 0444 },
	{ "fd", PE_FD_DIR, S_IFDIR | 0500 },
	{ "pagemap", PE_PAGEMAP, S_IFREG | 0400 },     /* binary, read in place (mm/pagemap.c) */
	{ "clear_refs", PE_CLEAR_REFS, S_IFREG | 0200 },   /* write "4": soft-dirty tracking */
	{ "cwd", PE_CWD, S_IFLNK | 0777 },
	{ "task", PE_TASK_DIR, S_IFDIR | 0555 },
};

static const struct inode_operations proc_dir_iops, proc_link_iops, proc_self_iops;
static const struct file_operations proc_dir_fops, proc_file_fops, proc_mm_fops;

static int entry_of(const struct inode *inode) { return inode->i_ino & 0xff; }
static int pid_of(const struct inode *inode) { return (int)(inode->i_ino >> 8); }

static struct proc *live_proc(int pid)
{
	struct proc *p = proc_find(pid);
	return p && p->mm ? p : NULL;
}

/* A process /proc lists: a live one, or a zombie not yet reaped (its
 * stat, status, cmdline and comm read; what needs memory is gone). */
static struct proc *shown_proc(int pid)
{
	struct proc *p = proc_find(pid);
	return p && (p->mm || p->state == PROC_ZOMBIE) ? p : NULL;
}

static bool needs_mm(int entry)
{
	return entry != PE_PID_STAT && entry != PE_PID_STATUS && entry != PE_CMDLINE && entry != PE_COMM;
}

static int make_inode(struct super_block *sb, int pid, int id, uint32_t mode, struct inode **out)
{
	struct inode *inode = new_inode(sb);
	if (!inode)
		return -ENOMEM;
	inode->i_ino = ((uint64_t)pid << 8) | id;
	inode_init_mode(inode, mode);
	if (inode_is_dir(inode)) {
		inode->i_op = &proc_dir_iops;
		inode->i_fop = &proc_dir_fops;
	} else if ((mode & S_IFMT) == S_IFLNK) {
		inode->i_op = id == PE_SELF ? &proc_self_iops : &proc_link_iops;
	} else {
		inode->i_fop = id == PE_PAGEMAP || id == PE_CLEAR_REFS ? &proc_mm_fops : &proc_file_fops;
	}
	*out = inode;
	return 0;
}

static int parse_pid(const char *name, size_t len)
{
	int pid = 0;
	for (size_t i = 0; i < len; i++) {
		if (name[i] < '0' || name[i] > '9' || pid > 1000000)
			return -1;
		pid = pid * 10 + (name[i] - '0');
	}
	return len ? pid : -1;
}

static int lookup_table(struct inode *dir, const struct proc_entry *t, size_t n, const char *name, size_t len,
			struct inode **out)
{
	for (size_t i = 0; i < n; i++)
		if (strlen(t[i].name) == len && !memcmp(t[i].name, name, len))
			return make_inode(dir->i_sb, pid_of(dir), t[i].id, t[i].mode, out);
	return -ENOENT;
}

/* ---- /proc/PID/fd: one link per open descriptor ---- */

static struct file *fd_file(int pid, int fd)
{
	struct proc *p = live_proc(pid);
	return p && p->files && fd >= 0 && fd < NFILE_PER_PROC ? p->files->fd[fd] : NULL;
}

static int lookup_fd(struct inode *dir, const char *name, size_t len, struct inode **out)
{
	int fd = parse_pid(name, len);
	if (!fd_file(pid_of(dir), fd))
		return -ENOENT;
	return make_inode(dir->i_sb, pid_of(dir), PE_FD + fd, S_IFLNK | 0700, out);
}

static int iterate_fds(struct dir_context *ctx, int pid)
{
	for (; ctx->pos - 2 < NFILE_PER_PROC; ctx->pos++) {
		int fd = (int)ctx->pos - 2;
		char name[12];
		int n = snprintf(name, sizeof(name), "%d", fd);
		if (fd_file(pid, fd) && !dir_emit(ctx, name, n, ((uint64_t)pid << 8) | (PE_FD + fd), DT_LNK))
			return 0;
	}
	return 0;
}

/* What a descriptor link reads: the file's path, or Linux's "pipe:[ino]"
 * style name for a file that has none. */
static long fd_link_text(struct file *f, char *buf, size_t size)
{
	long n = f->f_path.mnt ? file_path_name(f, buf, size) : -1;
	if (n >= 0 && !f->f_inode->i_nlink && (size_t)n + 11 <= size)
		n += snprintf(buf + n, size - n, " (deleted)");   /* its last name is gone */
	if (n >= 0)
		return n;
	const char *kind = (f->f_inode->i_mode & S_IFMT) == S_IFIFO ? "pipe" : "anon_inode";
	return snprintf(buf, size, "%s:[%lu]", kind, f->f_inode->i_ino);
}

/* ---- /proc/PID/task: one directory per thread, named by its tid ---- */

/* The thread of pid's process with the lowest tid >= tid, or NULL. */
static struct proc *next_thread(int pid, int tid)
{
	struct proc *p = shown_proc(pid), *best = NULL;
	for (struct proc *t = p ? p->tg->threads : NULL; t; t = t->thread_next)
		if (t->pid >= tid && shown_proc(t->pid) && (!best || t->pid < best->pid))
			best = t;
	return best;
}

static int lookup_task(struct inode *dir, const char *name, size_t len, struct inode **out)
{
	int tid = parse_pid(name, len);
	struct proc *t = tid > 0 ? next_thread(pid_of(dir), tid) : NULL;
	if (!t || t->pid != tid)
		return -ENOENT;
	return make_inode(dir->i_sb, tid, PE_PID_DIR, S_IFDIR | 0555, out);
}

static int iterate_tasks(struct dir_context *ctx, int pid)
{
	for (struct proc *t; (t = next_thread(pid, (int)ctx->pos - 2));) {
		char name[12];
		int n = snprintf(name, sizeof(name), "%d", t->pid);
		if (!dir_emit(ctx, name, n, (uint64_t)t->pid << 8 | PE_PID_DIR, DT_DIR))
			return 0;
		ctx->pos = t->pid + 3;
	}
	return 0;
}

static int proc_lookup(struct inode *dir, const char *name, size_t len, struct inode **out)
{
	if (name_is_dotdot(name, len)) {
		*out = igrab(dir->i_sb->s_root);
		return 0;
	}
	if (entry_of(dir) == PE_PID_DIR)
		return shown_proc(pid_of(dir)) ? lookup_table(dir, pid_entries, ARRAY_SIZE(pid_entries), name, len, out)
					      : -ENOENT;
	if (entry_of(dir) == PE_FD_DIR)
		return lookup_fd(dir, name, len, out);
	if (entry_of(dir) == PE_TASK_DIR)
		return lookup_task(dir, name, len, out);
	if (len == 4 && !memcmp(name, "self", 4))
		return make_inode(dir->i_sb, 0, PE_SELF, S_IFLNK | 0777, out);
	int pid = parse_pid(name, len);
	if (pid > 0 && shown_proc(pid))
		return make_inode(dir->i_sb, pid, PE_PID_DIR, S_IFDIR | 0555, out);
	return lookup_table(dir, root_entries, ARRAY_SIZE(root_entries), name, len, out);
}

static bool emit_table(struct dir_context *ctx, const struct proc_entry *t, size_t n, int pid)
{
	for (; ctx->pos - 2 < n; ctx->pos++) {
		const struct proc_entry *e = &t[ctx->pos - 2];
		if (!dir_emit(ctx, e->name, strlen(e->name), ((uint64_t)pid << 8) | e->id, dt_type(e->mode)))
			return false;
	}
	return true;
}

/* The live process (a group leader) with the lowest pid >= pid, or NULL. */
static struct proc *next_proc(int pid)
{
	struct proc *best = NULL;
	for (struct proc *p = proc_first(); p; p = p->all_next)
		if (p->pid >= pid && thread_group_leader(p) && shown_proc(p->pid) && (!best || p->pid < best->pid))
			best = p;
	return best;
}

static int proc_iterate(struct file *file, struct dir_context *ctx)
{
	struct inode *dir = file->f_inode;
	if (ctx->pos == 0 && dir_emit(ctx, ".", 1, dir->i_ino, DT_DIR))
		ctx->pos = 1;
	if (ctx->pos == 1 && dir_emit(ctx, "..", 2, PE_ROOT, DT_DIR))
		ctx->pos = 2;
	if (ctx->pos < 2)
		return 0;
	if (entry_of(dir) == PE_PID_DIR) {
		emit_table(ctx, pid_entries, ARRAY_SIZE(pid_entries), pid_of(dir));
		return 0;
	}
	if (entry_of(dir) == PE_FD_DIR)
		return iterate_fds(ctx, pid_of(dir));
	if (entry_of(dir) == PE_TASK_DIR)
		return iterate_tasks(ctx, pid_of(dir));
	const size_t self_pos = 2 + ARRAY_SIZE(root_entries);
	if (ctx->pos < self_pos && !emit_table(ctx, root_entries, ARRAY_SIZE(root_entries), 0))
		return 0;
	if (ctx->pos == self_pos) {
		if (!dir_emit(ctx, "self", 4, PE_SELF, DT_LNK))
			return 0;
		ctx->pos = PID_COOKIE;
	}
	if (ctx->pos < PID_COOKIE)
		ctx->pos = PID_COOKIE;
	for (struct proc *p; (p = next_proc((int)(ctx->pos - PID_COOKIE)));) {
		char name[12];
		int n = snprintf(name, sizeof(name), "%d", p->pid);
		if (!dir_emit(ctx, name, n, (uint64_t)p->pid << 8 | PE_PID_DIR, DT_DIR))
			return 0;
		ctx->pos = PID_COOKIE + p->pid + 1;
	}
	return 0;
}

static int proc_open(struct inode *inode, struct file *file)
{
	static const enum proc_file kinds[] = {
		[PE_VMSTAT] = PROC_VMSTAT, [PE_MEMINFO] = PROC_MEMINFO, [PE_MOUNTS] = PROC_MOUNTS, [PE_FAULTLOG] = PROC_FAULTLOG, [PE_FRAMES] = PROC_FRAMES,
		[PE_SWAPS] = PROC_SWAPS,
		[PE_CPUINFO] = PROC_CPUINFO,
		[PE_MAPS] = PROC_MAPS, [PE_SMAPS] = PROC_SMAPS, [PE_PID_VMSTAT] = PROC_PID_VMSTAT,
		[PE_PID_PAGETABLE] = PROC_PID_PAGETABLE,
		[PE_UPTIME] = PROC_UPTIME, [PE_LOADAVG] = PROC_LOADAVG, [PE_STAT] = PROC_STAT,
		[PE_PID_STAT] = PROC_PID_STAT, [PE_PID_STATUS] = PROC_PID_STATUS, [PE_CMDLINE] = PROC_PID_CMDLINE,
		[PE_COMM] = PROC_PID_COMM,
	};
	struct proc *p = NULL;
	int pid = pid_of(inode);
	if (pid && !(p = needs_mm(entry_of(inode)) ? live_proc(pid) : shown_proc(pid)))
		return -ENOENT;
	int err = 0;
	file->private_data = proc_text(kinds[entry_of(inode)], p, &file->private_len, &err);
	return file->private_data ? 0 : err;
}

static void proc_file_release(struct file *file)
{
	kfree(file->private_data);
}

static long proc_read(struct file *file, uintptr_t ubuf, size_t n, uint64_t *pos)
{
	if (*pos >= file->private_len)
		return 0;
	if (n > file->private_len - *pos)
		n = file->private_len - *pos;
	size_t got = copy_to_user_partial(ubuf, (char *)file->private_data + *pos, n);
	if (!got && n)
		return -EFAULT;   /* the first page of the buffer faults */
	*pos += got;
	return (long)got;
}

static long proc_llseek(struct file *file, int64_t off, int whence)
{
	int64_t base = whence == SEEK_SET ? 0 : whence == SEEK_CUR ? (int64_t)file->f_pos : -1;
	if (base < 0 || base + off < 0)
		return -EINVAL;
	file->f_pos = base + off;
	return (long)file->f_pos;
}

/* pagemap and clear_refs work on the process's memory at each call, not on
 * text made at open; a process gone since the open reads as empty. */
static long proc_mm_read(struct file *file, uintptr_t ubuf, size_t n, uint64_t *pos)
{
	struct proc *p = live_proc(pid_of(file->f_inode));
	if (entry_of(file->f_inode) != PE_PAGEMAP)
		return -EINVAL;   /* clear_refs is write-only, as Linux */
	return p ? pagemap_read(p->mm, pos, ubuf, n) : 0;
}

static long proc_mm_write(struct file *file, uintptr_t ubuf, size_t n, uint64_t *pos)
{
	(void)pos;
	struct proc *p = live_proc(pid_of(file->f_inode));
	if (entry_of(file->f_inode) != PE_CLEAR_REFS)
		return -EINVAL;   /* pagemap is read-only, as Linux */
	return p ? clear_refs_write(p->mm, ubuf, n) : -ESRCH;
}

static long copy_text(const char *text, char *buf, size_t size)
{
	size_t n = strlen(text) < size ? strlen(text) : size;
	memcpy(buf, text, n);
	return (long)n;
}

/* A link's whole text into full (PATH_MAX bytes, NUL-terminated). */
static long link_text(struct inode *inode, char *full)
{
	if (entry_of(inode) == PE_SELF)
		return snprintf(full, PATH_MAX, "%d", current_proc()->tgid);
	struct proc *p = live_proc(pid_of(inode));
	if (!p)
		return -ENOENT;
	if (entry_of(inode) >= PE_FD) {
		struct file *f = fd_file(p->pid, entry_of(inode) - PE_FD);
		return f ? fd_link_text(f, full, PATH_MAX) : -ENOENT;
	}
	if (entry_of(inode) == PE_CWD) {
		if (!p->fs)
			return -ENOENT;
		struct path cwd = { p->fs->cwd_mnt, p->fs->cwd };
		return path_name(&cwd, full, PATH_MAX);
	}
	return copy_text(p->exe, full, PATH_MAX);   /* full is zeroed: the NUL follows */
}

/* readlink: the text, cut to size (not NUL-terminated), as Linux's. */
static long proc_readlink(struct inode *inode, char *buf, size_t size)
{
	char *full = kzalloc(PATH_MAX);
	long n = full ? link_text(inode, full) : -ENOMEM;
	if (n >= 0)
		n = copy_text(full, buf, size);
	kfree(full);
	return n;
}

/* Where a process's exe, cwd and fd/N links lead: straight to the place,
 * as Linux's /proc links do (a deleted file is reached too); /proc/self
 * is an ordinary link (its text is walked). */
static int proc_get_link(struct inode *inode, struct path *out, struct file **via)
{
	struct proc *p = live_proc(pid_of(inode));
	struct file *f = NULL;
	if (p && p->fs && entry_of(inode) == PE_CWD)
		*out = (struct path){ p->fs->cwd_mnt, p->fs->cwd };
	else if (p && (f = entry_of(inode) >= PE_FD ? fd_file(p->pid, entry_of(inode) - PE_FD) : p->mm->exe_file))
		*out = f->f_path;
	else
		return -ENOENT;
	if (!out->mnt)
		return -ENXIO;   /* a pipe: it has no place in the tree */
	path_get(out);
	*via = f;
	return 0;
}

static const struct inode_operations proc_dir_iops = { .lookup = proc_lookup };
static const struct inode_operations proc_link_iops = { .readlink = proc_readlink, .get_link = proc_get_link };
static const struct inode_operations proc_self_iops = { .readlink = proc_readlink };
static const struct file_operations proc_dir_fops = { .iterate = proc_iterate };
static const struct file_operations proc_mm_fops = {
	.read = proc_mm_read, .write = proc_mm_write, .llseek = proc_llseek,
};
static const struct file_operations proc_file_fops = {
	.open = proc_open, .release = proc_file_release, .read = proc_read, .llseek = proc_llseek,
};

static int proc_statfs(struct super_block *sb, struct linux_statfs *st)
{
	(void)sb;
	st->f_type = PROC_SUPER_MAGIC;
	st->f_bsize = 4096;
	return 0;
}

static const struct super_operations proc_sops = { .statfs = proc_statfs };

static int proc_fill_super(struct super_block *sb, const void *data)
{
	(void)data;
	sb->s_magic = PROC_SUPER_MAGIC;
	sb->s_op = &proc_sops;
	return make_inode(sb, 0, PE_ROOT, S_IFDIR | 0555, &sb->s_root);
}

const struct file_system_type proc_fs_type = { "proc", proc_fill_super };
