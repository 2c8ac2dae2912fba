/* robust_futex: robust mutexes whose owner dies holding them. The kernel
 * walks a dying thread's robust list (set_robust_list) and marks each lock
 * word it still owns FUTEX_OWNER_DIED, waking a waiter; the next locker
 * gets EOWNERDEAD. Cases: a process-shared mutex in shared memory whose
 * owning child exits (_exit: musl leaves the list to the kernel); a thread
 * that ends by the raw exit system call holding a mutex, with the main
 * thread asleep on it or not yet there; and the calls' own errors. musl
 * registers a list with the kernel only for process-shared robust mutexes
 * (private ones it hands over in user space, in pthread_exit). */
#define _GNU_SOURCE
#include "testlib.h"
#include <pthread.h>
#include <sys/syscall.h>

struct robust_head {
	void *next;
	long futex_offset;
	void *list_op_pending;
};

static void init_robust(pthread_mutex_t *m, int pshared)
{
	pthread_mutexattr_t a;
	pthread_mutexattr_init(&a);
	pthread_mutexattr_setrobust(&a, PTHREAD_MUTEX_ROBUST);
	pthread_mutexattr_setpshared(&a, pshared);
	if (pthread_mutex_init(m, &a))
		setup_fail("pthread_mutex_init");
}

static const char *lock_result(int e)
{
	return e == 0 ? "0" : e == EOWNERDEAD ? "EOWNERDEAD" : errno_name(e);
}

static void calls(void)
{
	struct robust_head head = { &head, 0, NULL }, *got = NULL;
	size_t len = 0;
	show_rc("set_bad_len", syscall(SYS_set_robust_list, &head, sizeof(head) - 1));
	show_rc("get_self", syscall(SYS_get_robust_list, 0, &got, &len));
	say("get_self_len", "%zu", len);
	show_rc("get_no_such_thread", syscall(SYS_get_robust_list, 999999, &got, &len));
	show_rc("get_bad_pointer", syscall(SYS_get_robust_list, 0, (void *)8, &len));
}

/* A child locks a process-shared robust mutex and exits holding it. */
static void owner_process_dies(void)
{
	pthread_mutex_t *m = (pthread_mutex_t *)map_shared(PAGE);
	init_robust(m, PTHREAD_PROCESS_SHARED);
	pid_t pid = fork_flushed();
	if (pid == 0) {
		pthread_mutex_lock(m);
		_exit(0);
	}
	show_status("process_owner_status", reap(pid));
	say("process_owner_died_trylock", "%s", lock_result(pthread_mutex_trylock(m)));
	say("process_consistent", "%s", lock_result(pthread_mutex_consistent(m)));
	say("process_unlock", "%s", lock_result(pthread_mutex_unlock(m)));
	say("process_relock", "%s", lock_result(pthread_mutex_lock(m)));
	pthread_mutex_unlock(m);
}

static pthread_mutex_t tm;
static volatile int locked, owner_tid;

/* Lock, say so, and end this thread by the system call itself: musl's
 * pthread_exit would hand the lock over in user space first. (Such a
 * thread cannot be joined: musl's join waits for pthread_exit's mark.) */
static void *lock_and_die(void *arg)
{
	(void)arg;
	pthread_mutex_lock(&tm);
	owner_tid = (int)sys_gettid();
	locked = 1;
	syscall(SYS_exit, 0);
	return NULL;
}

static void wait_thread_gone(int tid)
{
	while (syscall(SYS_tgkill, getpid(), tid, 0) == 0)
		sched_yield();
}

static void owner_thread_dies(const char *name, int wait_first)
{
	char label[64];
	init_robust(&tm, PTHREAD_PROCESS_SHARED);   /* musl leaves only these to the kernel's walk */
	locked = 0;
	pthread_t t;
	if (pthread_create(&t, NULL, lock_and_die, NULL))
		setup_fail("pthread_create");
	wait_for(&locked, 1);
	if (!wait_first)
		wait_thread_gone(owner_tid);
	int e = pthread_mutex_lock(&tm);   /* sleeps until the owner's death when it is still alive */
	snprintf(label, sizeof(label), "%s_lock", name);
	say(label, "%s", lock_result(e));
	snprintf(label, sizeof(label), "%s_consistent", name);
	say(label, "%s", lock_result(pthread_mutex_consistent(&tm)));
	pthread_mutex_unlock(&tm);
	if (wait_first)
		wait_thread_gone(owner_tid);
}

int main(void)
{
	calls();
	owner_process_dies();
	owner_thread_dies("thread_dead", 0);
	owner_thread_dies("thread_dies_while_waited_for", 1);
	return 0;
}
