/* Graded cases of the mmap lab: file mappings on the page cache (CS:APP
 * 9.8). A MAP_SHARED page is the cache's own frame, so every mapping and
 * read()/write() of the file meet in it; a MAP_PRIVATE page is that frame
 * until the process writes it, then its own copy; a page wholly past the
 * end of the file raises SIGBUS. Frames are compared through
 * /proc/self/pagemap (the kernel's walk) and write-back through
 * /proc/vmstat pagoda_pages_written (counted by the file system's writepage). */
#include "grade.h"

#include <fcntl.h>
#include <signal.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

/* A file of `pages` pages (plus `extra` bytes), page i filled with 'a' + i. */
static int make_file(const char *path, int pages, int extra)
{
	char buf[PAGE];
	int fd = open(path, O_RDWR | O_CREAT | O_TRUNC, 0600);
	if (fd < 0)
		return -1;
	for (int i = 0; i <= pages; i++) {
		memset(buf, 'a' + i, sizeof buf);
		if (write(fd, buf, i < pages ? PAGE : extra) < 0)
			return -1;
	}
	return fd;
}

static char *map_file(int fd, int pages, int flags)
{
	return mmap(NULL, (size_t)pages * PAGE, PROT_READ | PROT_WRITE, flags, fd, 0);
}

static char byte_at(int fd, off_t off)
{
	char c = 0;
	return pread(fd, &c, 1, off) == 1 ? c : 0;
}

/* Two MAP_SHARED mappings and a not-yet-written MAP_PRIVATE one: one frame
 * per file page, the same in all three. */
static int one_frame_per_page(void)
{
	int fd = make_file("/tmp/mmap_one", 4, 0);
	EXPECT(fd >= 0, "expected to create /tmp/mmap_one, seen an error");
	char *a = map_file(fd, 4, MAP_SHARED), *b = map_file(fd, 4, MAP_SHARED), *c = map_file(fd, 4, MAP_PRIVATE);
	EXPECT(a != MAP_FAILED && b != MAP_FAILED && c != MAP_FAILED, "expected three mappings, seen MAP_FAILED");
	for (int i = 0; i < 4; i++) {
		EXPECT(a[i * PAGE] == 'a' + i && b[i * PAGE] == 'a' + i && c[i * PAGE] == 'a' + i,
		       "expected page %d to read '%c' in every mapping, seen another byte", i, 'a' + i);
		uintptr_t fa = pagemap_frame(0, (uintptr_t)a + i * PAGE);
		EXPECT(fa && fa == pagemap_frame(0, (uintptr_t)b + i * PAGE),
		       "expected both shared mappings of page %d in one frame, seen %lx and %lx", i, fa,
		       pagemap_frame(0, (uintptr_t)b + i * PAGE));
		EXPECT(fa == pagemap_frame(0, (uintptr_t)c + i * PAGE),
		       "expected the private mapping's unwritten page %d in the cache's frame %lx, seen %lx", i, fa,
		       pagemap_frame(0, (uintptr_t)c + i * PAGE));
	}
	munmap(a, 4 * PAGE), munmap(b, 4 * PAGE), munmap(c, 4 * PAGE);
	close(fd);
	return unlink("/tmp/mmap_one");
}

/* write() shows in a shared mapping at once, and a store in the mapping
 * shows in read(), with no msync. */
static int shared_meets_read_write(void)
{
	int fd = make_file("/tmp/mmap_rw", 2, 0);
	EXPECT(fd >= 0, "expected to create /tmp/mmap_rw, seen an error");
	char *a = map_file(fd, 2, MAP_SHARED);
	EXPECT(a != MAP_FAILED, "expected a shared mapping, seen MAP_FAILED");
	EXPECT(a[10] == 'a', "expected 'a' at byte 10, seen %d", a[10]);
	a[10] = 'X';
	EXPECT(byte_at(fd, 10) == 'X', "expected read() to see the mapping's store 'X', seen '%c'", byte_at(fd, 10));
	EXPECT(pwrite(fd, "Y", 1, PAGE + 7) == 1, "expected pwrite to succeed");
	EXPECT(a[PAGE + 7] == 'Y', "expected the mapping to see write()'s 'Y', seen '%c'", a[PAGE + 7]);
	munmap(a, 2 * PAGE);
	close(fd);
	return unlink("/tmp/mmap_rw");
}

/* MAP_PRIVATE: the first write copies the cached frame (the file and other
 * mappings keep their bytes); a page not yet written sees later changes to
 * the file, as on Linux. */
static int private_copy_on_write(void)
{
	int fd = make_file("/tmp/mmap_priv", 2, 0);
	EXPECT(fd >= 0, "expected to create /tmp/mmap_priv, seen an error");
	char *p = map_file(fd, 2, MAP_PRIVATE), *s = map_file(fd, 2, MAP_SHARED);
	EXPECT(p != MAP_FAILED && s != MAP_FAILED, "expected two mappings, seen MAP_FAILED");
	EXPECT(p[0] == 'a' && s[0] == 'a', "expected 'a' in both mappings");
	uintptr_t cached = pagemap_frame(0, (uintptr_t)s);
	EXPECT(pagemap_frame(0, (uintptr_t)p) == cached, "expected the private page read in the cache's frame %lx, seen %lx",
	       cached, pagemap_frame(0, (uintptr_t)p));
	p[0] = 'P';
	uintptr_t copy = pagemap_frame(0, (uintptr_t)p);
	EXPECT(copy && copy != cached, "expected the private page written to get its own frame, seen %lx (cache %lx)",
	       copy, cached);
	EXPECT(s[0] == 'a' && byte_at(fd, 0) == 'a', "expected the file to keep 'a', seen '%c' (mapping) '%c' (read)",
	       s[0], byte_at(fd, 0));
	EXPECT(pwrite(fd, "Z", 1, PAGE) == 1, "expected pwrite to succeed");
	EXPECT(p[PAGE] == 'Z', "expected the unwritten private page to see the file's new 'Z', seen '%c'", p[PAGE]);
	EXPECT(p[0] == 'P', "expected the written private page to keep 'P', seen '%c'", p[0]);
	munmap(p, 2 * PAGE), munmap(s, 2 * PAGE);
	close(fd);
	return unlink("/tmp/mmap_priv");
}

/* A private write never reaches the file, whichever fault comes first. */
static int private_write_stays_private(void)
{
	int fd = make_file("/tmp/mmap_stay", 2, 0);
	EXPECT(fd >= 0, "expected to create /tmp/mmap_stay, seen an error");
	char *p = map_file(fd, 2, MAP_PRIVATE);
	EXPECT(p != MAP_FAILED, "expected a private mapping, seen MAP_FAILED");
	EXPECT(p[0] == 'a', "expected 'a', seen '%c'", p[0]);   /* read first, then write */
	p[0] = 'Q';
	p[PAGE] = 'R';   /* a write first */
	EXPECT(byte_at(fd, 0) == 'a' && byte_at(fd, PAGE) == 'b',
	       "expected the file to keep 'a' and 'b', seen '%c' and '%c'", byte_at(fd, 0), byte_at(fd, PAGE));
	munmap(p, 2 * PAGE);
	char *again = map_file(fd, 2, MAP_SHARED);
	EXPECT(again != MAP_FAILED && again[0] == 'a' && again[PAGE] == 'b',
	       "expected a new mapping to read the file's 'a' and 'b'");
	munmap(again, 2 * PAGE);
	close(fd);
	return unlink("/tmp/mmap_stay");
}

static char *sigbus_area;

static int touch_past_end(void *arg)
{
	(void)arg;
	return ((volatile char *)sigbus_area)[2 * PAGE];
}

/* A file of 1.5 pages mapped over 3: the last page's tail reads zeros and a
 * store there does not grow the file; the page wholly past the end raises
 * SIGBUS. */
static int sigbus_past_end(void)
{
	int fd = make_file("/tmp/mmap_bus", 1, PAGE / 2);
	EXPECT(fd >= 0, "expected to create /tmp/mmap_bus, seen an error");
	sigbus_area = map_file(fd, 3, MAP_SHARED);
	EXPECT(sigbus_area != MAP_FAILED, "expected a 3-page mapping of a 1.5-page file, seen MAP_FAILED");
	EXPECT(sigbus_area[PAGE + PAGE / 2] == 0, "expected the last page's tail to read 0, seen '%c'",
	       sigbus_area[PAGE + PAGE / 2]);
	sigbus_area[PAGE + PAGE / 2] = 'T';
	struct stat st;
	EXPECT(fstat(fd, &st) == 0 && st.st_size == PAGE + PAGE / 2, "expected the size to stay %d, seen %ld",
	       PAGE + PAGE / 2, (long)st.st_size);
	int status = in_child(touch_past_end, NULL);
	EXPECT(status == 128 + SIGBUS, "expected a touch past the end of the file to die by SIGBUS (%d), seen status %d",
	       128 + SIGBUS, status);
	munmap(sigbus_area, 3 * PAGE);
	close(fd);
	return unlink("/tmp/mmap_bus");
}

/* On the disk (/mnt, ext2): msync writes back exactly the pages written
 * through the mapping, and a second msync writes nothing. */
static int writeback_dirty_only(void)
{
	int fd = make_file("/mnt/mmap_wb", 8, 0);
	EXPECT(fd >= 0, "expected to create /mnt/mmap_wb (the disk), seen an error");
	EXPECT(fsync(fd) == 0, "expected fsync to succeed");
	char *a = map_file(fd, 8, MAP_SHARED);
	EXPECT(a != MAP_FAILED, "expected a shared mapping, seen MAP_FAILED");
	for (int i = 0; i < 8; i++)
		EXPECT(a[i * PAGE] == 'a' + i, "expected page %d to read '%c'", i, 'a' + i);
	long before = vmstat("pagoda_pages_written");
	for (int i = 0; i < 8; i += 2)
		a[i * PAGE + 1] = 'W';   /* 4 of the 8 pages */
	EXPECT(msync(a, 8 * PAGE, MS_SYNC) == 0, "expected msync to succeed");
	long written = vmstat("pagoda_pages_written") - before;
	EXPECT(written == 4, "expected msync to write back the 4 pages written, seen %ld", written);
	before = vmstat("pagoda_pages_written");
	EXPECT(msync(a, 8 * PAGE, MS_SYNC) == 0, "expected msync to succeed");
	EXPECT(vmstat("pagoda_pages_written") == before, "expected a second msync to write nothing, seen %ld pages",
	       vmstat("pagoda_pages_written") - before);
	EXPECT(byte_at(fd, 2 * PAGE + 1) == 'W', "expected read() to see 'W', seen '%c'", byte_at(fd, 2 * PAGE + 1));
	munmap(a, 8 * PAGE);
	close(fd);
	return unlink("/mnt/mmap_wb");
}

const struct grade_case mmap_cases[] = {
	{ "mmap/one_frame_per_page", one_frame_per_page },
	{ "mmap/shared_meets_read_write", shared_meets_read_write },
	{ "mmap/private_copy_on_write", private_copy_on_write },
	{ "mmap/private_write_stays_private", private_write_stays_private },
	{ "mmap/sigbus_past_end", sigbus_past_end },
	{ "mmap/writeback_dirty_only", writeback_dirty_only },
	{ NULL, NULL },
};
GRADE_CASES(mmap_cases)
