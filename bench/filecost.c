/* filecost DIR: what file-backed memory costs, in guest instructions.
 *
 * Run under QEMU with `-icount shift=0` (rdtsc then counts retired guest
 * instructions), with DIR on the file system to measure; DIR/cold.bin must
 * be a file of at least 16 MiB that nothing has read since boot (made on the
 * host, so its pages come from the disk):
 *
 *   cached_file_fault   first read of a MAP_SHARED page already in the page cache
 *   disk_read_fault     first read of a MAP_SHARED page of cold.bin (read from disk)
 *   demand_zero_fault   first write to an anonymous page (for comparison)
 *   msync_1000_dirty    msync(MS_SYNC) of 1,000 pages dirtied through a MAP_SHARED mapping
 *   read_cached_1mib    read() of a 1 MiB file whose pages are all cached
 *
 * Fault figures are medians of N samples minus the same access to a present
 * page; the other two are one operation each, the median of 5 runs.
 */
#include <fcntl.h>
#include <stdio.h>
#include "icount.h"
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

/* Faults touch one page in every STRIDE: Linux maps the cached neighbours
 * of a faulting page (fault-around, 64 KiB), which would hide the cost of
 * a fault behind pages that take none. */
enum { N = 256, PAGE = 4096, STRIDE = 16, SPAN = N * STRIDE * PAGE, MIB = 1 << 20, DIRTY = 1000 };

static char dir[200];

static void die(const char *what)
{
	perror(what);
	exit(1);
}

static const char *path(const char *name)
{
	static char buf[256];
	snprintf(buf, sizeof(buf), "%s/%s", dir, name);
	return buf;
}

/* Median cost of one read (or write) of every STRIDE-th page, N of them. */
static unsigned long long touch_cost(volatile char *p, int write)
{
	static unsigned long long t[N];
	for (int i = 0; i < N; i++) {
		long off = (long)i * STRIDE * PAGE;
		unsigned long long t0 = rdtsc();
		if (write)
			p[off] = 1;
		else
			(void)p[off];
		t[i] = rdtsc() - t0;
	}
	return median(t, N);
}

/* A file of `bytes`, written with write() so its pages are in the cache. */
static int make_file(const char *name, long bytes)
{
	static char buf[64 * 1024];
	memset(buf, 'x', sizeof(buf));
	int fd = open(path(name), O_CREAT | O_RDWR | O_TRUNC, 0644);
	if (fd < 0)
		die("open");
	for (long off = 0; off < bytes; off += sizeof(buf))
		if (write(fd, buf, sizeof(buf)) != sizeof(buf))
			die("write");
	return fd;
}

static char *map_file(int fd, long bytes, int prot)
{
	char *p = mmap(NULL, bytes, prot, MAP_SHARED, fd, 0);
	if (p == MAP_FAILED)
		die("mmap");
	return p;
}

static void faults(void)
{
	int fd = make_file("cached.bin", SPAN);
	char *p = map_file(fd, SPAN, PROT_READ);
	unsigned long long cached = touch_cost(p, 0), present = touch_cost(p, 0);
	printf("filecost: cached_file_fault=%llu\n", cached - present);
	printf("filecost: present_read=%llu\n", present);
	int cold = open(path("cold.bin"), O_RDONLY);
	if (cold < 0)
		die("cold.bin");
	char *c = map_file(cold, SPAN, PROT_READ);
	madvise(c, SPAN, MADV_RANDOM);   /* Linux: no readahead, one page per fault */
	printf("filecost: disk_read_fault=%llu\n", touch_cost(c, 0) - present);
	char *a = mmap(NULL, SPAN, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	unsigned long long zero = touch_cost(a, 1), written = touch_cost(a, 1);
	printf("filecost: demand_zero_fault=%llu\n", zero - written);
	close(fd);
	close(cold);
}

static void msync_dirty(void)
{
	unsigned long long t[5];
	int fd = make_file("dirty.bin", (long)DIRTY * PAGE);
	char *p = map_file(fd, (long)DIRTY * PAGE, PROT_READ | PROT_WRITE);
	msync(p, (long)DIRTY * PAGE, MS_SYNC);
	for (int run = 0; run < 5; run++) {
		for (long i = 0; i < DIRTY; i++)
			p[i * PAGE] = (char)run;
		unsigned long long t0 = rdtsc();
		if (msync(p, (long)DIRTY * PAGE, MS_SYNC))
			die("msync");
		t[run] = rdtsc() - t0;
	}
	printf("filecost: msync_1000_dirty=%llu\n", median(t, 5));
	close(fd);
}

static void read_cached(void)
{
	static char buf[MIB];
	unsigned long long t[5];
	int fd = make_file("read.bin", MIB);
	pread(fd, buf, MIB, 0);
	for (int run = 0; run < 5; run++) {
		unsigned long long t0 = rdtsc();
		if (pread(fd, buf, MIB, 0) != MIB)
			die("pread");
		t[run] = rdtsc() - t0;
	}
	printf("filecost: read_cached_1mib=%llu\n", median(t, 5));
	close(fd);
}

int main(int argc, char **argv)
{
	snprintf(dir, sizeof(dir), "%s", argc > 1 ? argv[1] : "/mnt");
	faults();
	msync_dirty();
	read_cached();
	return 0;
}
