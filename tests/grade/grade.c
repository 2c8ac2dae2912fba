/* grade: run graded test cases inside Pagoda, each in a child of its own.
 *
 *   grade LAB/CASE...     run each case; exit 0 iff every one passed
 *   grade --list          every case name
 *
 * Output, per case (tools/grade reads it):
 *   @@ case NAME
 *   ...the case's own lines ("expected X, seen Y" on failure)...
 *   @@ result NAME pass|fail
 * A case also fails when its child dies by a signal or when the frames it
 * used are not all free again once it has been reaped (user and page-table
 * frames: the kernel's own caches may keep what they grew).
 */
#include "grade.h"

#include <fcntl.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <unistd.h>

static const struct grade_case *tables[32];
static size_t ntables;

void grade_register(const struct grade_case *table)
{
	if (ntables < sizeof tables / sizeof tables[0])
		tables[ntables++] = table;
}

/* ---- reading the kernel's counters ---- */

static ssize_t read_file(const char *path, char *buf, size_t size)
{
	int fd = open(path, O_RDONLY);
	if (fd < 0)
		return -1;
	size_t n = 0;
	ssize_t k;
	while (n + 1 < size && (k = read(fd, buf + n, size - 1 - n)) > 0)
		n += (size_t)k;
	close(fd);
	buf[n] = 0;
	return (ssize_t)n;
}

static long field(const char *path, const char *name)
{
	static char buf[16384];
	if (read_file(path, buf, sizeof buf) < 0)
		return -1;
	for (char *p = buf; (p = strstr(p, name)); p++)
		if ((p == buf || p[-1] == '\n') && (p[strlen(name)] == ' ' || p[strlen(name)] == ':'))
			return strtol(p + strlen(name) + 1, NULL, 10);
	return -1;
}

long vmstat(const char *name) { return field("/proc/vmstat", name); }
long free_frames(void) { return vmstat("pagoda_free_frames"); }

long user_frames(void)
{
	long cache = field("/proc/vmstat", "pagoda_pagecache_frames");
	return field("/proc/vmstat", "pagoda_user_frames") + field("/proc/vmstat", "pagoda_pagetable_frames") -
	       (cache > 0 ? cache : 0);
}
long pagetable_pages(void) { return field("/proc/meminfo", "PageTables") / 4; }

long minflt(void)
{
	struct rusage ru;
	getrusage(RUSAGE_SELF, &ru);
	return ru.ru_minflt;
}

static char *proc_path(char *buf, pid_t pid, const char *what)
{
	if (pid)
		snprintf(buf, 64, "/proc/%d/%s", (int)pid, what);
	else
		snprintf(buf, 64, "/proc/self/%s", what);
	return buf;
}

long rss_pages(pid_t pid, uintptr_t addr)
{
	static char buf[65536];
	char path[64];
	if (read_file(proc_path(path, pid, "smaps"), buf, sizeof buf) < 0)
		return -1;
	for (char *line = buf; line && *line; line = strchr(line, '\n') ? strchr(line, '\n') + 1 : NULL) {
		unsigned long lo, hi;
		if (sscanf(line, "%lx-%lx ", &lo, &hi) == 2 && lo <= addr && addr < hi) {
			char *rss = strstr(line, "Rss:");
			return rss ? strtol(rss + 4, NULL, 10) / 4 : -1;
		}
	}
	return -1;
}

static int for_maps(uintptr_t lo, uintptr_t hi, uintptr_t at, char perms[5])
{
	static char buf[16384];
	int n = 0, found = -1;
	if (read_file("/proc/self/maps", buf, sizeof buf) < 0)
		return -1;
	for (char *line = buf; line && *line; line = strchr(line, '\n') ? strchr(line, '\n') + 1 : NULL) {
		unsigned long a, b;
		char p[5];
		if (sscanf(line, "%lx-%lx %4s", &a, &b, p) != 3)
			continue;
		n += a < hi && b > lo;
		if (perms && a <= at && at < b) {
			memcpy(perms, p, 5);
			found = 0;
		}
	}
	return perms ? found : n;
}

int area_count(uintptr_t lo, uintptr_t hi) { return for_maps(lo, hi, 0, NULL); }
int area_perms(uintptr_t addr, char perms[5]) { return for_maps(0, 0, addr, perms); }

static char *pagetable_text(pid_t pid)
{
	static char buf[65536];
	char path[64];
	return read_file(proc_path(path, pid, "pagetable"), buf, sizeof buf) < 0 ? NULL : buf;
}

int pt_entry(pid_t pid, uintptr_t va, uintptr_t *pa, char flags[8])
{
	char *text = pagetable_text(pid);
	for (char *line = text; line && *line; line = strchr(line, '\n') ? strchr(line, '\n') + 1 : NULL) {
		unsigned long v, p;
		char size[4], f[8];
		if (sscanf(line, "%lx %lx %3s %7s", &v, &p, size, f) != 4)
			continue;
		unsigned long len = size[0] == '4' ? 4096ul : size[0] == '2' ? 2ul << 20 : 1ul << 30;
		if (v <= va && va < v + len) {
			*pa = p + (va - v);
			memcpy(flags, f, 8);
			return 0;
		}
	}
	return -1;
}

/* The frame the kernel itself maps at va (/proc/PID/pagemap, read through
 * mm/pagemap.c and the kernel's own walker, not the lab's): 0 when absent. */
uintptr_t pagemap_frame(pid_t pid, uintptr_t va)
{
	char path[64];
	uint64_t e = 0;
	int fd = open(proc_path(path, pid, "pagemap"), O_RDONLY);
	if (fd < 0)
		return 0;
	ssize_t n = pread(fd, &e, sizeof e, (off_t)(va / 4096 * 8));
	close(fd);
	if (n != (ssize_t)sizeof e || !(e >> 63))
		return 0;
	return (uintptr_t)(e & ((1ull << 55) - 1)) * 4096;
}

int pt_lines(pid_t pid, uintptr_t lo, uintptr_t hi)
{
	char *text = pagetable_text(pid);
	int n = 0;
	for (char *line = text; line && *line; line = strchr(line, '\n') ? strchr(line, '\n') + 1 : NULL) {
		unsigned long v;
		if (sscanf(line, "%lx ", &v) == 1 && v >= lo && v < hi)
			n++;
	}
	return n;
}

void *map_anon(size_t len)
{
	void *p = mmap(NULL, len, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	if (p == MAP_FAILED) {
		printf("expected mmap of %zu bytes to succeed, seen MAP_FAILED\n", len);
		exit(1);
	}
	return p;
}

void touch_pages(char *p, size_t pages, char value)
{
	for (size_t i = 0; i < pages; i++)
		((volatile char *)p)[i * PAGE] = value;
}

static int decode(int status)
{
	return WIFSIGNALED(status) ? 128 + WTERMSIG(status) : WEXITSTATUS(status);
}

int in_child(int (*fn)(void *), void *arg)
{
	fflush(stdout);
	pid_t pid = fork();
	if (pid == 0)
		_exit(fn(arg));
	int status = 0;
	waitpid(pid, &status, 0);
	return decode(status);
}

int run_program(char *const argv[], char *const env[])
{
	static char *const none[] = { NULL };
	fflush(stdout);
	pid_t pid = fork();
	if (pid == 0) {
		execve(argv[0], argv, env ? env : none);
		printf("expected to run %s, seen execve fail\n", argv[0]);
		_exit(127);
	}
	int status = 0;
	waitpid(pid, &status, 0);
	return decode(status);
}

/* ---- running cases ---- */

static const struct grade_case *find(const char *name)
{
	for (size_t t = 0; t < ntables; t++)
		for (const struct grade_case *c = tables[t]; c->name; c++)
			if (!strcmp(c->name, name))
				return c;
	return NULL;
}

static int run_case(const struct grade_case *c)
{
	printf("@@ case %s\n", c->name);
	fflush(stdout);
	long before = user_frames();
	pid_t pid = fork();
	if (pid == 0)
		_exit(c->run() ? 1 : 0);
	int status = 0;
	waitpid(pid, &status, 0);
	long after = user_frames();
	int ok = WIFEXITED(status) && WEXITSTATUS(status) == 0;
	if (WIFSIGNALED(status))
		printf("expected the case to finish, seen it killed by signal %d\n", WTERMSIG(status));
	if (ok && after > before) {   /* fewer after: the others' idle pages went to swap */
		printf("expected every frame back after the case, seen %ld frames in use before and %ld after\n",
		       before, after);
		ok = 0;
	}
	printf("@@ result %s %s\n", c->name, ok ? "pass" : "fail");
	fflush(stdout);
	return ok;
}

/* Fault in the program's text and read-only data, and run the case
 * machinery once, so that the cases' children inherit them present: a
 * case's counts are then the mechanism's alone, not this program's first
 * touches of its own code. */
extern char __executable_start[], etext[];

static int nothing(void) { return 0; }

static void warm_up(void)
{
	static volatile char sink __attribute__((used));
	for (char *p = __executable_start; p < etext; p += PAGE)
		sink = *p;
	long before = user_frames();
	pid_t pid = fork();
	if (pid == 0)
		_exit(nothing());
	int status = 0;
	waitpid(pid, &status, 0);
	sink = (char)(before + WIFEXITED(status) + minflt() + free_frames() + pagetable_pages());
}

int main(int argc, char **argv)
{
	int failed = 0;
	warm_up();
	if (argc == 2 && !strcmp(argv[1], "--list")) {
		for (size_t t = 0; t < ntables; t++)
			for (const struct grade_case *c = tables[t]; c->name; c++)
				printf("%s\n", c->name);
		return 0;
	}
	for (int i = 1; i < argc; i++) {
		const struct grade_case *c = find(argv[i]);
		if (!c) {
			printf("@@ case %s\nexpected a known case, seen none named so\n@@ result %s fail\n", argv[i], argv[i]);
			failed++;
			continue;
		}
		failed += !run_case(c);
	}
	return failed ? 1 : 0;
}
