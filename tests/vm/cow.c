/* cow: fork shares private pages copy-on-write (CS:APP 9.8.2), and each side
 * must then see only its own writes: parent writes, child writes, the parent
 * unmaps, the child re-protects, three generations write the same page, and
 * the kernel itself writes (read() into a COW page). Private read-only and
 * PROT_NONE pages keep their protection in the child.
 * Ordering between parent and child goes through a MAP_SHARED flag page.
 */
#include <fcntl.h>
#include "testlib.h"

static volatile int *flags;	/* shared: [0] go, [1] child result */
static int data_word = 1000;
static char bss_pages[8 * PAGE];

static void reset_flags(void)
{
	flags[0] = 0;
	flags[1] = 0;
}

/* parent_writes: the child waits until the parent has written, then reads. */
static void parent_writes(void)
{
	char *p = map_anon(4 * PAGE, PROT_READ | PROT_WRITE);
	pid_t pid;

	memset(p, 'a', 4 * PAGE);
	reset_flags();
	pid = fork_flushed();
	if (pid == 0) {
		wait_for(flags, 1);
		_exit(check_bytes(p, 4 * PAGE, 'a') ? 0 : 1);
	}
	memset(p, 'b', 4 * PAGE);
	flags[0] = 1;
	show_status("parent_write_child_sees_old", reap(pid));
	show_yes("parent_sees_own_write", check_bytes(p, 4 * PAGE, 'b'));
}

static int child_writes_fn(void *p)
{
	memset(p, 'z', 4 * PAGE);
	return check_bytes(p, 4 * PAGE, 'z') ? 0 : 1;
}

static void child_writes(void)
{
	char *p = map_anon(4 * PAGE, PROT_READ | PROT_WRITE);

	memset(p, 'c', 4 * PAGE);
	show_child("child_write_sees_own", child_writes_fn, p);
	show_yes("child_write_parent_sees_old", check_bytes(p, 4 * PAGE, 'c'));
	memset(p, 'd', 4 * PAGE);
	show_yes("parent_writes_after_child_exit", check_bytes(p, 4 * PAGE, 'd'));
}

static int child_writes_globals(void *arg)
{
	(void)arg;
	data_word = 2000;
	memset(bss_pages, 9, sizeof bss_pages);
	return 0;
}

static void segments(void)
{
	volatile int stack_word = 3000;
	uintptr_t heap = sys_brk(0);

	sys_brk(heap + PAGE);
	*(volatile int *)heap = 4000;
	show_child("child_writes_data_bss", child_writes_globals, NULL);
	show_yes("data_isolated", data_word == 1000);
	show_yes("bss_isolated", all_zero(bss_pages, sizeof bss_pages));
	pid_t pid = fork_flushed();
	if (pid == 0) {
		stack_word = 1;
		*(volatile int *)heap = 1;
		_exit(stack_word == 1 && *(volatile int *)heap == 1 ? 0 : 1);
	}
	show_status("child_writes_stack_heap", reap(pid));
	show_yes("stack_isolated", stack_word == 3000);
	show_yes("heap_isolated", *(volatile int *)heap == 4000);
	sys_brk(heap);
}

static void parent_unmaps(void)
{
	char *p = map_anon(2 * PAGE, PROT_READ | PROT_WRITE);
	pid_t pid;

	memset(p, 'u', 2 * PAGE);
	reset_flags();
	pid = fork_flushed();
	if (pid == 0) {
		wait_for(flags, 1);
		_exit(check_bytes(p, 2 * PAGE, 'u') ? 0 : 1);
	}
	sys_munmap((uintptr_t)p, 2 * PAGE);
	flags[0] = 1;
	show_status("parent_unmap_child_keeps", reap(pid));
	show_yes("parent_unmapped", !can_read(p));
}

static void child_mprotects(void)
{
	char *p = map_anon(PAGE, PROT_READ | PROT_WRITE);
	pid_t pid;

	p[0] = 'm';
	pid = fork_flushed();
	if (pid == 0) {
		sys_mprotect((uintptr_t)p, PAGE, PROT_READ);
		p[0] = 'x';
		_exit(0);
	}
	show_status("child_mprotect_then_write", reap(pid));
	p[0] = 'n';
	show_yes("parent_still_writable", p[0] == 'n');
}

/* generations: parent, child and grandchild share one frame three ways, then
 * each writes its own value; each must read back only its own. */
static void generations(void)
{
	char *p = map_anon(PAGE, PROT_READ | PROT_WRITE);
	volatile int *res = flags;
	pid_t pid;

	p[0] = 1;
	reset_flags();
	pid = fork_flushed();
	if (pid == 0) {
		pid_t g = fork();
		if (g == 0) {
			p[0] = 3;
			res[1] = p[0] == 3;
			_exit(0);
		}
		reap(g);
		p[0] = 2;
		_exit(p[0] == 2 && res[1] ? 0 : 1);
	}
	show_status("three_generations", reap(pid));
	show_yes("three_generations_parent_value", p[0] == 1);
}

static void repeated_forks(void)
{
	char *p = map_anon(16 * PAGE, PROT_READ | PROT_WRITE);
	int ok = 0;

	fill(p, 16 * PAGE, 5);
	for (int i = 0; i < 10; i++) {
		pid_t pid = fork_flushed();
		if (pid == 0) {
			if (!check(p, 16 * PAGE, 5))
				_exit(1);
			fill(p, 16 * PAGE, 100 + i);
			_exit(check(p, 16 * PAGE, 100 + i) ? 0 : 2);
		}
		int st = reap(pid);
		ok += WIFEXITED(st) && WEXITSTATUS(st) == 0;
	}
	say("ten_children_each_write", "%d ok", ok);
	show_yes("ten_children_parent_intact", check(p, 16 * PAGE, 5));
}

static int child_reads_file(void *arg)
{
	char *p = arg;
	int fd = open((char *)p + PAGE, O_RDONLY);

	if (fd < 0 || read(fd, p, 4) != 4)
		return 1;
	return memcmp(p, "\177ELF", 4) == 0 ? 0 : 2;
}

static void kernel_writes(const char *self)
{
	char *p = map_anon(2 * PAGE, PROT_READ | PROT_WRITE);

	memset(p, 'k', PAGE);
	snprintf(p + PAGE, PAGE, "%s", self);
	show_child("child_read_into_cow_page", child_reads_file, p);
	show_yes("parent_page_after_child_read", check_bytes(p, PAGE, 'k'));
}

static void protections_inherited(void)
{
	char *ro = map_anon(PAGE, PROT_READ);
	char *none = map_anon(PAGE, PROT_NONE);

	show_access("child_readonly_stays_readonly", ro);
	show_access("child_prot_none_stays_none", none);
}

static void large_region(void)
{
	size_t len = 4u << 20;
	char *p = map_anon(len, PROT_READ | PROT_WRITE);

	fill(p, len, 1);
	show_child("child_writes_4m", child_writes_fn, p);
	pid_t pid = fork_flushed();
	if (pid == 0) {
		fill(p, len, 2);
		_exit(check(p, len, 2) ? 0 : 1);
	}
	show_status("child_rewrites_4m", reap(pid));
	show_yes("parent_4m_intact", check(p, len, 1));
}

int main(int argc, char **argv)
{
	(void)argc;
	flags = (volatile int *)map_shared(PAGE);
	parent_writes();
	child_writes();
	segments();
	parent_unmaps();
	child_mprotects();
	generations();
	repeated_forks();
	kernel_writes(self_exe(argv[0]));
	protections_inherited();
	large_region();
	return 0;
}
