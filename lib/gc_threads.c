/* gc_threads.c: the collector in a program with threads (bdwgc's
 * pthread_stop_world.c, in small): the allocation lock, the table of the
 * threads that use the collector, and stopping the world with signals.
 *
 * Owns: threads[] (the table), gc_threads_on, the lock word, the
 * suspend/restart handshake.
 *
 *   threads[i]: tid     the thread (tgkill's target); 0 while starting
 *               top     its stack's highest address the collector scans to
 *               sp      while suspended: where its scan starts (its saved
 *                       registers are above it, in the handler's frame)
 *               arg     the start argument, kept alive here until it runs
 *
 * A collection stops every other registered thread first (Linux, as bdwgc):
 *
 *   collector (holds the lock)           each other thread
 *   world_stopped = 1
 *   tgkill(tid, SIG_SUSPEND) ──────────▶ suspend_handler: save registers on
 *                                        its stack, record sp, ack,
 *   wait for every ack ◀──────────────── sigsuspend until SIG_RESTART
 *   mark: own stack, each [sp, top),
 *   data, registered roots; sweep
 *   world_stopped = 0
 *   tgkill(tid, SIG_RESTART) ──────────▶ leaves sigsuspend, acks, returns
 *   wait for every ack ◀────────────────
 *
 * Invariants: the table and the collector's state change only with the
 * lock held; a thread is suspended only while another holds the lock, so a
 * suspended thread is never inside the collector; while world_stopped,
 * every registered thread but the collector's has sp set. The lock costs
 * nothing before the first gc_pthread_create (gc_threads_on is 0, the
 * world has one thread): single-threaded programs run as before.
 *
 * Limits: threads that allocate from the collector are made with
 * gc_pthread_create (gc.h's GC_THREADS redirect does it for bdwgc
 * programs); thread-local variables are not roots; at most MAX_THREADS.
 *
 * Callers: gc_alloc.c and gc_collect.c (gc_lock, stop/start around each
 * collection or incremental step), gc_roots.c (thread_stack_top,
 * threads_mark_stacks), programs (gc_pthread_create).
 */
#include <errno.h>
#include <pthread.h>
#include <sched.h>
#include <setjmp.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/syscall.h>
#include <unistd.h>
#include "gc_internal.h"

enum { SIG_SUSPEND = SIGPWR, SIG_RESTART = SIGXCPU, MAX_THREADS = 256 };

struct gc_thread {
	pid_t tid;
	int used;
	uintptr_t *top, *sp;
	void *(*fn)(void *);
	void *arg;
};

static struct gc_thread threads[MAX_THREADS];   /* in .bss: scanned, so start args stay alive */
static __thread struct gc_thread *self;
volatile int gc_threads_on;
static volatile int lock_word, world_stopped, acks;
static __thread int lock_depth;   /* the lock is recursive: the public calls nest */
static pthread_key_t exit_key;

static pid_t gettid_raw(void)
{
	return (pid_t)syscall(SYS_gettid);
}

/* ---- the allocation lock ---- */

void gc_lock(void)
{
	if (!gc_threads_on || lock_depth++)
		return;
	while (__atomic_exchange_n(&lock_word, 1, __ATOMIC_ACQUIRE))
		sched_yield();
}

void gc_unlock(void)
{
	if (!gc_threads_on || --lock_depth)
		return;
	__atomic_store_n(&lock_word, 0, __ATOMIC_RELEASE);
}

/* ---- suspending and resuming ---- */

static void suspend_handler(int sig)
{
	int saved_errno = errno;
	jmp_buf regs;
	sigset_t wait;
	(void)sig;
	__builtin_unwind_init();
	setjmp(regs);
	self->sp = (uintptr_t *)((uintptr_t)&regs & ~(uintptr_t)7);
	__atomic_add_fetch(&acks, 1, __ATOMIC_RELEASE);
	sigfillset(&wait);
	sigdelset(&wait, SIG_RESTART);
	while (__atomic_load_n(&world_stopped, __ATOMIC_ACQUIRE))
		sigsuspend(&wait);
	self->sp = NULL;
	__atomic_add_fetch(&acks, 1, __ATOMIC_RELEASE);
	errno = saved_errno;
}

static void restart_handler(int sig)
{
	(void)sig;   /* only to end sigsuspend */
}

static void install_handlers(void)
{
	struct sigaction sa = { 0 };
	sa.sa_handler = suspend_handler;
	sa.sa_flags = SA_RESTART;
	sigemptyset(&sa.sa_mask);
	sigaddset(&sa.sa_mask, SIG_RESTART);   /* not lost before sigsuspend */
	sigaction(SIG_SUSPEND, &sa, NULL);
	sa.sa_handler = restart_handler;
	sigemptyset(&sa.sa_mask);
	sigaction(SIG_RESTART, &sa, NULL);
}

/* Send sig to every other started thread; how many were sent. */
static int signal_others(int sig)
{
	int n = 0;
	for (int i = 0; i < MAX_THREADS; i++) {
		struct gc_thread *t = &threads[i];
		if (t->used && t->tid && t != self && !syscall(SYS_tgkill, getpid(), t->tid, sig))
			n++;
	}
	return n;
}

static void wait_acks(int n)
{
	while (__atomic_load_n(&acks, __ATOMIC_ACQUIRE) < n)
		sched_yield();
}

static int nstopped, stop_depth;   /* a collection may start inside a step: stops nest */

void threads_stop_world(void)
{
	if (!gc_threads_on || stop_depth++)
		return;
	__atomic_store_n(&acks, 0, __ATOMIC_RELEASE);
	__atomic_store_n(&world_stopped, 1, __ATOMIC_RELEASE);
	nstopped = signal_others(SIG_SUSPEND);
	wait_acks(nstopped);
}

void threads_start_world(void)
{
	if (!gc_threads_on || --stop_depth)
		return;
	__atomic_store_n(&acks, 0, __ATOMIC_RELEASE);
	__atomic_store_n(&world_stopped, 0, __ATOMIC_RELEASE);
	signal_others(SIG_RESTART);
	wait_acks(nstopped);
}

/* ---- stacks as roots ---- */

uintptr_t *thread_stack_top(void)
{
	return self && self->top ? self->top : G.stack_base;
}

void threads_mark_stacks(void)
{
	for (int i = 0; i < MAX_THREADS; i++) {
		struct gc_thread *t = &threads[i];
		if (t->used && t != self && t->sp)
			mark_range(t->sp, t->top);
	}
}

/* ---- registering threads ---- */

static struct gc_thread *slot_reserve(void)
{
	for (int i = 0; i < MAX_THREADS; i++)
		if (!threads[i].used) {
			threads[i] = (struct gc_thread){ .used = 1 };
			return &threads[i];
		}
	return NULL;
}

static void slot_release(struct gc_thread *t)
{
	gc_lock();
	*t = (struct gc_thread){ 0 };
	gc_unlock();
}

/* pthread key destructor: the thread is ending (returned or pthread_exit). */
static void unregister_self(void *entry)
{
	slot_release(entry);
	self = NULL;
}

/* The first thread: the calling one (main) joins the table; the handlers
 * go in. Lock held. */
static int threads_start(void)
{
	if (self)
		return 0;
	struct gc_thread *main_thread = slot_reserve();
	if (!main_thread || pthread_key_create(&exit_key, unregister_self))
		return EAGAIN;
	main_thread->tid = gettid_raw();
	main_thread->top = G.stack_base;
	self = main_thread;
	install_handlers();
	return 0;
}

static void *thread_start(void *entry)
{
	struct gc_thread *t = entry;
	gc_lock();
	t->tid = gettid_raw();
	t->top = (uintptr_t *)(((uintptr_t)__builtin_frame_address(0) + 7) & ~(uintptr_t)7);
	self = t;
	pthread_setspecific(exit_key, t);   /* unregistered at its end, pthread_exit too */
	gc_unlock();
	return t->fn(t->arg);
}

int gc_pthread_create(pthread_t *thread, const pthread_attr_t *attr, void *(*fn)(void *), void *arg)
{
	gc_ensure_init();
	gc_lock();
	int err = threads_start();
	struct gc_thread *t = err ? NULL : slot_reserve();
	if (t) {
		t->fn = fn;
		t->arg = arg;
	}
	gc_unlock();
	if (!t)
		return err ? err : EAGAIN;
	__atomic_store_n(&gc_threads_on, 1, __ATOMIC_RELEASE);   /* from here on the lock is taken */
	err = pthread_create(thread, attr, thread_start, t);
	if (err)
		slot_release(t);
	return err;
}
