/* affinity: the CPUs a thread may run on (sched_setaffinity(2),
 * sched_getaffinity(2), pthread_setaffinity_np) and the one it runs on now
 * (getcpu(2)).
 *
 * Every line holds for any number of CPUs (the host has its own count;
 * Pagoda boots with 1, 2 or 4): a thread pinned to each of its CPUs in turn
 * reports that CPU at once and stays there across yields; a running thread
 * pinned by another is on its new CPU when the call returns; the mask is per
 * thread, inherited by fork and pthread_create, and settable for another
 * process; Linux's errnos for an empty mask, a mask of CPUs that are not
 * online, a pid that does not exist, a bad pointer and a bad length.
 * The masks are the first 64 CPUs, through raw syscalls so that the
 * kernel's own answer is seen.
 */
#define _GNU_SOURCE
#include "testlib.h"
#include <pthread.h>

typedef uint64_t mask_t;

enum { NO_PID = 0x3fffffff };   /* above any pid_max */

static long set_mask(int pid, mask_t m)
{
	return syscall(SYS_sched_setaffinity, pid, sizeof(m), &m);
}

static mask_t get_mask(int pid)
{
	mask_t m = 0;

	if (syscall(SYS_sched_getaffinity, pid, sizeof(m), &m) < 0)
		return 0;
	return m;
}

static int cpu_now(void)
{
	unsigned cpu = ~0u;

	return syscall(SYS_getcpu, &cpu, NULL, NULL) ? -1 : (int)cpu;
}

static mask_t bit(int cpu)
{
	return (mask_t)1 << cpu;
}

static int lowest(mask_t m)
{
	return __builtin_ctzll(m);
}

static int highest(mask_t m)
{
	return 63 - __builtin_clzll(m);
}

static mask_t all;   /* the mask the test started with */

/* Pinned to each CPU in turn: there at once, and still there after yields. */
static void pin_each(void)
{
	int moved = 1, stayed = 1;

	for (int c = 0; c < 64; c++) {
		if (!(all & bit(c)))
			continue;
		if (set_mask(0, bit(c)) || get_mask(0) != bit(c) || cpu_now() != c)
			moved = 0;
		for (int i = 0; i < 20; i++) {
			sched_yield();
			if (cpu_now() != c)
				stayed = 0;
		}
	}
	show_yes("pin_each_cpu_runs_there", moved);
	show_yes("pinned_stays_across_yields", stayed);
	show_rc("restore_all", set_mask(0, all));
	show_yes("restored_mask", get_mask(0) == all);
}

static void errors(void)
{
	mask_t m = all;

	show_rc("set_empty_mask", set_mask(0, 0));
	show_rc("set_only_offline_cpu", set_mask(0, bit(63)));
	show_rc("set_online_and_offline", set_mask(0, all | bit(63)));
	show_yes("offline_cpu_dropped", get_mask(0) == all);
	show_rc("set_no_such_pid", set_mask(NO_PID, all));
	show_rc("get_no_such_pid", syscall(SYS_sched_getaffinity, NO_PID, sizeof(m), &m));
	show_rc("set_bad_pointer", syscall(SYS_sched_setaffinity, 0, sizeof(m), (void *)1));
	show_rc("set_kernel_pointer", syscall(SYS_sched_setaffinity, 0, sizeof(m), (void *)KERNEL_ADDR));
	show_rc("get_kernel_pointer", syscall(SYS_sched_getaffinity, 0, sizeof(m), (void *)KERNEL_ADDR));
	show_rc("get_len_0", syscall(SYS_sched_getaffinity, 0, 0, &m));
	show_rc("get_len_4", syscall(SYS_sched_getaffinity, 0, 4, &m));
	show_rc("get_len_12", syscall(SYS_sched_getaffinity, 0, 12, &m));
	show_rc("get_len_8", syscall(SYS_sched_getaffinity, 0, 8, &m));
	show_rc("set_len_0", syscall(SYS_sched_setaffinity, 0, 0, &m));
	show_rc("getcpu_no_pointers", syscall(SYS_getcpu, NULL, NULL, NULL));
	show_rc("getcpu_kernel_pointer", syscall(SYS_getcpu, (void *)KERNEL_ADDR, NULL, NULL));
	show_rc("getcpu_node_kernel_pointer", syscall(SYS_getcpu, NULL, (void *)KERNEL_ADDR, NULL));
}

/* A short mask (fewer bytes than the kernel's) has its missing bytes zero. */
static void short_length(void)
{
	unsigned char low = (unsigned char)bit(lowest(all));

	if (lowest(all) >= 8) {
		say("set_len_1", "0");   /* the host's first CPU is not in the first byte */
		say("set_len_1_mask", "yes");
		return;
	}
	show_rc("set_len_1", syscall(SYS_sched_setaffinity, 0, 1, &low));
	show_yes("set_len_1_mask", get_mask(0) == bit(lowest(all)));
	set_mask(0, all);
}

static int child_on_highest(void *arg)
{
	(void)arg;
	return get_mask(0) == bit(highest(all)) && cpu_now() == highest(all) ? 0 : 1;
}

static void fork_inherits(void)
{
	set_mask(0, bit(highest(all)));
	show_child("fork_child_inherits_mask", child_on_highest, NULL);
	set_mask(0, all);
}

/* The parent pins a child that waits on a pipe; the child then checks. */
static void other_process(void)
{
	int go[2];
	char c = 0;

	if (pipe(go))
		setup_fail("pipe");
	pid_t pid = fork_flushed();
	if (pid == 0) {
		close(go[1]);
		if (read(go[0], &c, 1) != 1)
			_exit(2);
		_exit(get_mask(0) == bit(lowest(all)) && cpu_now() == lowest(all) ? 0 : 1);
	}
	close(go[0]);
	show_rc("set_other_process", set_mask(pid, bit(lowest(all))));
	show_yes("get_other_process", get_mask(pid) == bit(lowest(all)));
	if (write(go[1], &c, 1) != 1)
		setup_fail("write");
	close(go[1]);
	show_status("other_process_runs_there", reap(pid));
}

static void *thread_sets_own(void *arg)
{
	mask_t *seen = arg;

	seen[0] = get_mask(0);
	seen[1] = set_mask(0, all) == 0 ? get_mask(0) : 0;
	return NULL;
}

/* A thread starts with its creator's mask; changing its own leaves the
 * creator's alone. */
static void per_thread(void)
{
	pthread_t t;
	mask_t seen[2] = { 0, 0 };

	set_mask(0, bit(lowest(all)));
	if (pthread_create(&t, NULL, thread_sets_own, seen))
		setup_fail("pthread_create");
	pthread_join(t, NULL);
	show_yes("thread_inherits_mask", seen[0] == bit(lowest(all)));
	show_yes("thread_sets_its_own", seen[1] == all);
	show_yes("creator_mask_unchanged", get_mask(0) == bit(lowest(all)));
	set_mask(0, all);
}

static volatile int spin_started, spin_go, spin_cpu;
static volatile int spin_result;

static void *spinner(void *arg)
{
	(void)arg;
	spin_cpu = cpu_now();
	__atomic_store_n(&spin_started, 1, __ATOMIC_SEQ_CST);
	while (!__atomic_load_n(&spin_go, __ATOMIC_SEQ_CST))
		;
	spin_result = cpu_now();
	return NULL;
}

/* pthread_setaffinity_np on a thread busy in user mode: when the call
 * returns, the thread is on its new CPU (another one than it started on,
 * when there is another). */
static void move_running(void)
{
	pthread_t t;
	cpu_set_t set;
	int target;

	if (pthread_create(&t, NULL, spinner, NULL))
		setup_fail("pthread_create");
	while (!__atomic_load_n(&spin_started, __ATOMIC_SEQ_CST))
		sched_yield();
	target = highest(all) != spin_cpu ? highest(all) : lowest(all);
	CPU_ZERO(&set);
	CPU_SET(target, &set);
	say("pthread_setaffinity_np", "%d", pthread_setaffinity_np(t, sizeof(set), &set));
	__atomic_store_n(&spin_go, 1, __ATOMIC_SEQ_CST);
	pthread_join(t, NULL);
	show_yes("running_thread_moved", spin_result == target);
}

int main(void)
{
	all = get_mask(0);
	show_yes("get_mask_nonempty", all != 0);
	show_yes("getcpu_in_mask", cpu_now() >= 0 && (all & bit(cpu_now())));
	if (!all)
		setup_fail("sched_getaffinity");
	pin_each();
	errors();
	short_length();
	fork_inherits();
	other_process();
	per_thread();
	move_running();
	return 0;
}
