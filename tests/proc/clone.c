/* clone: processes the way libcs make them, and the per-process attributes.
 *
 * clone with CLONE_CHILD_SETTID / CLONE_PARENT_SETTID / CLONE_CHILD_CLEARTID
 * (glibc's fork), a new stack; vfork sharing the parent's memory while the
 * parent waits; a vfork child's set_tid_address word cleared at its exit;
 * futex's error and timeout cases; getgroups/setgroups, sched_getaffinity,
 * prctl PR_SET_NAME/PR_GET_NAME, getrlimit/setrlimit/prlimit64 lowering a
 * limit that children inherit, umask, times.
 */
#define _GNU_SOURCE
#include "testlib.h"
#include <grp.h>
#include <sys/prctl.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/times.h>

enum {   /* <linux/futex.h>, which musl's headers do not carry */
	FUTEX_WAIT = 0, FUTEX_WAKE = 1, FUTEX_WAKE_BITSET = 10, FUTEX_WAIT_PRIVATE = 128,
};

static long raw_clone(unsigned long flags, void *stack, int *ptid, int *ctid, unsigned long tls)
{
	return syscall(SYS_clone, flags, stack, ptid, ctid, tls);
}

static void clone_cases(void)
{
	static int ptid, ctid;
	long pid;

	fflush(stdout);
	pid = raw_clone(CLONE_CHILD_SETTID | CLONE_CHILD_CLEARTID | SIGCHLD, NULL, NULL, &ctid, 0);
	if (pid == 0)
		_exit(ctid == getpid() ? 0 : 1);   /* the child's own copy holds its tid */
	show_status("child_settid_in_child", reap(pid));
	show_yes("child_settid_not_in_parent", ctid == 0);
	fflush(stdout);
	pid = raw_clone(CLONE_PARENT_SETTID | SIGCHLD, NULL, &ptid, NULL, 0);
	if (pid == 0)
		_exit(0);
	show_yes("parent_settid", ptid == pid);
	reap(pid);
}

static volatile int shared_word;

static void vfork_cases(void)
{
	static uint32_t tidword = 123;
	int st;

	shared_word = 0;
	fflush(stdout);
	pid_t pid = vfork();
	if (pid == 0) {
		shared_word = 7;   /* the parent's memory: vfork shares it */
		_exit(0);
	}
	show_yes("vfork_shares_memory", shared_word == 7);
	waitpid(pid, &st, 0);
	fflush(stdout);
	pid = vfork();
	if (pid == 0) {
		syscall(SYS_set_tid_address, &tidword);
		_exit(0);
	}
	show_yes("vfork_child_cleartid_at_exit", tidword == 0);
	waitpid(pid, &st, 0);
	show_status("vfork_child_status", st);
	show_yes("set_tid_address_returns_tid", syscall(SYS_set_tid_address, NULL) == getpid());
}

static void futex_cases(void)
{
	static int word = 5;
	struct timespec ts = { 0, 10000000 };

	show_rc("futex_wait_wrong_value", syscall(SYS_futex, &word, FUTEX_WAIT, 4, NULL, NULL, 0));
	show_rc("futex_wait_timeout", syscall(SYS_futex, &word, FUTEX_WAIT_PRIVATE, 5, &ts, NULL, 0));
	show_rc("futex_wake_nobody", syscall(SYS_futex, &word, FUTEX_WAKE, 1, NULL, NULL, 0));
	show_rc("futex_wake_bitset_zero", syscall(SYS_futex, &word, FUTEX_WAKE_BITSET, 1, NULL, NULL, 0));
	show_rc("futex_unaligned", syscall(SYS_futex, (char *)&word + 1, FUTEX_WAKE, 1, NULL, NULL, 0));
	show_rc("futex_bad_address", syscall(SYS_futex, (void *)KERNEL_ADDR, FUTEX_WAIT, 0, NULL, NULL, 0));
	ts.tv_nsec = 2000000000;
	show_rc("futex_bad_timeout", syscall(SYS_futex, &word, FUTEX_WAIT, 5, &ts, NULL, 0));
}

static int rlimit_child(void *arg)
{
	struct rlimit r;

	(void)arg;
	getrlimit(RLIMIT_CORE, &r);
	return r.rlim_cur == 0 && r.rlim_max == 4096 ? 0 : 1;
}

static void attribute_cases(void)
{
	gid_t set[2] = { 5, 7 }, got[4];
	struct rlimit r, old;
	char name[32];
	cpu_set_t cpus;

	show_rc("setgroups", setgroups(2, set));
	show_rc("getgroups_count", getgroups(0, NULL));
	show_yes("getgroups_values", getgroups(4, got) == 2 && got[0] == 5 && got[1] == 7);
	show_rc("getgroups_too_small", getgroups(1, got));
	long n = syscall(SYS_sched_getaffinity, 0, sizeof(cpus), &cpus);
	show_yes("sched_getaffinity_size", n > 0 && n % 8 == 0);   /* the host's CPU count decides it */
	show_yes("sched_getaffinity_cpu0", CPU_ISSET(0, &cpus));
	show_rc("sched_getaffinity_len_3", syscall(SYS_sched_getaffinity, 0, 3, &cpus));
	show_rc("prctl_set_name", prctl(PR_SET_NAME, "a-rather-long-process-name"));
	prctl(PR_GET_NAME, name);
	say("prctl_get_name", "%s", name);
	show_rc("prctl_bad_option", prctl(9999, 0));
	r = (struct rlimit){ 0, 4096 };
	show_rc("setrlimit_core_lower", setrlimit(RLIMIT_CORE, &r));
	getrlimit(RLIMIT_CORE, &r);
	show_yes("getrlimit_reads_back", r.rlim_cur == 0 && r.rlim_max == 4096);
	show_child("rlimit_inherited", rlimit_child, NULL);
	r = (struct rlimit){ 8192, 4096 };
	show_rc("setrlimit_cur_above_max", setrlimit(RLIMIT_CORE, &r));
	show_rc("prlimit_old_only", prlimit(0, RLIMIT_CORE, NULL, &old));
	show_yes("prlimit_old_value", old.rlim_max == 4096);
	show_rc("getrlimit_bad_resource", getrlimit(99, &r));
	umask(077);
	say("umask_returns_old", "%o", umask(027));
	say("umask_again", "%o", umask(022));
	struct tms t;
	show_yes("times_ok", times(&t) != (clock_t)-1 && t.tms_utime >= 0 && t.tms_cstime >= 0);
}

int main(void)
{
	clone_cases();
	vfork_cases();
	futex_cases();
	attribute_cases();
	return 0;
}
