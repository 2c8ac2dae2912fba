/* vmsnap: a snapshot of two processes' virtual memory, for pictures
 * (tools/vmview draws it; CS:APP 9.2-9.8 in one image).
 *
 *   vmsnap    fork a child that shares 32 pages copy-on-write, let each side
 *             write 8 of them (copies), then print, for both processes, the
 *             areas (/proc/PID/maps), the resident pages and their frames
 *             (/proc/PID/pagemap), then physical memory (/proc/frames) and
 *             the recent faults (/proc/faultlog).
 *
 * The output is sections `@name ARGS` followed by their lines, ending with
 * `@end`; tools/vmview reads it (tools/vmview --run does everything).
 */
#include <fcntl.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sched.h>
#include <sys/mman.h>
#include <sys/wait.h>
#include <unistd.h>

enum { PAGES = 32, PAGE = 4096, WRITES = 8 };

static void cat(const char *section, const char *path)
{
	static char buf[1 << 16];
	int fd = open(path, O_RDONLY);
	ssize_t n;
	printf("@%s\n", section);
	if (fd < 0)
		return;
	fflush(stdout);
	while ((n = read(fd, buf, sizeof buf)) > 0)
		fwrite(buf, 1, n, stdout);
	close(fd);
}

/* Every present page of every area of pid: "VA PFN FLAGS" (pagemap bits). */
static void dump_pagemap(int pid)
{
	char path[64], line[256];
	snprintf(path, sizeof path, "/proc/%d/maps", pid);
	FILE *maps = fopen(path, "r");
	snprintf(path, sizeof path, "/proc/%d/pagemap", pid);
	int pm = open(path, O_RDONLY);
	printf("@pagemap %d\n", pid);
	if (!maps || pm < 0)
		goto out;
	while (fgets(line, sizeof line, maps)) {
		unsigned long lo, hi;
		if (sscanf(line, "%lx-%lx", &lo, &hi) != 2)
			continue;
		for (unsigned long va = lo; va < hi; va += PAGE) {
			uint64_t e;
			if (pread(pm, &e, 8, (off_t)(va / PAGE) * 8) != 8 || !(e >> 63))
				continue;
			printf("%lx %llx %llx\n", va, (unsigned long long)(e & ((1ull << 55) - 1)),
			       (unsigned long long)(e >> 55));
		}
	}
out:
	if (maps)
		fclose(maps);
	if (pm >= 0)
		close(pm);
}

static void dump_process(int pid, const char *role)
{
	char path[64];
	printf("@process %d %s\n", pid, role);
	snprintf(path, sizeof path, "/proc/%d/maps", pid);
	cat("maps", path);
	dump_pagemap(pid);
}

int main(void)
{
	char *buf = mmap(NULL, PAGES * PAGE, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	volatile int *flag = mmap(NULL, PAGE, PROT_READ | PROT_WRITE, MAP_SHARED | MAP_ANONYMOUS, -1, 0);
	if (buf == MAP_FAILED || flag == MAP_FAILED)
		return 1;
	memset(buf, 'p', PAGES * PAGE);   /* 32 private pages, all resident */
	flag[0] = flag[1] = 0;
	fflush(stdout);
	pid_t child = fork();
	if (child == 0) {
		for (int i = 0; i < WRITES; i++)
			buf[i * PAGE] = 'c';   /* copy-on-write: the child gets its own copies */
		flag[0] = 1;
		while (!flag[1])
			sched_yield();
		_exit(0);
	}
	while (!flag[0])
		sched_yield();
	for (int i = PAGES - WRITES; i < PAGES; i++)
		buf[i * PAGE] = 'P';   /* the parent copies the last 8 */
	printf("@vmsnap 1 region %lx pages %d\n", (unsigned long)buf, PAGES);
	dump_process(getpid(), "parent");
	dump_process(child, "child");
	cat("frames", "/proc/frames");
	cat("faultlog", "/proc/faultlog");
	printf("@end\n");
	fflush(stdout);
	flag[1] = 1;
	waitpid(child, NULL, 0);
	return 0;
}
