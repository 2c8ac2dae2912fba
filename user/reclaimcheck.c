/* reclaimcheck: what page reclaim does, checked by states and counts (never
 * by time), on Pagoda only (it reads Pagoda's /proc/vmstat lines and needs a
 * swap disk at --mem 48M: the swap suite runs it as init).
 *
 *   kswapd      after free frames fell under the low watermark and this
 *               process yielded the CPU, kswapd has run (pageoutrun) and
 *               scanned and stolen pages itself (pgscan_kswapd,
 *               pgsteal_kswapd); every byte written is intact
 *   shared      MAP_SHARED | MAP_ANONYMOUS memory mapped in a parent and a
 *               child goes to swap under pressure (mincore: not all resident)
 *               and comes back intact in both; the child's writes reach the
 *               parent; MADV_REMOVE of swapped pages reads zeros after
 *   file        (reclaimcheck file: an ext2 disk is at /mnt) a 24 MiB file
 *               mapped MAP_SHARED and written: under pressure its dirty pages
 *               are written back and dropped (mincore: not all cached), and
 *               come back with every byte; a second round rewrites half of
 *               it; after munmap, read() sees both rounds (the harness then
 *               checks the image: e2fsck clean, the file's bytes)
 *   swapareas   (reclaimcheck file swapctl, or reclaimcheck swapctl for the
 *               last two cases alone) two swap files on ext2 beside the disk:
 *               automatic priorities -2, -3 (the higher used first, the lower
 *               untouched), SWAP_FLAG_PREFER | 5 twice (equal priorities take
 *               turns by 256-slot cluster), swapoff of one area while the
 *               others hold pages (every byte intact), automatic priorities
 *               moving up when one above them goes, as Linux
 *   swapctl     (last: it switches areas) /proc/swaps names the disk;
 *               swapon/swapoff errnos as Linux's (EBUSY, EISDIR, EINVAL,
 *               ENOENT, EFAULT); swapoff of the disk brings everything in;
 *               a file with holes is refused; a swap file on ext2 takes
 *               pages; while it is on, writes and truncation give ETXTBSY,
 *               unlink and rename EPERM (Linux 6.1); swapoff fails with
 *               ENOMEM while they cannot fit in RAM (the area stays),
 *               succeeds once they can, and every byte is intact; the file
 *               takes writes again; the disk comes back on. The holder is
 *               larger than RAM, so pages must reach the file; the check
 *               reads /proc/meminfo, which under pressure once failed (a
 *               16 KiB buffer for the text: procfull)
 *   tmpfs       (reclaimcheck tmpfs [N], a boot of its own, with procfull)
 *               2 tmpfs files of 12 MiB (more than MemTotal; `reclaimcheck tmpfs 8`,
 *               in make test-hostile: 96 MiB, twice --mem) written, read back whole:
 *               their pages went to swap and came back (pagoda_tmpfs_swapped),
 *               st_blocks counts them, a swapped file cut mid-page reads
 *               zeros past the cut, none stays in swap after unlink
 *   procfull    with 64 MiB written at --mem 48M (swap in use), /proc/meminfo,
 *               swaps, vmstat, self/status, self/maps, self/smaps, self/stat
 *               each read whole
 *   mlock       a locked area is never evicted under pressure (mincore: all
 *               resident, every byte intact); mlock of an area whose pages
 *               went to swap brings them all back in
 *   softdirty   pages written after clear_refs ("4") and then evicted read
 *               soft-dirty in /proc/self/pagemap while in swap (bit 62 and
 *               55), as Linux keeps the bit in the swap entry; after the
 *               next clear_refs they read clean, and the one written then
 *               (brought back by the write) reads soft-dirty again
 *
 * One line per case, "reclaimcheck: CASE ok" or "reclaimcheck: CASE FAIL
 * (why)", then "reclaimcheck: done N failed". Each case runs in a child,
 * so the kernel audits frames and swap slots at every reap (debug_vm).
 */
#include <fcntl.h>
#include <sys/resource.h>
#include <sys/swap.h>
#include <sys/utsname.h>

#include "testlib.h"
#include "pattern.h"
#include "vmcounters.h"

enum { PRESSURE_MIB = 64, LOCKED_MIB = 4, SHARED_MIB = 16, FILE_MIB = 24, SPARE_PAGES = 256, TRIES = 64,
       SWAPFILE_MIB = 32, HELD_MIB = 40, KEPT_MIB = 16 };

static int failed;

static void verdict(const char *name, const char *why)
{
	if (why)
		failed++;
	printf("reclaimcheck: %s %s%s%s\n", name, why ? "FAIL (" : "ok", why ? why : "", why ? ")" : "");
	fflush(stdout);
}

/* A /proc/vmstat counter by name; -1 if absent. */
static long vmstat(const char *name)
{
	char line[128];
	long v = -1;
	size_t n = strlen(name);
	FILE *f = fopen("/proc/vmstat", "r");

	while (f && fgets(line, sizeof line, f))
		if (!strncmp(line, name, n) && line[n] == ' ')
			v = atol(line + n + 1);
	if (f)
		fclose(f);
	return v;
}

static size_t pages_of(size_t mib)
{
	return mib * MIB / PAGE;
}

/* pressure: write and check a private area of PRESSURE_MIB; wrong words. */
static size_t pressure(uint64_t tag)
{
	char *q = map_anon(pages_of(PRESSURE_MIB) * PAGE, PROT_READ | PROT_WRITE);
	size_t bad;

	pattern_fill_pages(q, 0, pages_of(PRESSURE_MIB), tag);
	bad = pattern_check_pages(q, 0, pages_of(PRESSURE_MIB), tag);
	sys_munmap((uintptr_t)q, pages_of(PRESSURE_MIB) * PAGE);
	return bad;
}

/* How many pages of [p, p + pages) mincore says are resident. */
static size_t resident(char *p, size_t pages)
{
	static unsigned char vec[4096];
	size_t n = 0;

	if (pages > sizeof vec || mincore(p, pages * PAGE, vec))
		return 0;
	for (size_t i = 0; i < pages; i++)
		n += vec[i] & 1;
	return n;
}

/* ---- kswapd ---- */

static int kswapd_case(void *unused)
{
	long runs = vmstat("pageoutrun"), scans = vmstat("pgscan_kswapd");
	char *spare = map_anon(TRIES * SPARE_PAGES * PAGE, PROT_READ | PROT_WRITE);
	char *q = map_anon(pages_of(PRESSURE_MIB) * PAGE, PROT_READ | PROT_WRITE);

	(void)unused;
	if (runs < 0 || scans < 0)
		return 1;
	pattern_fill_pages(q, 0, pages_of(PRESSURE_MIB), 11);
	/* Free frames are under the low watermark at most SPARE_PAGES touches
	 * after kswapd last balanced (high - low < SPARE_PAGES at 48M); each
	 * syscall's end wakes it then, and sched_yield lets it run. */
	for (int i = 0; i < TRIES && (vmstat("pageoutrun") == runs || vmstat("pgscan_kswapd") == scans); i++) {
		pattern_fill_pages(spare, (size_t)i * SPARE_PAGES, SPARE_PAGES, 12);
		sched_yield();
	}
	if (vmstat("pageoutrun") == runs)
		return 2;
	if (vmstat("pgscan_kswapd") == scans || vmstat("pgsteal_kswapd") <= 0)
		return 3;
	return pattern_check_pages(q, 0, pages_of(PRESSURE_MIB), 11) ? 4 : 0;
}

/* ---- shared anonymous memory ---- */

/* The child: maps every shared page (reading it), waits while the parent
 * pushes them out of both, then reads them back and writes the first half. */
static void shared_child(char *p, size_t pages, int ready, int go)
{
	char c;
	size_t bad = pattern_check_pages(p, 0, pages, 31);

	if (write(ready, "r", 1) != 1 || read(go, &c, 1) != 1)
		_exit(2);
	bad += pattern_check_pages(p, 0, pages, 31);
	pattern_fill_pages(p, 0, pages / 2, 32);
	_exit(bad ? 1 : 0);
}

static int shared_case(void *unused)
{
	size_t pages = pages_of(SHARED_MIB);
	char *p = map_shared(pages * PAGE), c;
	int ready[2], go[2], st;

	(void)unused;
	pattern_fill_pages(p, 0, pages, 31);
	if (pipe(ready) || pipe(go))
		return 1;
	pid_t child = fork_flushed();
	if (child == 0)
		shared_child(p, pages, ready[1], go[0]);
	if (read(ready[0], &c, 1) != 1 || pressure(33))
		return 1;
	if (resident(p, pages) == pages)
		return 2;   /* no shared page went to swap */
	if (write(go[1], "g", 1) != 1 || waitpid(child, &st, 0) != child || !WIFEXITED(st) || WEXITSTATUS(st))
		return 3;
	if (pressure(34))
		return 1;
	if (pattern_check_pages(p, 0, pages / 2, 32) || pattern_check_pages(p, pages / 2, pages - pages / 2, 31))
		return 4;
	if (pressure(35) || madvise(p, pages * PAGE, MADV_REMOVE) || !all_zero(p, pages * PAGE))
		return 5;
	return 0;
}

/* ---- mapped file pages ---- */

static const char file_path[] = "/mnt/reclaimcheck.dat";

/* read() the file back: wrong words against tag `first` for the first half
 * of its pages and `second` for the rest. */
static size_t file_check_read(size_t pages, uint64_t first, uint64_t second)
{
	char *buf = map_anon(pages * PAGE, PROT_READ | PROT_WRITE);
	int fd = open(file_path, O_RDONLY);
	size_t got = 0;
	ssize_t n = 1;

	while (fd >= 0 && got < pages * PAGE && n > 0)
		got += (size_t)(n = read(fd, buf + got, pages * PAGE - got));
	if (fd < 0 || got != pages * PAGE)
		return 1;
	close(fd);
	return pattern_check_pages(buf, 0, pages / 2, first) + pattern_check_pages(buf, pages / 2, pages - pages / 2, second);
}

static int file_case(void *unused)
{
	size_t pages = pages_of(FILE_MIB);
	int fd = open(file_path, O_RDWR | O_CREAT | O_TRUNC, 0644);
	char *p;

	(void)unused;
	if (fd < 0 || ftruncate(fd, (off_t)(pages * PAGE)))
		return 1;
	p = mmap(NULL, pages * PAGE, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
	if (p == MAP_FAILED)
		return 1;
	pattern_fill_pages(p, 0, pages, 41);
	if (pressure(43))
		return 2;
	if (resident(p, pages) == pages)
		return 3;   /* no page of the file left the cache */
	if (pattern_check_pages(p, 0, pages, 41))
		return 4;
	pattern_fill_pages(p, 0, pages / 2, 42);
	if (pressure(44) || pattern_check_pages(p, 0, pages / 2, 42) || pattern_check_pages(p, pages / 2, pages - pages / 2, 41))
		return 4;
	if (munmap(p, pages * PAGE) || close(fd))
		return 1;
	return file_check_read(pages, 42, 41) ? 5 : 0;
}

/* ---- swapon, swapoff, /proc/swaps ---- */

static const char swapfile_path[] = "/mnt/swapfile", holes_path[] = "/mnt/swapholes";

/* The area /proc/swaps lists (its first word on line 2) into name; its type
 * word into type. 0 if only the header is there. */
static int proc_swaps(char *name, char *type)
{
	char line[160];
	int n = 0;
	FILE *f = fopen("/proc/swaps", "r");

	if (!f || !fgets(line, sizeof line, f) || strncmp(line, "Filename\t\t\t\tType\t\tSize", 22))
		n = -1;
	else if (fgets(line, sizeof line, f) && sscanf(line, "%63s %15s", name, type) == 2)
		n = 1;
	if (f)
		fclose(f);
	return n;
}

static long meminfo_kb(const char *key)
{
	return proc_field("/proc/meminfo", key);
}

/* mkswap: a swap file of mib MiB, every block written (no holes), or only
 * its header page (holes after it). */
static int make_swapfile(const char *path, size_t mib, int sparse)
{
	static uint32_t page[PAGE / 4];
	int fd = open(path, O_WRONLY | O_CREAT | O_TRUNC, 0600);
	size_t pages = mib * MIB / PAGE;

	memset(page, 0, sizeof page);
	page[1024 / 4] = 1;                      /* version */
	page[1028 / 4] = (uint32_t)pages - 1;    /* last_page */
	memcpy((char *)page + PAGE - 10, "SWAPSPACE2", 10);
	if (fd < 0 || write(fd, page, PAGE) != PAGE)
		return -1;
	memset(page, 0, sizeof page);
	for (size_t i = 1; i < pages && !sparse; i++)
		if (write(fd, page, PAGE) != PAGE)
			return -1;
	if (sparse && ftruncate(fd, (off_t)(pages * PAGE)))
		return -1;
	return fsync(fd) || close(fd) ? -1 : 0;
}

static int errno_of(long rc)
{
	return rc == -1 ? errno : 0;
}

/* Linux's errnos, with the disk dev on: 0 when all are right. */
static int swap_errnos(const char *dev)
{
	if (errno_of(swapon(dev, 0)) != EBUSY || errno_of(swapon("/mnt", 0)) != EISDIR)
		return 1;
	if (errno_of(swapoff("/nonexistent")) != ENOENT || errno_of(swapoff("/mnt")) != EISDIR)
		return 1;
	if (errno_of(swapoff((const char *)1)) != EFAULT || errno_of(swapon(dev, 0x80000)) != EINVAL)
		return 1;
	return 0;
}

/* An active swap file, as Linux 6.1 guards it (fstests generic/569; the
 * host cannot run this: swapon there would change the machine's swap): it
 * opens for writing, but write, pwrite, a shrinking ftruncate or truncate,
 * open with O_TRUNC and a shared writable mmap give ETXTBSY (a read-only
 * shared map is fine); unlink and rename give EPERM (may_delete). 0 if so. */
static int swapfile_guarded(const char *path)
{
	char b = 0;
	int fd = open(path, O_RDWR), bad = fd < 0;
	void *ro = MAP_FAILED;

	bad = bad || errno_of(write(fd, &b, 1)) != ETXTBSY || errno_of(pwrite(fd, &b, 1, PAGE)) != ETXTBSY;
	bad = bad || errno_of(ftruncate(fd, PAGE)) != ETXTBSY;
	bad = bad || mmap(NULL, PAGE, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0) != MAP_FAILED || errno != ETXTBSY;
	bad = bad || (ro = mmap(NULL, PAGE, PROT_READ, MAP_SHARED, fd, 0)) == MAP_FAILED;
	if (ro != MAP_FAILED)
		munmap(ro, PAGE);
	if (fd >= 0)
		close(fd);
	bad = bad || errno_of(truncate(path, 0)) != ETXTBSY || errno_of(open(path, O_WRONLY | O_TRUNC)) != ETXTBSY;
	return bad || errno_of(unlink(path)) != EPERM || errno_of(rename(path, "/mnt/renamed")) != EPERM;
}

/* After swapoff the file is an ordinary one again: a write goes in. */
static int swapfile_writable(const char *path)
{
	char b = 0;
	int fd = open(path, O_RDWR);
	int bad = fd < 0 || pwrite(fd, &b, 1, PAGE) != 1;

	if (fd >= 0)
		close(fd);
	return bad;
}

/* The child holding HELD_MIB of pages in the swap file: it lets go of all
 * but KEPT_MIB when told, then checks what it kept once told again. */
static void holder(int ready, int go)
{
	size_t pages = pages_of(HELD_MIB), kept = pages_of(KEPT_MIB);
	char *p = map_anon(pages * PAGE, PROT_READ | PROT_WRITE), c;

	pattern_fill_pages(p, 0, pages, 51);
	if (write(ready, "r", 1) != 1 || read(go, &c, 1) != 1)
		_exit(2);
	munmap(p, (pages - kept) * PAGE);
	if (write(ready, "r", 1) != 1 || read(go, &c, 1) != 1)
		_exit(2);
	_exit(pattern_check_pages(p, pages - kept, kept, 51) ? 1 : 0);
}

/* swapoff of the swap file: ENOMEM while the holder's pages cannot fit in
 * RAM (the area stays), 0 once it kept only KEPT_MIB; its bytes intact. */
static int swapfile_round(void)
{
	int ready[2], go[2], st;
	char c, name[64], type[16];

	if (pipe(ready) || pipe(go))
		return 1;
	pid_t h = fork_flushed();
	if (h == 0)
		holder(ready[1], go[0]);
	if (read(ready[0], &c, 1) != 1) {
		waitpid(h, &st, 0);
		printf("reclaimcheck: holder %s before it was ready\n", status_str(st));
		return 12;
	}
	long swap_free = meminfo_kb("SwapFree:"), swap_total = meminfo_kb("SwapTotal:");
	if (swap_free < 0 || swap_total < 0) {
		printf("reclaimcheck: /proc/meminfo unreadable: %s\n", errno_name(errno));
		return 13;
	}
	if (swap_free >= swap_total)
		return 4;   /* no page went to the swap file */
	if (errno_of(swapoff(swapfile_path)) != ENOMEM || proc_swaps(name, type) != 1 || strcmp(name, swapfile_path))
		return 5;
	if (write(go[1], "g", 1) != 1 || read(ready[0], &c, 1) != 1 || swapoff(swapfile_path))
		return 6;
	if (write(go[1], "g", 1) != 1 || waitpid(h, &st, 0) != h || !WIFEXITED(st) || WEXITSTATUS(st))
		return 7;
	return 0;
}

static int swapctl_case(void *unused)
{
	char dev[64], type[16], name[64];

	(void)unused;
	if (proc_swaps(dev, type) != 1 || strcmp(type, "partition"))
		return 1;
	if (swap_errnos(dev))
		return 2;
	/* the files are made while the disk is on: their page cache can go */
	if (make_swapfile(holes_path, 4, 1) || make_swapfile(swapfile_path, SWAPFILE_MIB, 0))
		return 9;
	if (swapoff(dev) || proc_swaps(name, type) != 0 || meminfo_kb("SwapTotal:") != 0)
		return 3;
	if (errno_of(swapon(holes_path, 0)) != EINVAL)
		return 8;
	if (swapon(swapfile_path, 0)) {
		printf("reclaimcheck: swapon %s: %s\n", swapfile_path, errno_name(errno));
		return 11;
	}
	if (proc_swaps(name, type) != 1 || strcmp(name, swapfile_path) || strcmp(type, "file"))
		return 9;
	if (errno_of(swapon(swapfile_path, 0)) != EBUSY)
		return 2;
	if (swapfile_guarded(swapfile_path))
		return 14;
	int r = swapfile_round();
	if (r)
		return r;
	if (swapfile_writable(swapfile_path))
		return 15;
	return swapon(dev, 0) || proc_swaps(name, type) != 1 || strcmp(name, dev) ? 10 : 0;
}

/* ---- several swap areas, priorities ---- */

static const char area_a[] = "/mnt/swapA", area_b[] = "/mnt/swapB";

struct area {
	char name[64], type[16];
	long size, used;
	int prio;
};

/* /proc/swaps' lines after the header, in its order; how many, -1 if unreadable. */
static int read_areas(struct area *a, int max)
{
	char line[200];
	int n = 0;
	FILE *f = fopen("/proc/swaps", "r");

	if (!f || !fgets(line, sizeof line, f))
		n = -1;
	while (n >= 0 && n < max && fgets(line, sizeof line, f))
		if (sscanf(line, "%63s %15s %ld %ld %d", a[n].name, a[n].type, &a[n].size, &a[n].used, &a[n].prio) == 5)
			n++;
	if (f)
		fclose(f);
	return n;
}

/* The line of area name; a zeroed one (prio 0, used -1) if not listed. */
static struct area area_named(const char *name)
{
	struct area a[8], none = { .used = -1 };
	int n = read_areas(a, 8);

	for (int i = 0; i < n; i++)
		if (!strcmp(a[i].name, name))
			return a[i];
	return none;
}

static int listed(const char *name, int prio)
{
	struct area a = area_named(name);
	return a.used >= 0 && a.prio == prio;
}

/* Fill a private area of mib MiB (more than free RAM: some goes to swap),
 * run fn while it is full, check and free it: fn's result, or 99 for
 * wrong words. */
static int while_full(size_t mib, uint64_t tag, int (*fn)(void))
{
	char *q = map_anon(pages_of(mib) * PAGE, PROT_READ | PROT_WRITE);
	int r;

	pattern_fill_pages(q, 0, pages_of(mib), tag);
	r = fn();
	if (pattern_check_pages(q, 0, pages_of(mib), tag))
		r = r ? r : 99;
	sys_munmap((uintptr_t)q, pages_of(mib) * PAGE);
	return r;
}

static struct area disk_before;
static char disk_name[64];

/* The disk (-2) is used before swapA (-3): swapA got nothing. */
static int higher_first(void)
{
	struct area d = area_named(disk_name), a = area_named(area_a);
	return d.used > disk_before.used && a.used == 0 ? 0 : 4;
}

/* swapA and swapB at priority 5 take turns by clusters of 256 slots
 * (1024 KiB): both used, within a cluster of each other; the disk (-2) got
 * nothing more. */
static int equal_round_robin(void)
{
	struct area d = area_named(disk_name), a = area_named(area_a), b = area_named(area_b);
	if (a.used <= 0 || b.used <= 0 || labs(a.used - b.used) > 1024 || d.used > disk_before.used)
		return 6;
	/* swapoff of one area while the others are in use: its pages come
	 * back in, or move to swapB (the next priority) */
	return swapoff(area_a) || area_named(area_a).used != -1 ? 7 : 0;
}

static int swapareas_case(void *unused)
{
	char type[16];

	(void)unused;
	if (proc_swaps(disk_name, type) != 1 || !listed(disk_name, -2))
		return 1;
	if (make_swapfile(area_a, 16, 0) || make_swapfile(area_b, 16, 0))
		return 2;
	if (swapon(area_a, 0) || !listed(area_a, -3))
		return 3;   /* the next automatic priority */
	disk_before = area_named(disk_name);
	int r = while_full(PRESSURE_MIB, 61, higher_first);
	if (r)
		return r;
	if (swapoff(area_a) || swapon(area_a, SWAP_FLAG_PREFER | 5) || swapon(area_b, SWAP_FLAG_PREFER | 5))
		return 5;
	if (!listed(area_a, 5) || !listed(area_b, 5))
		return 5;
	disk_before = area_named(disk_name);
	if ((r = while_full(48, 62, equal_round_robin)))
		return r;
	/* automatic priorities below one that goes move up (Linux) */
	if (swapon(area_a, 0) || !listed(area_a, -3) || swapoff(disk_name) || !listed(area_a, -2))
		return 8;
	if (swapon(disk_name, 0) || !listed(disk_name, -3) || swapoff(area_a) || !listed(disk_name, -2))
		return 8;
	return swapoff(area_b) || unlink(area_a) || unlink(area_b) ? 9 : 0;
}

/* ---- tmpfs files through swap ---- */

enum { TMPFS_FILE_MIB = 12, TMPFS_CHUNK = 64 * 1024, TMPFS_CUT = 5000 };

static int tmpfs_files = 2;   /* 24 MiB, more than MemTotal (about 22 MiB at --mem 48M); `tmpfs N`: N files */

static void tmpfs_name(char *buf, int i)
{
	snprintf(buf, 64, "/tmp/reclaimcheck-tmpfs-%d", i);
}

/* Write (or, with check, read back and count wrong words in) file i:
 * tag 80 + i, in TMPFS_CHUNK pieces; -1 if a call failed. */
static long tmpfs_file(int i, int check)
{
	static uint64_t buf[TMPFS_CHUNK / 8];
	char name[64];
	size_t words = TMPFS_CHUNK / 8, bad = 0;
	int fd;

	tmpfs_name(name, i);
	fd = check ? open(name, O_RDONLY) : open(name, O_WRONLY | O_CREAT | O_TRUNC, 0600);
	for (size_t off = 0; fd >= 0 && off < (size_t)TMPFS_FILE_MIB * MIB; off += TMPFS_CHUNK) {
		for (size_t w = 0; w < words && !check; w++)
			buf[w] = pattern_word(80 + (uint64_t)i, off / 8 + w);   /* the file's word off/8 + w */
		long n = check ? read(fd, buf, TMPFS_CHUNK) : write(fd, buf, TMPFS_CHUNK);
		if (n != TMPFS_CHUNK) {
			printf("reclaimcheck: tmpfs file %d at %zu: %ld (%s)\n", i, off, n, errno_name(errno));
			return -1;
		}
		for (size_t w = 0; w < words && check; w++)
			bad += buf[w] != pattern_word(80 + (uint64_t)i, off / 8 + w);
	}
	if (fd < 0 || close(fd) || bad)
		printf("reclaimcheck: tmpfs file %d: %s, %zu wrong words\n", i, fd < 0 ? errno_name(errno) : "ok", bad);
	return fd < 0 ? -1 : (long)bad;
}

/* A swapped-out file cut in the middle of a page and grown again: the head
 * stays, the rest reads as zeros. */
static int tmpfs_cut(int i)
{
	static uint64_t buf[TMPFS_CHUNK / 8];
	char name[64];
	int fd, bad;

	tmpfs_name(name, i);
	fd = open(name, O_RDWR);
	if (fd < 0 || ftruncate(fd, TMPFS_CUT) || ftruncate(fd, TMPFS_CHUNK) || pread(fd, buf, TMPFS_CHUNK, 0) != TMPFS_CHUNK)
		return 1;
	bad = pattern_check(buf, 0, TMPFS_CUT / 8, 80 + (uint64_t)i) != 0;
	for (size_t w = (TMPFS_CUT + 7) / 8; w < TMPFS_CHUNK / 8; w++)
		bad |= buf[w] != 0;
	return close(fd) || bad;
}

/* tmpfs files of 12 MiB, 2 (more than MemTotal) or as many as asked (the
 * hostile suite: 8, over four times MemTotal, twice --mem): their pages go to swap (pagoda_tmpfs_swapped) and come back with every byte;
 * st_blocks counts those in swap too; truncation of a swapped file zeroes
 * the cut page's tail; after unlink no tmpfs page is in swap (the audit at
 * this child's reap checks every frame and slot). */
static int tmpfs_steps(void);

/* The case, then the files go whatever happened (the next case needs the memory). */
static int tmpfs_case(void *unused)
{
	char name[64];
	int r;

	(void)unused;
	r = tmpfs_steps();
	for (int i = 0; i < tmpfs_files; i++) {
		tmpfs_name(name, i);
		unlink(name);
	}
	return r ? r : vmstat("pagoda_tmpfs_swapped") ? 6 : 0;
}

static int tmpfs_steps(void)
{
	struct stat st;
	char name[64];

	for (int i = 0; i < tmpfs_files; i++) {
		if (tmpfs_file(i, 0))
			return 1;
		printf("reclaimcheck: tmpfs file %d written, %ld tmpfs pages in swap\n", i, vmstat("pagoda_tmpfs_swapped"));
		fflush(stdout);
	}
	if (vmstat("pagoda_tmpfs_swapped") <= 0)
		return 2;
	tmpfs_name(name, 0);
	if (stat(name, &st) || st.st_blocks != (long)TMPFS_FILE_MIB * MIB / 512)
		return 3;
	for (int i = 0; i < tmpfs_files; i++) {
		if (tmpfs_file(i, 1))
			return 4;
		printf("reclaimcheck: tmpfs file %d read back, %ld tmpfs pages in swap\n", i, vmstat("pagoda_tmpfs_swapped"));
		fflush(stdout);
	}
	return tmpfs_cut(1) ? 5 : 0;
}

/* ---- /proc while memory is full ---- */

/* Bytes of a whole /proc file, -1 if it could not be opened or read. */
static long proc_bytes(const char *path, const char *first_word)
{
	static char buf[65536];
	int fd = open(path, O_RDONLY);
	long got = 0, n = 1;

	while (fd >= 0 && n > 0 && got < (long)sizeof buf)
		got += (n = read(fd, buf + got, sizeof buf - (size_t)got)) > 0 ? n : 0;
	if (fd < 0 || n < 0)
		return -1;
	close(fd);
	return got > 0 && !strncmp(buf, first_word, strlen(first_word)) && buf[got - 1] == '\n' ? got : -1;
}

/* Every /proc file a student reads under pressure comes whole (the kernel's
 * own allocations keep a reserve; the text needs no run of frames). */
static int read_proc_files(void)
{
	static const char *const files[][2] = { { "/proc/meminfo", "MemTotal:" }, { "/proc/swaps", "Filename" },
		{ "/proc/vmstat", "" }, { "/proc/self/status", "Name:" }, { "/proc/self/maps", "" },
		{ "/proc/self/smaps", "" }, { "/proc/self/stat", "" } };

	for (size_t i = 0; i < ARRAY_SIZE(files); i++)
		if (proc_bytes(files[i][0], files[i][1]) < 0) {
			printf("reclaimcheck: %s: %s\n", files[i][0], errno_name(errno));
			return 2;
		}
	return meminfo_kb("SwapFree:") < meminfo_kb("SwapTotal:") ? 0 : 3;
}

static int procfull_case(void *unused)
{
	(void)unused;
	int r = while_full(PRESSURE_MIB, 71, read_proc_files);
	return r == 99 ? 1 : r;
}

/* ---- mlock ---- */

static int mlock_case(void *unused)
{
	size_t pages = pages_of(LOCKED_MIB);
	char *locked = map_anon(pages * PAGE, PROT_READ | PROT_WRITE);
	char *later = map_anon(pages * PAGE, PROT_READ | PROT_WRITE);

	(void)unused;
	if (mlock(locked, pages * PAGE))
		return 1;
	pattern_fill_pages(locked, 0, pages, 21);
	pattern_fill_pages(later, 0, pages, 22);
	if (pressure(23))
		return 2;
	if (resident(locked, pages) != pages)
		return 3;   /* a locked page was evicted */
	if (resident(later, pages) == pages)
		return 4;   /* nothing went to swap: the next check would prove nothing */
	if (mlock(later, pages * PAGE) || resident(later, pages) != pages)
		return 5;   /* mlock did not bring the swapped pages back */
	if (pressure(24) || resident(later, pages) != pages)
		return 6;
	return pattern_check_pages(locked, 0, pages, 21) || pattern_check_pages(later, 0, pages, 22) ? 7 : 0;
}

/* ---- softdirty ---- */

static void clear_soft_dirty(void)
{
	int fd = open("/proc/self/clear_refs", O_WRONLY);
	if (fd >= 0 && write(fd, "4", 1) != 1)
		printf("reclaimcheck: clear_refs write failed\n");
	close(fd);
}

/* Of the pages of [p, p + pages) in swap: how many, and how many read
 * soft-dirty; pagemap's entry of page 0 in *first. */
static size_t swapped_dirty(int pm, char *p, size_t pages, size_t *dirty, uint64_t *first)
{
	static uint64_t e[1024];
	size_t n = 0;
	*dirty = 0;
	if (pages > 1024 || pread(pm, e, pages * 8, (off_t)((uintptr_t)p / PAGE * 8)) != (ssize_t)(pages * 8))
		return 0;
	for (size_t i = 0; i < pages; i++) {
		n += e[i] >> 62 & 1;
		*dirty += (e[i] >> 62 & 1) && (e[i] >> 55 & 1);
	}
	*first = e[0];
	return n;
}

static int softdirty_case(void *unused)
{
	size_t pages = pages_of(LOCKED_MIB), dirty;
	uint64_t first;
	char *g = map_anon((pages + 2) * PAGE, PROT_READ | PROT_WRITE), *p = g + PAGE;
	int pm = open("/proc/self/pagemap", O_RDONLY);

	(void)unused;
	/* Guard pages of their own protection: the pressure's new mapping must
	 * not merge with the area (a merge ORs the areas' soft-dirty flags, as
	 * Linux, and every page would read soft-dirty whatever swap did). */
	if (pm < 0 || mprotect(g, PAGE, PROT_NONE) || mprotect(p + pages * PAGE, PAGE, PROT_NONE))
		return 1;
	pattern_fill_pages(p, 0, pages, 31);
	clear_soft_dirty();
	pattern_fill_pages(p, 0, pages, 32);   /* every page written since the clear */
	if (pressure(33))
		return 1;
	size_t out = swapped_dirty(pm, p, pages, &dirty, &first);
	if (!out)
		return 2;   /* nothing went to swap: the check would prove nothing */
	if (dirty != out)
		return 3;
	clear_soft_dirty();
	swapped_dirty(pm, p, pages, &dirty, &first);
	if (dirty)
		return 4;
	*(volatile uint64_t *)p = pattern_word(32, 0);   /* the same word again: a write */
	swapped_dirty(pm, p, pages, &dirty, &first);
	if (!(first >> 55 & 1))
		return 5;
	return pattern_check_pages(p, 0, pages, 32) ? 6 : 0;
}

static const char *const kswapd_why[] = { NULL, "no pageoutrun or pgscan_kswapd in /proc/vmstat",
	"kswapd never ran", "kswapd ran but scanned or stole nothing", "wrong words after pressure" };
static const char *const shared_why[] = { NULL, "setup or pressure failed", "no shared page went to swap",
	"the child saw wrong words, or died", "wrong words in the parent after the child's writes",
	"MADV_REMOVE of swapped shared pages did not read zeros" };
static const char *const file_why[] = { NULL, "setup failed", "wrong words under pressure",
	"no page of the mapped file left the page cache", "wrong words through the mapping after pressure",
	"read() after munmap saw wrong words" };
static const char *const swapctl_why[] = { NULL, "/proc/swaps does not list the disk as a partition",
	"an errno differs from Linux's", "swapoff of the disk left it listed or SwapTotal nonzero",
	"no page went to the swap file", "swapoff did not fail with ENOMEM while the pages could not fit",
	"swapoff failed once the pages could fit", "the holder's pages were wrong after swapoff",
	"a swap file with holes was not refused with EINVAL", "swapon of the swap file failed or is not listed",
	"swapon of the disk again failed", "swapon of the swap file failed", "the holder died before it was ready", "/proc/meminfo could not be read",
	"an active swap file was not guarded as Linux guards it (ETXTBSY, EPERM)",
	"a write to the swap file failed after swapoff" };
static const char *const swapareas_why[] = { NULL, "/proc/swaps does not list the disk at -2",
	"making the swap files failed", "swapon without flags did not give -3",
	"the lower-priority area was used while the higher one had room",
	"swapon with SWAP_FLAG_PREFER | 5 failed or is not listed at 5",
	"two areas of equal priority did not take turns by cluster (or the disk was used)",
	"swapoff of one area while the others were in use failed",
	"automatic priorities did not move up when one above them went",
	"the last swapoff or unlink failed" };
static const char *const tmpfs_why[] = { NULL, "writing or removing the tmpfs files failed",
	"no tmpfs page went to swap", "st_blocks did not count the pages in swap",
	"a tmpfs file read back wrong words (or a read failed)",
	"truncating a swapped tmpfs file did not zero the cut page's tail, or lost its head",
	"tmpfs pages stayed in swap after their files were removed" };
static const char *const procfull_why[] = { NULL, "wrong words under pressure",
	"a /proc file could not be read whole while memory was full", "nothing was in swap: memory was not full" };
static const char *const mlock_why[] = { NULL, "mlock failed", "wrong words under pressure",
	"a locked page was evicted", "no unlocked page went to swap", "mlock left swapped pages out",
	"locked pages evicted after mlock", "wrong words in the locked areas" };

static const char *const softdirty_why[] = { NULL, "setup or pressure failed", "no page went to swap",
	"a page written since clear_refs read clean while in swap",
	"a swapped page read soft-dirty after the next clear_refs", "a page written after that read clean",
	"wrong words after swap" };

/* For whoever reads the log: who reclaimed, from /proc/vmstat. */
static void print_reclaim_counters(void)
{
	static const char *const names[] = { "pageoutrun", "allocstall", "pgscan_kswapd", "pgscan_direct",
		"pgsteal_kswapd", "pgsteal_direct", "pswpout", "pswpin" };

	for (size_t i = 0; i < ARRAY_SIZE(names); i++)
		printf("reclaimcheck: vmstat %s %ld\n", names[i], vmstat(names[i]));
}

static void run_case(const char *name, int (*fn)(void *), const char *const *why, int nwhy)
{
	int st = child_run(fn, NULL);

	if (WIFEXITED(st))
		verdict(name, WEXITSTATUS(st) < nwhy ? why[WEXITSTATUS(st)] : status_str(st));
	else
		verdict(name, status_str(st));
}

int main(int argc, char **argv)
{
	struct utsname u;

	if (uname(&u) || strcmp(u.sysname, "Pagoda")) {
		fprintf(stderr, "reclaimcheck: on Pagoda only (it needs a swap disk at --mem 48M)\n");
		return 2;
	}
	if (argc > 1 && !strcmp(argv[1], "tmpfs")) {   /* only the tmpfs and /proc cases; tmpfs N: N files */
		if (argc > 2 && atoi(argv[2]) > 0)
			tmpfs_files = atoi(argv[2]);
		run_case("tmpfs", tmpfs_case, tmpfs_why, ARRAY_SIZE(tmpfs_why));
		run_case("procfull", procfull_case, procfull_why, ARRAY_SIZE(procfull_why));
		printf("reclaimcheck: done %d failed\n", failed);
		return 0;
	}
	if (argc > 1 && !strcmp(argv[1], "swapctl")) {   /* only the swap area cases (an ext2 disk is at /mnt) */
		run_case("swapareas", swapareas_case, swapareas_why, ARRAY_SIZE(swapareas_why));
		run_case("swapctl", swapctl_case, swapctl_why, ARRAY_SIZE(swapctl_why));
		printf("reclaimcheck: done %d failed\n", failed);
		return 0;
	}
	run_case("kswapd", kswapd_case, kswapd_why, ARRAY_SIZE(kswapd_why));
	run_case("shared", shared_case, shared_why, ARRAY_SIZE(shared_why));
	if (argc > 1 && !strcmp(argv[1], "file"))   /* an ext2 disk is at /mnt */
		run_case("file", file_case, file_why, ARRAY_SIZE(file_why));
	run_case("mlock", mlock_case, mlock_why, ARRAY_SIZE(mlock_why));
	run_case("softdirty", softdirty_case, softdirty_why, ARRAY_SIZE(softdirty_why));
	run_case("procfull", procfull_case, procfull_why, ARRAY_SIZE(procfull_why));
	if (argc > 2 && !strcmp(argv[2], "swapctl")) {   /* last: they turn the disk off and on */
		run_case("swapareas", swapareas_case, swapareas_why, ARRAY_SIZE(swapareas_why));
		run_case("swapctl", swapctl_case, swapctl_why, ARRAY_SIZE(swapctl_why));
	}
	printf("reclaimcheck: done %d failed\n", failed);
	print_reclaim_counters();
	return 0;
}
