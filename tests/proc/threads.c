/* threads: POSIX threads as the C library makes them (clone with
 * CLONE_VM|CLONE_FS|CLONE_FILES|CLONE_SIGHAND|CLONE_THREAD|..., futex), built
 * with musl here and with glibc in tests/glibc/glibc_threads.c (the same
 * source: it includes this file).
 *
 * Every case prints counts and contents, never an order of events: threads
 * may run in any order on either system, and the results must not depend on
 * it. What dies does so in a child process, whose wait status is printed.
 */
#define _GNU_SOURCE
#include "testlib.h"
#include <dirent.h>
#include <pthread.h>
#include <semaphore.h>
#include <time.h>

enum { NTHREADS = 4, ROUNDS = 20000 };

/* ---- create and join, ids ---- */

static pid_t main_pid;

static void *square(void *arg)
{
	long n = (long)arg;
	int same_pid = getpid() == main_pid;
	int own_tid = sys_gettid() != main_pid;
	return (void *)(n * n + (same_pid && own_tid ? 1000 : 0));
}

static void create_join(void)
{
	pthread_t t[NTHREADS];
	long sum = 0;
	for (long i = 0; i < NTHREADS; i++)
		pthread_create(&t[i], NULL, square, (void *)(i + 1));
	for (int i = 0; i < NTHREADS; i++) {
		void *r;
		pthread_join(t[i], &r);
		sum += (long)r;
	}
	say("create_join_results", "%ld", sum);   /* 1+4+9+16 + 4*1000 */
}

/* ---- a mutex around a shared counter ---- */

static pthread_mutex_t lock = PTHREAD_MUTEX_INITIALIZER;
static long counter;

static void *count_up(void *arg)
{
	(void)arg;
	for (int i = 0; i < ROUNDS; i++) {
		pthread_mutex_lock(&lock);
		counter++;
		if (i % 1000 == 0)
			sched_yield();   /* hand the lock over while held: others wait on the futex */
		pthread_mutex_unlock(&lock);
	}
	return NULL;
}

static void mutex_counter(void)
{
	pthread_t t[NTHREADS];
	for (int i = 0; i < NTHREADS; i++)
		pthread_create(&t[i], NULL, count_up, NULL);
	for (int i = 0; i < NTHREADS; i++)
		pthread_join(t[i], NULL);
	say("mutex_counter", "%ld", counter);
}

/* ---- condition variables: a bounded queue, and a broadcast ---- */

enum { QCAP = 4, ITEMS = 2000 };
static pthread_cond_t not_empty = PTHREAD_COND_INITIALIZER, not_full = PTHREAD_COND_INITIALIZER;
static int queue[QCAP], qhead, qlen;

static void *producer(void *arg)
{
	(void)arg;
	for (int i = 1; i <= ITEMS; i++) {
		pthread_mutex_lock(&lock);
		while (qlen == QCAP)
			pthread_cond_wait(&not_full, &lock);
		queue[(qhead + qlen++) % QCAP] = i;
		pthread_cond_signal(&not_empty);
		pthread_mutex_unlock(&lock);
	}
	return NULL;
}

static void *consumer(void *arg)
{
	long sum = 0;
	(void)arg;
	for (int i = 0; i < ITEMS / 2; i++) {
		pthread_mutex_lock(&lock);
		while (qlen == 0)
			pthread_cond_wait(&not_empty, &lock);
		sum += queue[qhead];
		qhead = (qhead + 1) % QCAP;
		qlen--;
		pthread_cond_signal(&not_full);
		pthread_mutex_unlock(&lock);
	}
	return (void *)sum;
}

static void condvar_queue(void)
{
	pthread_t p, c[2];
	void *r0, *r1;
	pthread_create(&c[0], NULL, consumer, NULL);
	pthread_create(&c[1], NULL, consumer, NULL);
	pthread_create(&p, NULL, producer, NULL);
	pthread_join(p, NULL);
	pthread_join(c[0], &r0);
	pthread_join(c[1], &r1);
	say("condvar_queue_sum", "%ld", (long)r0 + (long)r1);   /* 1 + ... + 2000 */
}

static pthread_cond_t go_cond = PTHREAD_COND_INITIALIZER;
static int go, waiting, woke;

static void *wait_for_go(void *arg)
{
	(void)arg;
	pthread_mutex_lock(&lock);
	waiting++;
	while (!go)
		pthread_cond_wait(&go_cond, &lock);
	woke++;
	pthread_mutex_unlock(&lock);
	return NULL;
}

static void condvar_broadcast(void)
{
	pthread_t t[NTHREADS];
	for (int i = 0; i < NTHREADS; i++)
		pthread_create(&t[i], NULL, wait_for_go, NULL);
	for (;;) {   /* until every thread waits (a count, not a time) */
		pthread_mutex_lock(&lock);
		int all = waiting == NTHREADS;
		if (all) {
			go = 1;
			pthread_cond_broadcast(&go_cond);
		}
		pthread_mutex_unlock(&lock);
		if (all)
			break;
		sched_yield();
	}
	for (int i = 0; i < NTHREADS; i++)
		pthread_join(t[i], NULL);
	say("condvar_broadcast_woke", "%d", woke);
}

static void condvar_timeout(void)
{
	pthread_cond_t never = PTHREAD_COND_INITIALIZER;
	struct timespec past = { 0, 0 }, soon;
	pthread_mutex_lock(&lock);
	say("cond_timedwait_past", "%s", errno_name(pthread_cond_timedwait(&never, &lock, &past)));
	clock_gettime(CLOCK_REALTIME, &soon);
	soon.tv_nsec += 20 * 1000 * 1000;
	if (soon.tv_nsec >= 1000000000) {
		soon.tv_sec++;
		soon.tv_nsec -= 1000000000;
	}
	say("cond_timedwait_20ms", "%s", errno_name(pthread_cond_timedwait(&never, &lock, &soon)));
	pthread_mutex_unlock(&lock);
}

/* ---- semaphores ---- */

static sem_t sem;

static void *post_many(void *arg)
{
	(void)arg;
	for (int i = 0; i < 100; i++)
		sem_post(&sem);
	return NULL;
}

static void semaphores(void)
{
	pthread_t t[2];
	int taken = 0;
	sem_init(&sem, 0, 0);
	pthread_create(&t[0], NULL, post_many, NULL);
	pthread_create(&t[1], NULL, post_many, NULL);
	for (int i = 0; i < 200; i++)
		taken += sem_wait(&sem) == 0;
	pthread_join(t[0], NULL);
	pthread_join(t[1], NULL);
	say("semaphore_taken", "%d", taken);
	say("semaphore_then_empty", "%s", sem_trywait(&sem) ? errno_name(errno) : "0");
}

/* ---- thread-local storage ---- */

static __thread long tls_value = 7;
static __thread char tls_name[16];

static void *tls_check(void *arg)
{
	long me = (long)arg;
	int ok = tls_value == 7;   /* each thread starts from the initial image */
	tls_value = me;
	snprintf(tls_name, sizeof(tls_name), "t%ld", me);
	for (int i = 0; i < 50; i++)
		sched_yield();   /* the others write theirs meanwhile */
	char want[16];
	snprintf(want, sizeof(want), "t%ld", me);
	return (void *)(long)(ok && tls_value == me && !strcmp(tls_name, want));
}

static void thread_local(void)
{
	pthread_t t[NTHREADS];
	long good = 0;
	for (long i = 0; i < NTHREADS; i++)
		pthread_create(&t[i], NULL, tls_check, (void *)(i + 100));
	for (int i = 0; i < NTHREADS; i++) {
		void *r;
		pthread_join(t[i], &r);
		good += (long)r;
	}
	say("tls_private_per_thread", "%ld", good);
	say("tls_main_untouched", "%s", tls_value == 7 ? "yes" : "no");
}

/* ---- a thread exits while others run; a detached one ---- */

static sem_t released;

static void *exit_early(void *arg)
{
	(void)arg;
	pthread_exit((void *)42);
}

static void *wait_release(void *arg)
{
	(void)arg;
	sem_wait(&released);
	return (void *)1;
}

static void *detached(void *arg)
{
	(void)arg;
	sem_post(&released);
	return NULL;
}

static void exit_while_others_run(void)
{
	pthread_t a, b, d;
	void *ra, *rb;
	sem_init(&released, 0, 0);
	pthread_create(&b, NULL, wait_release, NULL);
	pthread_create(&a, NULL, exit_early, NULL);
	pthread_join(a, &ra);
	say("thread_exit_value", "%ld", (long)ra);
	pthread_attr_t attr;
	pthread_attr_init(&attr);
	pthread_attr_setdetachstate(&attr, PTHREAD_CREATE_DETACHED);
	pthread_create(&d, &attr, detached, NULL);   /* it lets b go, then ends unjoined */
	pthread_join(b, &rb);
	say("other_thread_ran_on", "%ld", (long)rb);
}

/* ---- signals to one thread, and to the process ---- */

static volatile pid_t handled_by;
static volatile int handled;

static void note_tid(int sig)
{
	(void)sig;
	handled_by = (pid_t)sys_gettid();
	handled++;
}

static sem_t ready, done;
static volatile pid_t worker_tid;

static void *signal_target(void *arg)
{
	(void)arg;
	worker_tid = (pid_t)sys_gettid();
	sigset_t none;
	sigemptyset(&none);
	pthread_sigmask(SIG_SETMASK, &none, NULL);
	sem_post(&ready);
	while (sem_wait(&done) && errno == EINTR)
		;
	return NULL;
}

static void signals_to_threads(void)
{
	pthread_t t;
	sigset_t usr;
	sigemptyset(&usr);
	sigaddset(&usr, SIGUSR1);
	sigaddset(&usr, SIGUSR2);
	set_handler(SIGUSR1, note_tid, 0);
	set_handler(SIGUSR2, note_tid, 0);
	pthread_sigmask(SIG_BLOCK, &usr, NULL);   /* main takes neither: only the worker can */
	sem_init(&ready, 0, 0);
	sem_init(&done, 0, 0);
	pthread_create(&t, NULL, signal_target, NULL);
	sem_wait(&ready);
	pthread_kill(t, SIGUSR1);   /* tgkill (glibc) or tkill (musl) */
	while (handled < 1)
		sched_yield();
	say("pthread_kill_ran_in_target", "%s", handled_by == worker_tid ? "yes" : "no");
	kill(getpid(), SIGUSR2);   /* to the process: the thread that does not block it */
	while (handled < 2)
		sched_yield();
	say("process_signal_ran_in_unblocked_thread", "%s", handled_by == worker_tid ? "yes" : "no");
	say("main_blocked_pending_none", "%s", ({ sigset_t p; sigpending(&p); sigismember(&p, SIGUSR2) ? "no" : "yes"; }));
	sem_post(&done);
	pthread_join(t, NULL);
	say("tgkill_wrong_group", "%s", syscall(SYS_tgkill, 1 << 30, worker_tid, 0) ? errno_name(errno) : "0");
	pthread_sigmask(SIG_UNBLOCK, &usr, NULL);
}

/* ---- a process's end: exit_group from a thread, a fault in a thread ---- */

static void *call_exit(void *arg)
{
	exit((int)(long)arg);
}

static volatile int *volatile null_ptr;

static void *fault(void *arg)
{
	(void)arg;
	null_ptr[4] = 1;   /* address 16: SIGSEGV, in this thread */
	return NULL;
}

static void *sleep_forever(void *arg)
{
	(void)arg;
	for (;;)
		pause();
	return NULL;
}

/* A child that starts `helpers` sleeping threads and then `fn` in another;
 * main waits in join (forever: only the process's end ends it). */
static int child_with_threads(void *(*fn)(void *), void *arg, int helpers)
{
	pid_t pid = fork_flushed();
	if (pid == 0) {
		pthread_t t;
		for (int i = 0; i < helpers; i++)
			pthread_create(&t, NULL, sleep_forever, NULL);
		pthread_create(&t, NULL, fn, arg);
		pthread_join(t, NULL);
		_exit(99);   /* not reached */
	}
	return reap(pid);
}

static void process_end(void)
{
	show_status("exit_from_thread", child_with_threads(call_exit, (void *)5, 2));
	show_status("fault_in_thread_kills_process", child_with_threads(fault, NULL, 2));
}

/* The main thread leaves with pthread_exit; the process lives on until its
 * last thread returns, and its status is that thread's exit(0)... here 3. */
static void *last_one(void *arg)
{
	(void)arg;
	for (int i = 0; i < 20; i++)
		sched_yield();
	exit(3);
}

static void main_thread_exits_first(void)
{
	pid_t pid = fork_flushed();
	if (pid == 0) {
		pthread_t t;
		pthread_create(&t, NULL, last_one, NULL);
		pthread_exit(NULL);
	}
	show_status("main_pthread_exit_then_exit_3", reap(pid));
}

/* ---- wait: a child belongs to the process, whichever thread made it ---- */

static void *fork_child(void *arg)
{
	(void)arg;
	pid_t pid = fork_flushed();
	if (pid == 0)
		_exit(getppid() == main_pid ? 6 : 1);   /* its parent is the process */
	return (void *)(long)pid;
}

static void *ppid_of_thread(void *arg)
{
	(void)arg;
	return (void *)(long)getppid();
}

static void *set_umask(void *arg)
{
	return (void *)(long)umask((mode_t)(long)arg);
}

static void wait_across_threads(void)
{
	pthread_t t;
	void *r;
	pthread_create(&t, NULL, fork_child, NULL);
	pthread_join(t, &r);
	show_status("wait_for_other_threads_child", reap((pid_t)(long)r));
	pthread_create(&t, NULL, ppid_of_thread, NULL);
	pthread_join(t, &r);
	say("getppid_same_in_thread", "%s", (pid_t)(long)r == getppid() ? "yes" : "no");
	mode_t old = umask(022);
	pthread_create(&t, NULL, set_umask, (void *)077);
	pthread_join(t, &r);
	say("umask_shared_with_threads", "%03o, was %03o", umask(old), (unsigned)(long)r);   /* CLONE_FS */
}

/* ---- job control: SIGSTOP stops every thread, SIGCONT runs them all ---- */

static volatile long *spins;   /* shared with the parent (MAP_SHARED) */

static void *spin(void *arg)
{
	(void)arg;
	for (;;) {
		__atomic_add_fetch(spins, 1, __ATOMIC_RELAXED);
		sched_yield();
	}
	return NULL;
}

static void group_stop(void)
{
	spins = (volatile long *)map_shared(4096);
	pid_t pid = fork_flushed();
	if (pid == 0) {
		pthread_t t;
		for (int i = 0; i < 3; i++)
			pthread_create(&t, NULL, spin, NULL);
		spin(NULL);
	}
	while (__atomic_load_n(spins, __ATOMIC_RELAXED) < 100)
		sched_yield();
	int st;
	kill(pid, SIGSTOP);
	waitpid(pid, &st, WUNTRACED);   /* reported once every thread has stopped */
	say("group_stop_reported", "%s", WIFSTOPPED(st) ? signal_name(WSTOPSIG(st)) : status_str(st));
	long before = *spins;
	for (int i = 0; i < 200; i++)
		sched_yield();
	say("no_thread_runs_while_stopped", "%s", *spins == before ? "yes" : "no");
	kill(pid, SIGCONT);
	waitpid(pid, &st, WCONTINUED);
	say("group_continue_reported", "%s", WIFCONTINUED(st) ? "yes" : status_str(st));
	while (*spins < before + 100)   /* they all may run again: counting goes on */
		sched_yield();
	kill(pid, SIGKILL);
	show_status("group_killed", reap(pid));
}

/* ---- execve from a thread: the others go, the process keeps its pid ---- */

static const char *argv0;

static void *exec_self(void *arg)
{
	char pidbuf[16];
	snprintf(pidbuf, sizeof(pidbuf), "%d", (int)getpid());
	char *argv[] = { (char *)argv0, "after-exec", pidbuf, (char *)arg, NULL };
	execv(self_exe(argv0), argv);
	_exit(98);
}

static int threads_in_status(void)
{
	FILE *f = fopen("/proc/self/status", "r");
	char line[128];
	int n = -1;
	while (f && fgets(line, sizeof(line), f))
		if (!strncmp(line, "Threads:", 8))
			n = atoi(line + 8);
	if (f)
		fclose(f);
	return n;
}

static int after_exec(char **argv)
{
	int kept = getpid() == atoi(argv[2]);
	int alone = sys_gettid() == getpid() && threads_in_status() == 1;
	return (kept ? 0 : 1) | (alone ? 0 : 2) | (!strcmp(argv[3], "x") ? 0 : 4);
}

static void exec_from_thread(void)
{
	show_status("execve_from_thread", child_with_threads(exec_self, "x", 2));
}

/* ---- /proc/self/task: one entry per thread ---- */

static void *hold(void *arg)
{
	sem_post(&ready);
	sem_wait((sem_t *)arg);
	return NULL;
}

static int count_tasks(void)
{
	DIR *d = opendir("/proc/self/task");
	int n = 0;
	struct dirent *e;
	while (d && (e = readdir(d)))
		n += e->d_name[0] != '.';
	if (d)
		closedir(d);
	return d ? n : -1;
}

static void proc_task(void)
{
	pthread_t t[3];
	sem_t stop;
	char path[64];
	sem_init(&stop, 0, 0);
	sem_init(&ready, 0, 0);
	for (int i = 0; i < 3; i++)
		pthread_create(&t[i], NULL, hold, &stop);
	for (int i = 0; i < 3; i++)
		sem_wait(&ready);
	say("proc_task_entries", "%d", count_tasks());
	say("proc_status_threads", "%d", threads_in_status());
	snprintf(path, sizeof(path), "/proc/self/task/%d/stat", (int)getpid());
	say("proc_task_leader_stat", "%s", access(path, R_OK) ? errno_name(errno) : "0");
	for (int i = 0; i < 3; i++)
		sem_post(&stop);
	for (int i = 0; i < 3; i++)
		pthread_join(t[i], NULL);
	int left = count_tasks();
	for (int i = 0; i < 100000 && left != 1; i++) {   /* joined threads leave the list as they finish exiting */
		sched_yield();
		left = count_tasks();
	}
	say("proc_task_entries_after_join", "%d", left);
}

/* ---- clone's refusals (Linux's checks) ---- */

static void clone_refusals(void)
{
	say("clone_thread_without_sighand", "%s",
	    syscall(SYS_clone, CLONE_VM | CLONE_THREAD, 0, 0, 0, 0) == -1 ? errno_name(errno) : "ok");
	say("clone_sighand_without_vm", "%s",
	    syscall(SYS_clone, CLONE_SIGHAND, 0, 0, 0, 0) == -1 ? errno_name(errno) : "ok");
	say("clone_fs_with_newns", "%s",
	    syscall(SYS_clone, CLONE_FS | CLONE_NEWNS, 0, 0, 0, 0) == -1 ? errno_name(errno) : "ok");
}

/* ---- bad arguments: errors or the caller's own death, never the kernel's ---- */

enum { OP_WAIT = 0, OP_REQUEUE = 3, OP_CMP_REQUEUE = 4 };   /* <linux/futex.h>, not in musl's headers */
enum { THREAD_FLAGS = CLONE_VM | CLONE_FS | CLONE_FILES | CLONE_SIGHAND | CLONE_THREAD | CLONE_SYSVSEM };

static const char *rc_name(long rc)
{
	return rc == -1 ? errno_name(errno) : rc < 0 ? "?" : "ok";
}

static int thread_on_bad_stack(void *arg)
{
	(void)arg;
	syscall(SYS_clone, THREAD_FLAGS, (void *)16, NULL, NULL, 0);   /* the new thread returns onto address 16 */
	for (;;)
		pause();   /* killed with the process */
	return 0;
}

static void hostile_cases(void)
{
	uint64_t args[11] = { 0 };
	static uint32_t word = 1;
	say("clone_settls_kernel_address", "%s",
	    rc_name(syscall(SYS_clone, THREAD_FLAGS | CLONE_SETTLS, NULL, NULL, NULL, KERNEL_ADDR)));
	say("clone_settls_noncanonical", "%s",
	    rc_name(syscall(SYS_clone, THREAD_FLAGS | CLONE_SETTLS, NULL, NULL, NULL, NONCANON_ADDR)));
	say("clone3_size_too_small", "%s", rc_name(syscall(435, args, 8)));
	say("clone3_size_too_big", "%s", rc_name(syscall(435, args, 8192)));
	say("clone3_bad_pointer", "%s", rc_name(syscall(435, (void *)KERNEL_ADDR, sizeof(args))));
	args[0] = CLONE_THREAD;   /* without CLONE_SIGHAND */
	say("clone3_thread_without_sighand", "%s", rc_name(syscall(435, args, sizeof(args))));
	show_child("thread_on_bad_stack_kills_process", thread_on_bad_stack, NULL);
	say("futex_kernel_address", "%s", rc_name(syscall(SYS_futex, KERNEL_ADDR, OP_WAIT, 1, NULL, NULL, 0)));
	say("futex_requeue_unaligned_target", "%s",
	    rc_name(syscall(SYS_futex, &word, OP_REQUEUE, 1, 1, (char *)&word + 1, 0)));
	say("futex_cmp_requeue_value_changed", "%s",
	    rc_name(syscall(SYS_futex, &word, OP_CMP_REQUEUE, 1, 1, &word, 2)));
	say("futex_cmp_requeue_nobody", "%ld", syscall(SYS_futex, &word, OP_CMP_REQUEUE, 1, 1, &word, 1));
	say("futex_requeue_negative_count", "%s", rc_name(syscall(SYS_futex, &word, OP_REQUEUE, -1, 1, &word, 0)));
	say("tkill_bad_tid", "%s", rc_name(syscall(SYS_tkill, -5, SIGUSR1)));
	say("tgkill_bad_signal", "%s", rc_name(syscall(SYS_tgkill, getpid(), getpid(), 99)));
}

int main(int argc, char **argv)
{
	if (argc > 3 && !strcmp(argv[1], "after-exec"))
		return after_exec(argv);
	argv0 = argv[0];
	main_pid = getpid();
	create_join();
	mutex_counter();
	condvar_queue();
	condvar_broadcast();
	condvar_timeout();
	semaphores();
	thread_local();
	exit_while_others_run();
	signals_to_threads();
	process_end();
	main_thread_exits_first();
	wait_across_threads();
	group_stop();
	exec_from_thread();
	proc_task();
	clone_refusals();
	hostile_cases();
	return 0;
}
