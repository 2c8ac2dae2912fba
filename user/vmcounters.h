/* vmcounters.h: reading the kernel's VM counters and saying what they mean.
 *
 * One place for the meaning of every counter in /proc/vmstat (system-wide)
 * and /proc/self/vmstat (one process's own), used by `vmstat` and the demos.
 * A snapshot is the file's "name value" lines; a delta prints each counter
 * that changed with one sentence naming the CS:APP idea behind it.
 */
#ifndef PAGODA_VMCOUNTERS_H
#define PAGODA_VMCOUNTERS_H

#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

enum { VMC_MAX = 64, VMC_NAME = 40 };

struct vm_snapshot {
	int n;
	char name[VMC_MAX][VMC_NAME];
	long value[VMC_MAX];
};

/* name (without the pagoda_ prefix), then a sentence; %ld is the change. */
static const char *const vm_meanings[][2] = {
	{ "pgfault", "page faults taken: %ld (CS:APP 9.3.4; each one entered the kernel's fault handler)" },
	{ "pgmajfault", "major faults: %ld pages had to be read from disk (CS:APP 9.3.4)" },
	{ "demand_zero", "%ld first touch(es) of anonymous memory got a zero-filled frame (demand-zero pages, CS:APP 9.8)" },
	{ "file_fills", "%ld file page(s) mapped on first touch from the page cache (ELF segments and file mmap, CS:APP 9.8)" },
	{ "shared_fills", "%ld page(s) of shared anonymous memory found or created (MAP_SHARED, CS:APP 9.8)" },
	{ "cow_copies", "%ld page(s) copied because a write hit a page shared since fork (copy-on-write, CS:APP 9.8.2)" },
	{ "cow_reuses", "%ld copy-on-write page(s) no longer shared: a write just made them writable again (no copy)" },
	{ "stack_grows", "%ld faults just below the stack grew the stack area (CS:APP 9.7.2)" },
	{ "segv", "%ld faults ended in SIGSEGV: no area, or an area that forbids the access (CS:APP 9.5)" },
	{ "pgfree", "%ld frame(s) freed by munmap, brk and exit" },
	{ "thp_fault_alloc", "%ld fault(s) mapped a whole 2 MiB page (one PD entry, CS:APP 9.7.1) instead of 4 KiB" },
	{ "thp_fault_fallback", "%ld fault(s) wanted a 2 MiB page but found no free aligned 2 MiB: 4 KiB instead" },
	{ "thp_split_pmd", "%ld 2 MiB page(s) split into 512 4 KiB entries (partial munmap/mprotect, fork, reclaim)" },
	{ "free_frames", "free physical frames changed by %ld (4 KiB each)" },
	{ "nr_file_pages", "pages in the page cache changed by %ld (file pages: every read, write and mapping uses them)" },
	{ "nr_dirty", "dirty page-cache pages (newer than the file's store) changed by %ld" },
	{ "pgpgin", "%ld KiB read into the page cache from files" },
	{ "pgpgout", "%ld KiB written back from the page cache to files" },
	{ "pagecache_hits", "%ld page-cache lookup(s) found the page already cached (no read)" },
	{ "pagecache_misses", "%ld page-cache lookup(s) had to read the page or make a zero one" },
	{ "pages_read", "%ld page(s) read from files into the page cache" },
	{ "pages_written", "%ld dirty page(s) written back to their files (msync, fsync, sync, munmap, the flusher)" },
	{ "pagecache_dropped", "%ld clean cached page(s) given back under memory pressure" },
};

static inline const char *vm_short_name(const char *name)
{
	return strncmp(name, "pagoda_", 7) ? name : name + 7;
}

static inline const char *vm_meaning(const char *name)
{
	for (size_t i = 0; i < sizeof vm_meanings / sizeof vm_meanings[0]; i++)
		if (!strcmp(vm_meanings[i][0], vm_short_name(name)))
			return vm_meanings[i][1];
	return NULL;
}

/* 0, or -1 if the file cannot be read. */
static inline int vm_snapshot_read(const char *path, struct vm_snapshot *s)
{
	static char buf[8192];
	int fd = open(path, O_RDONLY);
	ssize_t len = 0, n;
	if (fd < 0)
		return -1;
	while (len < (ssize_t)sizeof buf - 1 && (n = read(fd, buf + len, sizeof buf - 1 - len)) > 0)
		len += n;
	close(fd);
	buf[len] = 0;
	s->n = 0;
	for (char *line = strtok(buf, "\n"); line && s->n < VMC_MAX; line = strtok(NULL, "\n")) {
		char *sp = strchr(line, ' ');
		if (!sp || sp - line >= VMC_NAME)
			continue;
		*sp = 0;
		strcpy(s->name[s->n], line);
		s->value[s->n++] = strtol(sp + 1, NULL, 10);
	}
	return 0;
}

/* Each counter that changed from a to b, with its meaning. Returns how many. */
static inline int vm_snapshot_print_delta(const struct vm_snapshot *a, const struct vm_snapshot *b)
{
	int shown = 0;
	for (int i = 0; i < b->n; i++) {
		long before = 0;
		for (int j = 0; j < a->n; j++)
			if (!strcmp(a->name[j], b->name[i]))
				before = a->value[j];
		long d = b->value[i] - before;
		if (!d)
			continue;
		const char *m = vm_meaning(b->name[i]);
		printf("  %-13s %+6ld  ", vm_short_name(b->name[i]), d);
		if (m)
			printf(m, d);
		printf("\n");
		shown++;
	}
	return shown;
}

/* The calling process's own counters (Pagoda's /proc/self/vmstat). */
static inline int vm_snapshot_self(struct vm_snapshot *s)
{
	return vm_snapshot_read("/proc/self/vmstat", s);
}

/* The number after key in the first line that starts with key at or after
 * the first line that starts with `from`, in a /proc file of "Key: value"
 * lines, or -1. from "" reads the whole file (meminfo, PID/status, vmstat);
 * in smaps, an area's "start-" header (smaps_field). */
static inline long proc_field_after(const char *path, const char *from, const char *key)
{
	char line[256];
	long v = -1;
	int in = 0;
	FILE *f = fopen(path, "r");
	while (f && v < 0 && fgets(line, sizeof line, f)) {
		in = in || !strncmp(line, from, strlen(from));
		if (in && !strncmp(line, key, strlen(key)))
			v = atol(line + strlen(key));
	}
	if (f)
		fclose(f);
	return v;
}

/* The number after key ("MemFree:", "WsPages:") in a /proc file of
 * "Key: value" lines (meminfo, PID/status), or -1 if it is not there. */
static inline long proc_field(const char *path, const char *key)
{
	return proc_field_after(path, "", key);
}

/* Field key ("AnonHugePages:", in kB) of the /proc/self/smaps area that
 * starts at p, or -1. */
static inline long smaps_field(const void *p, const char *key)
{
	char start[32];
	snprintf(start, sizeof start, "%08lx-", (unsigned long)p);
	return proc_field_after("/proc/self/smaps", start, key);
}

#endif
