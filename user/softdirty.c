/* softdirty: Linux's soft-dirty rules (Documentation/admin-guide/mm/
 * soft-dirty.rst), checked with explicit expectations: every line must end
 * in "yes". Not a differential test, because a Linux kernel built without
 * CONFIG_MEM_SOFT_DIRTY (the build host's, 6.18) accepts "4" but never sets
 * bit 55; on such a kernel this prints "soft_dirty_tracked: no" and stops.
 * The test suite runs it inside Pagoda (tests/run.py, suite pagoda). */
#include <fcntl.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/syscall.h>
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

static char *map(size_t pages, int flags)
{
	void *p = mmap(NULL, pages * PAGE, PROT_READ | PROT_WRITE, flags | MAP_ANONYMOUS, -1, 0);
	return p == MAP_FAILED ? NULL : p;
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
	return 0;
}
