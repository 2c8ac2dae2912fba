/*
 * poll(2) and ppoll(2): wait until one of a set of descriptors is ready.
 *
 * Each file type reports its readiness through f_op->poll (pipes, the
 * console); a file without one is always ready. The waiting is one loop:
 * scan every descriptor; if none is ready, sleep on poll_channel until a
 * state change (poll_wake), the timeout, or a signal, then scan again.
 * Invariant: every code path that can make a descriptor ready calls
 * poll_wake, so a sleeper never misses the change it waits for.
 */
#include "vfs.h"
#include "poll.h"
#include "../kernel/errno.h"
#include "../kernel/exit_work.h"
#include "../kernel/linux_abi.h"
#include "../kernel/param.h"
#include "../kernel/proc.h"
#include "../kernel/syscalls.h"
#include "../kernel/timer.h"
#include "../kernel/uaccess.h"
#include "../mm/kheap.h"

struct pollfd {
	int32_t fd;
	int16_t events, revents;
};

static char poll_channel;

void poll_wake(void)
{
	wakeup(&poll_channel);
}

static int16_t poll_one(const struct pollfd *pfd)
{
	if (pfd->fd < 0)
		return 0;
	struct file *f = fget(pfd->fd);
	if (!f)
		return POLLNVAL;
	int mask = f->f_op->poll ? f->f_op->poll(f) : DEFAULT_POLLMASK;
	return (int16_t)(mask & (pfd->events | POLLERR | POLLHUP));
}

/* One pass over the set: fills revents, returns how many are ready. */
static int poll_scan(struct pollfd *fds, size_t n)
{
	int ready = 0;
	for (size_t i = 0; i < n; i++) {
		fds[i].revents = poll_one(&fds[i]);
		ready += fds[i].revents != 0;
	}
	return ready;
}

/* deadline: 0 = no timeout, else the tick to give up at (an expired one
 * polls once). */
static long do_poll(uintptr_t ufds, size_t n, uint64_t deadline, bool no_wait)
{
	struct proc *p = current_proc();
	if (n > NFILE_PER_PROC * 2)
		return -EINVAL;   /* Linux: more than RLIMIT_NOFILE */
	struct pollfd *fds = kmalloc(n ? n * sizeof(*fds) : 1);
	if (!fds)
		return -ENOMEM;
	long r = copy_from_user(fds, ufds, n * sizeof(*fds));
	while (!r) {
		int ready = poll_scan(fds, n);
		if (ready || no_wait || (deadline && timer_ticks() >= deadline)) {
			r = copy_to_user(ufds, fds, n * sizeof(*fds)) ? -EFAULT : ready;
			break;
		}
		if (signal_pending(p)) {
			r = -ERESTARTNOHAND;
			break;
		}
		sleep_on(&poll_channel, deadline);
	}
	kfree(fds);
	return r;
}

long sys_poll(uintptr_t ufds, unsigned nfds, int timeout_ms)
{
	if (timeout_ms < 0)
		return do_poll(ufds, nfds, 0, false);
	uint64_t ticks = ns_to_ticks((uint64_t)timeout_ms * 1000000ull);
	return do_poll(ufds, nfds, timer_deadline(ticks), timeout_ms == 0);
}

/* ppoll: a timespec timeout, and a signal mask in force only while waiting
 * (restored after the handler runs, as rt_sigsuspend's). */
long sys_ppoll(uintptr_t ufds, unsigned nfds, uintptr_t uts, uintptr_t usigmask, size_t setsize)
{
	struct proc *p = current_proc();
	uint64_t ns = 0, mask;
	if (uts) {
		long err = timespec_from_user(uts, &ns);
		if (err)
			return err;
	}
	if (usigmask) {
		if (setsize != sizeof(mask))
			return -EINVAL;
		if (copy_from_user(&mask, usigmask, sizeof(mask)))
			return -EFAULT;
		p->saved_sigmask = p->sigmask;
		p->restore_sigmask = true;
		p->sigmask = mask & ~((1ull << (SIGKILL - 1)) | (1ull << (SIGSTOP - 1)));
		set_work(p, WORK_SIGPENDING);
	}
	uint64_t deadline = uts ? timer_deadline(ns_to_ticks(ns)) : 0;
	long r = do_poll(ufds, nfds, deadline, uts && ns == 0);
	if (r != -ERESTARTNOHAND && p->restore_sigmask) {
		p->sigmask = p->saved_sigmask;   /* no signal to deliver: the mask comes back now */
		p->restore_sigmask = false;
	}
	return r;
}
