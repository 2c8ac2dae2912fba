/* softdirty: Linux's soft-dirty rules (Documentation/admin-guide/mm/
 * soft-dirty.rst), checked two ways. The "NAME: yes|no" lines are explicit
 * expectations (each must say yes); the "bits NAME: 0101..." lines are what
 * bit 55 of pagemap says of each page of a small area after each step
 * (fork, mremap, MADV_DONTNEED, MAP_FIXED over a page), with no expectation
 * written here: the test suite (tests/run.py, suite pagoda) runs this
 * program inside Pagoda and on Debian's Linux 6.1 under the same QEMU, and
 * the two outputs must be equal line for line. The build host's kernel
 * (6.18) is built without CONFIG_MEM_SOFT_DIRTY: it accepts "4" but never
 * sets bit 55, so there this prints "soft_dirty_tracked: no" and stops. */
#define _GNU_SOURCE
#include <fcntl.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

enum { PAGE = 4096 };
static int pm;

static int soft_dirty(const void *p)
{
	uint64_t e = 0;
	lseek(pm, (off_t)((uintptr_t)p / PAGE * 8), SEEK_SET);
	if (read(pm, &e, 8) != 8)
		return -1;
	return (int)(e >> 55 & 1);
}

static void clear_refs(void)
{
	int fd = open("/proc/self/clear_refs", O_WRONLY);
	if (fd < 0 || write(fd, "4", 1) != 1)
		printf("clear_refs_write: no\n");
	close(fd);
}

static void expect(const char *name, int ok)
{
	printf("%s: %s\n", name, ok ? "yes" : "no");
}

/* One line: the soft-dirty bit of each of n pages from p, '0' or '1'. */
static void bits(const char *name, const char *p, int n)
{
	char line[32];
	for (int i = 0; i < n; i++)
		line[i] = (char)('0' + soft_dirty(p + (size_t)i * PAGE));
	line[n] = '\0';
	printf("bits %s: %s\n", name, line);
}

static char *map(size_t pages, int flags)
{
	void *p = mmap(NULL, pages * PAGE, PROT_READ | PROT_WRITE, flags | MAP_ANONYMOUS, -1, 0);
	return p == MAP_FAILED ? NULL : p;
}

/* After fork, in the child: its own pagemap, before and after a write. */
static int child_bits(char *p)
{
	close(pm);
	pm = open("/proc/self/pagemap", O_RDONLY);
	bits("child_after_fork", p, 8);
	p[2 * PAGE] = 9;
	bits("child_after_write", p, 8);
	return 0;
}

/* Steps whose outcome only Linux says: printed, compared by the suite. */
static int differential(char *p)
{
	clear_refs();
	bits("after_clear", p, 8);
	p[0] = 4;
	pid_t pid = fork();
	if (pid == 0)
		_exit(child_bits(p));
	int status;
	waitpid(pid, &status, 0);
	bits("parent_after_fork", p, 8);
	p[PAGE] = 4;
	bits("parent_after_write", p, 8);
	clear_refs();
	madvise(p + 4 * PAGE, PAGE, MADV_DONTNEED);
	bits("after_dontneed", p, 8);
	(void)*(volatile char *)(p + 4 * PAGE);
	bits("after_dontneed_read", p, 8);
	mmap(p + 5 * PAGE, PAGE, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS | MAP_FIXED, -1, 0);
	bits("after_map_fixed", p, 8);
	p[6 * PAGE] = 6;
	clear_refs();
	char *m = mremap(p + 6 * PAGE, PAGE, PAGE, MREMAP_MAYMOVE | MREMAP_FIXED, p + 7 * PAGE);
	bits("after_mremap", p, 8);
	expect("mremap_moved", m == p + 7 * PAGE && p[7 * PAGE] == 6 && WIFEXITED(status) && WEXITSTATUS(status) == 0);
	return 0;
}

int main(void)
{
	setvbuf(stdout, NULL, _IONBF, 0);   /* no buffer allocated between the checks */
	pm = open("/proc/self/pagemap", O_RDONLY);
	char *p = map(8, MAP_PRIVATE), *s = map(1, MAP_SHARED);
	if (pm < 0 || !p || !s)
		return 1;
	p[0] = 1;
	clear_refs();
	p[PAGE] = 1;
	if (soft_dirty(p + PAGE) != 1) {
		printf("soft_dirty_tracked: no\n");
		return 0;
	}
	expect("clean_after_clear", soft_dirty(p) == 0);
	expect("untouched_after_clear_clean", soft_dirty(p + 2 * PAGE) == 0);
	(void)*(volatile char *)p;
	expect("read_keeps_clean", soft_dirty(p) == 0);
	p[0] = 2;
	expect("write_sets", soft_dirty(p) == 1 && p[0] == 2);
	(void)*(volatile char *)(p + 3 * PAGE);
	expect("first_touch_by_read_clean", soft_dirty(p + 3 * PAGE) == 0);
	p[3 * PAGE] = 5;
	expect("then_write_sets", soft_dirty(p + 3 * PAGE) == 1 && p[3 * PAGE] == 5);
	p[4 * PAGE + 100] = 7;
	expect("first_touch_by_write_sets", soft_dirty(p + 4 * PAGE) == 1);
	clear_refs();
	expect("second_clear_cleans", soft_dirty(p) == 0 && soft_dirty(p + 4 * PAGE) == 0);
	mprotect(p, PAGE, PROT_READ);
	mprotect(p, PAGE, PROT_READ | PROT_WRITE);
	expect("mprotect_keeps_clean", soft_dirty(p) == 0);
	p[0] = 3;
	expect("write_after_mprotect_sets", soft_dirty(p) == 1 && p[0] == 3);
	s[0] = 1;
	clear_refs();
	expect("shared_clean", soft_dirty(s) == 0);
	s[0] = 2;
	expect("shared_write_sets", soft_dirty(s) == 1 && s[0] == 2);
	char *q = map(2, MAP_PRIVATE);
	expect("new_area_reads_dirty", soft_dirty(q) == 1 && soft_dirty(q + PAGE) == 1);
	uintptr_t brk0 = (uintptr_t)syscall(SYS_brk, 0);
	uintptr_t top = (uintptr_t)syscall(SYS_brk, brk0 + 2 * PAGE);
	expect("grown_heap_reads_dirty", top == brk0 + 2 * PAGE && soft_dirty((char *)top - 1) == 1);
	expect("data_intact", p[PAGE] == 1 && p[4 * PAGE + 100] == 7);
	return differential(p);
}
