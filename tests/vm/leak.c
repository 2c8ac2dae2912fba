/* leak: memory comes back. Each loop maps, touches and releases far more than
 * a 128 MiB machine could hold if anything stayed behind: 64 MiB twenty times
 * in the process and in twenty children, the break grown by 16 MiB and shrunk
 * twenty times, a 32 MiB process forked twenty times with the child writing
 * every page (twenty COW copies), 8 MiB of shared memory, mprotect splitting
 * and exec. On Pagoda the runner also compares free memory before and after.
 */
#include "testlib.h"

enum { MIB = 1 << 20 };

/* touch_all: write one byte per page and sum them back. */
static int touch_all(char *p, size_t len, int v)
{
	long sum = 0;

	for (size_t off = 0; off < len; off += PAGE)
		p[off] = (char)v;
	for (size_t off = 0; off < len; off += PAGE)
		sum += p[off];
	return sum == (long)(len / PAGE) * v;
}

static void mmap_loop(void)
{
	int ok = 0;

	for (int i = 0; i < 20; i++) {
		char *p = map_anon(64 * MIB, PROT_READ | PROT_WRITE);
		ok += touch_all(p, 64 * MIB, 1 + i % 7);
		ok -= sys_munmap((uintptr_t)p, 64 * MIB) != 0;
	}
	say("mmap_64m_x20", "%d ok", ok);
}

static void child_loop(void)
{
	int ok = 0;

	for (int i = 0; i < 20; i++) {
		pid_t pid = fork_flushed();
		if (pid == 0) {
			char *p = map_anon(64 * MIB, PROT_READ | PROT_WRITE);
			_exit(touch_all(p, 64 * MIB, 3) ? 0 : 1);	/* no munmap */
		}
		int st = reap(pid);
		ok += WIFEXITED(st) && WEXITSTATUS(st) == 0;
	}
	say("children_64m_x20", "%d ok", ok);
}

static void brk_loop(void)
{
	uintptr_t b = sys_brk(0);
	int ok = 0;

	for (int i = 0; i < 20; i++) {
		if (sys_brk(b + 16 * MIB) != b + 16 * MIB)
			continue;
		ok += touch_all((char *)b, 16 * MIB, 2);
		sys_brk(b);
	}
	say("brk_16m_x20", "%d ok", ok);
}

static void fork_big_loop(void)
{
	char *p = map_anon(32 * MIB, PROT_READ | PROT_WRITE);
	int ok = 0;

	touch_all(p, 32 * MIB, 4);
	for (int i = 0; i < 20; i++) {
		pid_t pid = fork_flushed();
		if (pid == 0)
			_exit(touch_all(p, 32 * MIB, 5) ? 0 : 1);
		int st = reap(pid);
		ok += WIFEXITED(st) && WEXITSTATUS(st) == 0;
	}
	say("fork_32m_cow_x20", "%d ok", ok);
	show_yes("fork_32m_parent_intact", p[0] == 4 && p[32 * MIB - PAGE] == 4);
	sys_munmap((uintptr_t)p, 32 * MIB);
}

static void shared_loop(void)
{
	int ok = 0;

	for (int i = 0; i < 20; i++) {
		char *s = map_shared(8 * MIB);
		pid_t pid = fork_flushed();
		if (pid == 0)
			_exit(touch_all(s, 8 * MIB, 6) ? 0 : 1);
		reap(pid);
		ok += s[8 * MIB - PAGE] == 6;
		sys_munmap((uintptr_t)s, 8 * MIB);
	}
	say("shared_8m_x20", "%d ok", ok);
}

static void mprotect_loop(void)
{
	char *p = map_anon(8 * PAGE, PROT_READ | PROT_WRITE);
	int ok = 0;

	for (int i = 0; i < 1000; i++) {
		ok += sys_mprotect((uintptr_t)p + (i % 6 + 1) * PAGE, PAGE, PROT_READ) == 0;
		ok += sys_mprotect((uintptr_t)p, 8 * PAGE, PROT_READ | PROT_WRITE) == 0;
	}
	say("mprotect_split_merge_x1000", "%d ok", ok);
	sys_munmap((uintptr_t)p, 8 * PAGE);
}

static void exec_loop(const char *self)
{
	char *argv[] = { (char *)self, "--noop", NULL };
	int ok = 0;

	for (int i = 0; i < 20; i++) {
		pid_t pid = fork_flushed();
		if (pid == 0) {
			execve(self, argv, NULL);
			_exit(99);
		}
		ok += reap(pid) == 0;
	}
	say("exec_x20", "%d ok", ok);
}

int main(int argc, char **argv)
{
	if (argc > 1)
		return 0;
	mmap_loop();
	child_loop();
	brk_loop();
	fork_big_loop();
	shared_loop();
	mprotect_loop();
	exec_loop(self_exe(argv[0]));
	return 0;
}
