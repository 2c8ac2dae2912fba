/*
 * Pipes (pipe(7)): a ring of 16 page buffers shared by a read end and a
 * write end, each an open file (struct file) on one pipefs inode (S_IFIFO).
 *
 *   bufs: [tail] [ ] [ ] ... [head-1]   slots in use; each holds len bytes
 *                                       of its page from off
 *
 * The model is Linux's, so capacities match byte for byte: a write first
 * tops up the last page with the part of it that is not a whole number of
 * pages (when it fits), then fills fresh pages; 16 slots in use is "full".
 *
 * Invariants:
 *   - 0 <= head - tail <= PIPE_SLOTS; bytes == the sum of the slots' len;
 *     every slot in use has len > 0 and off + len <= PAGE_SIZE;
 *   - readers/writers count the open files of each end; the pipe is freed
 *     when both reach 0;
 *   - a write of at most PIPE_BUF bytes lands in one slot: it waits until
 *     it can, and is never split by another writer's bytes;
 *   - every change of bytes, readers or writers wakes the pipe's sleepers
 *     and poll(2) callers.
 * Reads and writes sleep interruptibly: a signal ends the wait with
 * -ERESTARTSYS (or the bytes moved so far). Writing with no reader left
 * raises SIGPIPE and fails with EPIPE.
 *
 * A named pipe (mknod S_IFIFO, fifo_fops) is the same pipe, made at the
 * first open of its inode and hung on inode->i_pipe until both counts are
 * 0 again; its opens wait for the other end (fifo_open).
 *
 * Locking: pipe->mutex covers the slots, counters and both ends' counts. It
 * is a sleeping lock because the user copies made under it may fault and
 * sleep; it is dropped before waiting for room or data (docs/locking.md).
 */
#include "vfs.h"
#include "poll.h"
#include "../kernel/errno.h"
#include "../kernel/linux_abi.h"
#include "../kernel/mutex.h"
#include "../kernel/proc.h"
#include "../kernel/syscalls.h"
#include "../kernel/uaccess.h"
#include "../mm/kheap.h"
#include "../mm/layout.h"

enum { PIPE_SLOTS = 16, PIPE_BUF = 4096, FIONREAD = 0x541b };

struct pipe_buf {
	char *page;
	uint32_t off, len;
};

struct pipe {
	struct pipe_buf bufs[PIPE_SLOTS];
	unsigned head, tail;   /* slot counters: bufs[i % PIPE_SLOTS] */
	size_t bytes;
	int readers, writers;
	unsigned r_counter, w_counter;   /* opens of each end ever (a FIFO's open waits for a change) */
	struct inode *fifo;    /* the named pipe's inode (its i_pipe is this), or NULL */
	struct mutex mutex;
};

static struct super_block pipefs_sb = { .s_magic = 0x50495045 /* PIPEFS_MAGIC */ };
/* Where pipes are, for /proc/PID/fd/N: a mount of their own, in no tree
 * (opening that link opens the same pipe again, as a FIFO is opened). */
static struct mount pipe_mnt = { .mnt_sb = &pipefs_sb, .mnt_parent = &pipe_mnt, .mnt_path = "pipe:" };

static bool pipe_full(const struct pipe *p) { return p->head - p->tail == PIPE_SLOTS; }
static struct pipe_buf *slot(struct pipe *p, unsigned i) { return &p->bufs[i % PIPE_SLOTS]; }

static void pipe_wake(struct pipe *p)
{
	wakeup(p);
	poll_wake();
}

/* Take up to n bytes from the oldest slots into user memory. */
static long pipe_copy_out(struct pipe *p, uintptr_t ubuf, size_t n)
{
	size_t done = 0;
	while (done < n && p->head != p->tail) {
		struct pipe_buf *b = slot(p, p->tail);
		size_t k = b->len < n - done ? b->len : n - done;
		if (copy_to_user(ubuf + done, b->page + b->off, k))
			return done ? (long)done : -EFAULT;
		b->off += k, b->len -= k, p->bytes -= k, done += k;
		if (!b->len) {
			kfree(b->page);
			b->page = NULL;
			p->tail++;
		}
	}
	return (long)done;
}

/* Append k bytes to slot b (which has room after its data). */
static long slot_append(struct pipe *p, struct pipe_buf *b, uintptr_t ubuf, size_t k)
{
	if (copy_from_user(b->page + b->off + b->len, ubuf, k))
		return -EFAULT;
	b->len += k;
	p->bytes += k;
	return (long)k;
}

/* Bytes of a write's remaining `rem` that can go in now without breaking
 * atomicity: into the last page (the first write step only), or a fresh
 * slot. 0: wait. */
static long pipe_copy_in(struct pipe *p, uintptr_t ubuf, size_t rem, bool first)
{
	size_t part = rem % PAGE_SIZE;
	struct pipe_buf *last = p->head != p->tail ? slot(p, p->head - 1) : NULL;
	if (first && part && last && last->off + last->len + part <= PAGE_SIZE)
		return slot_append(p, last, ubuf, part);
	if (pipe_full(p))
		return 0;
	struct pipe_buf *b = slot(p, p->head);
	if (!(b->page = kmalloc(PAGE_SIZE)))
		return -ENOMEM;
	b->off = b->len = 0;
	p->head++;
	long r = slot_append(p, b, ubuf, rem < PAGE_SIZE ? rem : PAGE_SIZE);
	if (r < 0) {   /* nothing copied: give the slot back */
		kfree(b->page);
		b->page = NULL;
		p->head--;
	}
	return r;
}

/* One sleep until the pipe changes. Called and returns with p->mutex
 * held; drops it while asleep. */
static long pipe_sleep(struct pipe *p)
{
	if (signal_pending(current_proc()))
		return -ERESTARTSYS;
	mutex_unlock(&p->mutex);
	sleep_on(p, 0);
	mutex_lock(&p->mutex);
	return 0;
}

static long pipe_wait(struct pipe *p, struct file *f)
{
	return f->f_flags & O_NONBLOCK ? -EAGAIN : pipe_sleep(p);
}

static long pipe_read_locked(struct pipe *p, struct file *f, uintptr_t ubuf, size_t n)
{
	while (!p->bytes) {
		if (!p->writers)
			return 0;   /* EOF */
		long err = pipe_wait(p, f);
		if (err)
			return err;
	}
	long r = pipe_copy_out(p, ubuf, n);
	pipe_wake(p);
	return r;
}

static long pipe_read(struct file *f, uintptr_t ubuf, size_t n, uint64_t *pos)
{
	struct pipe *p = f->private_data;
	(void)pos;
	if (!n)
		return 0;
	mutex_lock(&p->mutex);
	long r = pipe_read_locked(p, f, ubuf, n);
	mutex_unlock(&p->mutex);
	return r;
}

static long raise_sigpipe(void)
{
	struct ksiginfo info = { .code = SI_USER, .pid = current_proc()->pid };
	send_signal(current_proc(), SIGPIPE, &info);
	return -EPIPE;
}

static long pipe_write_locked(struct pipe *p, struct file *f, uintptr_t ubuf, size_t n)
{
	size_t done = 0;
	while (done < n) {
		if (!p->readers)
			return done ? (long)done : raise_sigpipe();
		long r = pipe_copy_in(p, ubuf + done, n - done, done == 0);
		if (r < 0)
			return done ? (long)done : r;
		if (r) {
			done += (size_t)r;
			pipe_wake(p);
			continue;
		}
		long err = pipe_wait(p, f);
		if (err)
			return done ? (long)done : err;
	}
	return (long)done;
}

static long pipe_write(struct file *f, uintptr_t ubuf, size_t n, uint64_t *pos)
{
	struct pipe *p = f->private_data;
	(void)pos;
	mutex_lock(&p->mutex);
	long r = pipe_write_locked(p, f, ubuf, n);
	mutex_unlock(&p->mutex);
	return r;
}

static int pipe_poll(struct file *f)
{
	struct pipe *p = f->private_data;
	int mask = 0;
	if (f->f_mode & FMODE_READ) {
		mask |= p->bytes ? POLLIN | POLLRDNORM : 0;
		mask |= p->writers ? 0 : POLLHUP;
	}
	if (f->f_mode & FMODE_WRITE) {
		mask |= pipe_full(p) ? 0 : POLLOUT | POLLWRNORM;
		mask |= p->readers ? 0 : POLLERR;
	}
	return mask;
}

static long pipe_ioctl(struct file *f, unsigned long cmd, uintptr_t arg)
{
	struct pipe *p = f->private_data;
	int n = (int)p->bytes;
	if (cmd != FIONREAD)
		return -ENOTTY;
	return copy_to_user(arg, &n, sizeof(n));
}

static void pipe_free(struct pipe *p)
{
	for (unsigned i = p->tail; i != p->head; i++)
		kfree(slot(p, i)->page);
	kfree(p);
}

static void fifo_detach(struct inode *inode)
{
	spin_lock(&inode->i_lock);
	inode->i_pipe = NULL;
	spin_unlock(&inode->i_lock);
}

static void pipe_release(struct file *f)
{
	struct pipe *p = f->private_data;
	if (f->f_mode & FMODE_READ)
		p->readers--;
	if (f->f_mode & FMODE_WRITE)
		p->writers--;
	pipe_wake(p);
	if (p->readers || p->writers)
		return;
	if (p->fifo)
		fifo_detach(p->fifo);
	pipe_free(p);
}

static const struct file_operations pipe_fops = {
	.read = pipe_read, .write = pipe_write, .release = pipe_release, .llseek = no_llseek,
	.poll = pipe_poll, .ioctl = pipe_ioctl,
};

static struct pipe *pipe_alloc(void)
{
	struct pipe *p = kzalloc(sizeof(struct pipe));
	if (p)
		mutex_init(&p->mutex, "pipe");
	return p;
}

/* The two open files of a new pipe, or -ENFILE with nothing left. */
static int create_pipe_files(struct file **ends, int flags)
{
	struct pipe *p = pipe_alloc();
	struct inode *inode = p ? new_inode(&pipefs_sb) : NULL;
	if (!inode) {
		if (p)
			pipe_free(p);
		return -ENFILE;
	}
	inode_init_mode(inode, S_IFIFO | 0600);
	inode->i_fop = &fifo_fops;   /* a reopen through /proc/PID/fd */
	ends[0] = alloc_file_pseudo(inode, O_RDONLY | (flags & O_NONBLOCK), &pipe_fops);
	if (!ends[0]) {
		iput(inode);
		pipe_free(p);
		return -ENFILE;
	}
	ends[1] = alloc_file_pseudo(igrab(inode), O_WRONLY | (flags & O_NONBLOCK), &pipe_fops);
	if (!ends[1]) {
		iput(inode);
		fput_unopened(ends[0]);   /* no release: the pipe is not attached yet */
		pipe_free(p);
		return -ENFILE;
	}
	ends[0]->private_data = ends[1]->private_data = p;
	ends[0]->f_path.mnt = ends[1]->f_path.mnt = &pipe_mnt;
	p->readers = p->writers = 1;
	p->fifo = inode;
	inode->i_pipe = p;
	return 0;
}

/* An end that got no descriptor, or the descriptor it got. */
static void drop_end(struct file *f, int fd)
{
	if (fd >= 0)
		fd_close(fd);
	else
		fput(f);
}

long sys_pipe2(uintptr_t ufds, int flags)
{
	struct file *ends[2];
	int fds[2];
	if (flags & ~(O_CLOEXEC | O_NONBLOCK | O_DIRECT))
		return -EINVAL;
	int err = create_pipe_files(ends, flags);
	if (err)
		return err;
	fds[0] = fd_install(ends[0], 0, flags & O_CLOEXEC);
	fds[1] = fds[0] < 0 ? -EMFILE : fd_install(ends[1], 0, flags & O_CLOEXEC);
	if (fds[1] < 0 || copy_to_user(ufds, fds, sizeof(fds))) {
		drop_end(ends[0], fds[0]);
		drop_end(ends[1], fds[1]);
		return fds[1] < 0 ? -EMFILE : -EFAULT;
	}
	return 0;
}

long sys_pipe(uintptr_t ufds)
{
	return sys_pipe2(ufds, 0);
}

/* ---- named pipes (mknod S_IFIFO): one pipe per inode while it is open ---- */

/* Wait (p->mutex held, dropped while asleep) until *counter moves from
 * seen: the other end was opened. */
static int fifo_wait(struct pipe *p, unsigned *counter, unsigned seen)
{
	long err = 0;
	while (!err && *counter == seen)
		err = pipe_sleep(p);
	return (int)err;
}

/* Linux's fifo_open: a reader waits for a writer and a writer for a reader
 * (unless O_NONBLOCK: a reader goes on, a writer fails with ENXIO); O_RDWR
 * never waits. */
static int fifo_open_end(struct pipe *p, struct file *f)
{
	bool nonblock = f->f_flags & O_NONBLOCK;
	if (f->f_mode == FMODE_READ) {
		p->readers++, p->r_counter++;
		pipe_wake(p);
		int err = p->writers || nonblock ? 0 : fifo_wait(p, &p->w_counter, p->w_counter);
		if (err)
			p->readers--;
		return err;
	}
	if (f->f_mode == FMODE_WRITE) {
		if (nonblock && !p->readers)
			return -ENXIO;
		p->writers++, p->w_counter++;
		pipe_wake(p);
		int err = p->readers ? 0 : fifo_wait(p, &p->r_counter, p->r_counter);
		if (err)
			p->writers--;
		return err;
	}
	p->readers++, p->writers++, p->r_counter++, p->w_counter++;
	pipe_wake(p);
	return 0;
}

/* The inode's pipe, made at its first open (inode->i_lock guards i_pipe). */
static struct pipe *fifo_attach(struct inode *inode)
{
	spin_lock(&inode->i_lock);
	struct pipe *p = inode->i_pipe ? inode->i_pipe : pipe_alloc();
	if (p) {
		p->fifo = inode;
		inode->i_pipe = p;
	}
	spin_unlock(&inode->i_lock);
	return p;
}

static int fifo_open(struct inode *inode, struct file *f)
{
	struct pipe *p = fifo_attach(inode);
	if (!p)
		return -ENOMEM;
	f->private_data = p;
	mutex_lock(&p->mutex);
	int err = fifo_open_end(p, f);
	bool unused = !p->readers && !p->writers;
	mutex_unlock(&p->mutex);
	if (unused) {
		fifo_detach(inode);
		pipe_free(p);
	}
	return err;
}

const struct file_operations fifo_fops = {
	.open = fifo_open, .read = pipe_read, .write = pipe_write, .release = pipe_release, .llseek = no_llseek,
	.poll = pipe_poll, .ioctl = pipe_ioctl,
};
