/* shared: MAP_SHARED|MAP_ANONYMOUS memory stays one object across fork, to
 * children and grandchildren, in both directions, including pages nobody had
 * touched before the fork. Unmapping or re-protecting it in one process
 * leaves the others' view alone; MAP_FIXED can replace a private range with a
 * shared one; a shared page keeps working after the parent exits.
 */
#include "testlib.h"

static int child_writes(void *p)
{
	((volatile int *)p)[0] = 111;
	return 0;
}

static void both_directions(void)
{
	volatile int *s = (volatile int *)map_shared(PAGE);
	pid_t pid;

	show_child("child_write", child_writes, (void *)s);
	show_yes("parent_sees_child_write", s[0] == 111);
	s[1] = 0;
	pid = fork_flushed();
	if (pid == 0) {
		wait_for(&s[1], 222);
		s[2] = 333;
		_exit(0);
	}
	s[1] = 222;
	show_status("child_saw_parent_write", reap(pid));
	show_yes("reply_seen", s[2] == 333);
}

static void untouched_before_fork(void)
{
	char *s = map_shared(64 * PAGE);
	pid_t pid = fork_flushed();

	if (pid == 0) {
		for (int i = 0; i < 64; i++)
			s[i * PAGE] = (char)i;
		_exit(0);
	}
	reap(pid);
	int ok = 1;
	for (int i = 0; i < 64; i++)
		ok &= s[i * PAGE] == (char)i;
	show_yes("untouched_pages_shared", ok);
}

static void grandchildren(void)
{
	volatile int *s = (volatile int *)map_shared(PAGE);
	pid_t pid = fork_flushed();

	if (pid == 0) {
		for (int i = 0; i < 3; i++) {
			pid_t g = fork();
			if (g == 0) {
				__sync_fetch_and_add(&s[0], 10);
				_exit(0);
			}
			reap(g);
		}
		__sync_fetch_and_add(&s[0], 1);
		_exit(0);
	}
	reap(pid);
	say("grandchildren_counter", "%d", s[0]);
}

static void counter_children(void)
{
	volatile int *s = (volatile int *)map_shared(PAGE);

	for (int i = 0; i < 20; i++) {
		pid_t pid = fork_flushed();
		if (pid == 0) {
			s[0] += 1;
			_exit(0);
		}
		reap(pid);
	}
	say("sequential_children_counter", "%d", s[0]);
}

static void protect_in_child(void)
{
	volatile int *s;
	pid_t pid;

	s = (volatile int *)map_shared(PAGE);
	pid = fork_flushed();
	if (pid == 0) {
		sys_mprotect((uintptr_t)s, PAGE, PROT_READ);
		_exit(can_write((void *)s) ? 1 : 0);
	}
	show_status("child_mprotect_readonly", reap(pid));
	s[0] = 5;
	show_yes("parent_still_writes_shared", s[0] == 5);
}

static void child_keeps_after_parent_unmap(void)
{
	volatile int *flag = (volatile int *)map_shared(PAGE);
	volatile int *s = (volatile int *)map_shared(PAGE);
	pid_t pid;

	s[0] = 7;
	pid = fork_flushed();
	if (pid == 0) {
		wait_for(flag, 1);
		s[0] += 1;
		flag[1] = s[0];
		_exit(0);
	}
	sys_munmap((uintptr_t)s, PAGE);
	flag[0] = 1;
	reap(pid);
	say("child_uses_after_parent_unmap", "%d", flag[1]);
}

static void fixed_shared_over_private(void)
{
	char *p = map_anon(4 * PAGE, PROT_READ | PROT_WRITE);
	long r;

	memset(p, 'p', 4 * PAGE);
	r = sys_mmap((uintptr_t)p + PAGE, 2 * PAGE, PROT_READ | PROT_WRITE,
		     MAP_SHARED | MAP_ANONYMOUS | MAP_FIXED, -1, 0);
	show_yes("fixed_shared_placed", r == (long)(p + PAGE));
	show_yes("fixed_shared_zero", all_zero(p + PAGE, 2 * PAGE));
	show_child("fixed_shared_child_write", child_writes, p + PAGE);
	show_child("fixed_private_child_write", child_writes, p);
	show_yes("fixed_shared_seen", *(int *)(p + PAGE) == 111);
	show_yes("fixed_private_not_seen", p[0] == 'p');
}

static void outlives_parent(void)
{
	volatile int *s = (volatile int *)map_shared(PAGE);
	pid_t pid = fork_flushed();

	if (pid == 0) {
		pid_t middle = getpid();
		pid_t g = fork();
		if (g == 0) {
			while (getppid() == middle)
				sleep_ms(2);
			s[0] = 99;
			_exit(0);
		}
		s[1] = g;
		_exit(0);
	}
	reap(pid);
	wait_for(&s[0], 99);
	show_yes("orphan_writes_shared", s[0] == 99);
	wait_gone(s[1]);
}

int main(void)
{
	both_directions();
	untouched_before_fork();
	grandchildren();
	counter_children();
	protect_in_child();
	child_keeps_after_parent_unmap();
	fixed_shared_over_private();
	outlives_parent();
	return 0;
}
