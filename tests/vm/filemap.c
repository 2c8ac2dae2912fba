/* filemap: file mappings on a tmpfs file (scratch_dir: $TEST_TMPDIR or
 * /dev/shm), Linux's rules: one page cache under read/write and every
 * MAP_SHARED mapping; MAP_PRIVATE sees file changes until its first write;
 * the last page's tail is zero and writes there do not grow the file; past
 * the last page is SIGBUS; ftruncate takes pages away from mappings; an
 * unlinked file lives on in its mappings; msync, mprotect and madvise rules.
 */
#include <fcntl.h>
#include "testlib.h"

enum { PG = 4096 };

static char *map_file(int fd, size_t len, int prot, int flags, off_t off)
{
	char *p = mmap(NULL, len, prot, flags, fd, off);

	return p == MAP_FAILED ? NULL : p;
}

static int make_file(const char *name, size_t size, int seed)
{
	int fd = open(name, O_CREAT | O_RDWR | O_TRUNC, 0644);
	static char page[PG];

	if (fd < 0) {
		setup_fail(name);
		exit(1);
	}
	for (size_t off = 0; off < size; off += PG) {
		size_t n = size - off < PG ? size - off : PG;
		fill(page, PG, seed + (int)(off / PG));
		if (pwrite(fd, page, n, off) != (ssize_t)n) {
			setup_fail("pwrite");
			exit(1);
		}
	}
	return fd;
}

static int touch_fn(void *p)
{
	return *(volatile char *)p;
}

static int poke_fn(void *p)
{
	*(volatile char *)p = 1;
	return 0;
}

static void shared_cases(void)
{
	int fd = make_file("s", 2 * PG + 1000, 1);
	char *p = map_file(fd, 3 * PG, PROT_READ | PROT_WRITE, MAP_SHARED, 0);
	char c;

	show_yes("shared_map", p != NULL);
	show_yes("shared_sees_file", check(p, PG, 1));
	pwrite(fd, "WRITE", 5, 10);
	show_yes("write_visible_in_mapping", !memcmp(p + 10, "WRITE", 5));
	memcpy(p + PG + 7, "STORE", 5);
	char got[5];
	pread(fd, got, 5, PG + 7);
	show_yes("mapping_visible_to_read", !memcmp(got, "STORE", 5));
	show_yes("tail_reads_zero", all_zero(p + 2 * PG + 1000, PG - 1000));
	p[2 * PG + 2000] = 'T';
	struct stat st;
	fstat(fd, &st);
	show_rc("tail_write_keeps_size", st.st_size);
	show_rc("read_past_end", pread(fd, &c, 1, 2 * PG + 2000));
	show_rc("msync_sync", msync(p, 3 * PG, MS_SYNC));
	show_rc("msync_async", msync(p, PG, MS_ASYNC));
	show_rc("msync_invalidate", msync(p, PG, MS_INVALIDATE));
	show_rc("msync_both", msync(p, PG, MS_SYNC | MS_ASYNC));
	show_rc("msync_bad_flags", msync(p, PG, 8));
	show_rc("msync_unaligned", msync(p + 1, PG, MS_SYNC));
	show_rc("msync_zero_length", msync(p, 0, MS_SYNC));
	show_rc("madvise_dontneed_shared", madvise(p, PG, MADV_DONTNEED));
	show_yes("dontneed_shared_rereads_file", !memcmp(p + 10, "WRITE", 5));
	pid_t pid = fork_flushed();
	if (pid == 0) {
		memcpy(p + 100, "CHILD", 5);
		_exit(0);
	}
	reap(pid);
	show_yes("child_write_shared", !memcmp(p + 100, "CHILD", 5));
	pread(fd, got, 5, 100);
	show_yes("child_write_in_file", !memcmp(got, "CHILD", 5));
	show_rc("ftruncate_mapped", ftruncate(fd, 100));
	show_yes("truncated_page_tail_zero", all_zero(p + 100, PG - 100));
	show_child("after_truncate_page1", touch_fn, p + PG);
	show_rc("ftruncate_grow_again", ftruncate(fd, 2 * PG));
	show_yes("regrown_reads_zero", all_zero(p + PG, PG));
	munmap(p, 3 * PG);
	close(fd);
	unlink("s");
}

static void beyond_cases(void)
{
	int fd = make_file("b", PG + 10, 2);
	char *p = map_file(fd, 4 * PG, PROT_READ | PROT_WRITE, MAP_SHARED, 0);

	show_child("read_last_page_tail", touch_fn, p + PG + 100);
	show_child("read_beyond_last_page", touch_fn, p + 2 * PG);
	show_child("write_beyond_last_page", poke_fn, p + 3 * PG);
	char *q = map_file(fd, PG, PROT_READ, MAP_PRIVATE, 8 * PG);
	show_yes("map_past_end_ok", q != NULL);
	show_child("read_map_past_end", touch_fn, q);
	char *r = map_file(fd, PG, PROT_READ, MAP_SHARED, PG);
	show_yes("map_at_offset", r && check(r, 10, 3));
	munmap(q, PG);
	munmap(r, PG);
	munmap(p, 4 * PG);
	close(fd);
	unlink("b");
}

static void private_cases(void)
{
	int fd = make_file("p", 2 * PG, 5);
	char *p = map_file(fd, 2 * PG, PROT_READ | PROT_WRITE, MAP_PRIVATE, 0);

	show_yes("private_sees_file", check(p, PG, 5));
	pwrite(fd, "LATER", 5, 0);
	show_yes("private_unwritten_sees_change", !memcmp(p, "LATER", 5));
	memcpy(p + PG, "MINE!", 5);
	char got[5];
	pread(fd, got, 5, PG);
	show_yes("private_write_not_in_file", memcmp(got, "MINE!", 5) != 0);
	pwrite(fd, "AFTER", 5, PG + 100);
	show_yes("private_written_page_keeps_copy", memcmp(p + PG + 100, "AFTER", 5) != 0);
	show_rc("madvise_dontneed_private", madvise(p + PG, PG, MADV_DONTNEED));
	show_yes("dontneed_private_rereads_file", !memcmp(p + PG + 100, "AFTER", 5));
	munmap(p, 2 * PG);
	close(fd);
	unlink("p");
}

static void permission_cases(void)
{
	int fd = make_file("m", PG, 7);
	close(fd);
	int ro = open("m", O_RDONLY), wo = open("m", O_WRONLY), ap = open("m", O_RDWR | O_APPEND);

	show_rc("shared_write_on_rdonly_fd", (long)mmap(NULL, PG, PROT_READ | PROT_WRITE, MAP_SHARED, ro, 0));
	show_rc("private_on_wronly_fd", (long)mmap(NULL, PG, PROT_READ, MAP_PRIVATE, wo, 0));
	char *a = mmap(NULL, PG, PROT_READ | PROT_WRITE, MAP_SHARED, ap, 0);
	show_yes("shared_write_on_append_fd_ok", a != MAP_FAILED);
	munmap(a, PG);
	int dir = open(".", O_RDONLY);
	show_rc("map_directory", (long)mmap(NULL, PG, PROT_READ, MAP_PRIVATE, dir, 0));
	int procf = open("/proc/self/maps", O_RDONLY);
	show_rc("map_proc_file", (long)mmap(NULL, PG, PROT_READ, MAP_PRIVATE, procf, 0));
	close(procf);
	int null = open("/dev/null", O_RDWR);
	show_rc("map_dev_null", (long)mmap(NULL, PG, PROT_READ, MAP_SHARED, null, 0));
	close(null);
	char *s = map_file(ro, PG, PROT_READ, MAP_SHARED, 0);
	show_rc("mprotect_write_shared_rdonly_fd", mprotect(s, PG, PROT_READ | PROT_WRITE));
	char *pr = map_file(ro, PG, PROT_READ, MAP_PRIVATE, 0);
	show_rc("mprotect_write_private_rdonly_fd", mprotect(pr, PG, PROT_READ | PROT_WRITE));
	pr[0] = 'x';
	show_yes("private_rdonly_fd_write_copy", s[0] != 'x');
	munmap(s, PG);
	munmap(pr, PG);
	close(ro);
	close(wo);
	close(ap);
	close(dir);
	unlink("m");
}

static void unlinked_cases(void)
{
	int fd = make_file("gone", PG, 9);
	char *p = map_file(fd, PG, PROT_READ | PROT_WRITE, MAP_SHARED, 0);

	unlink("gone");
	close(fd);
	show_yes("unlinked_mapping_reads", check(p, 100, 9));
	memcpy(p, "ALIVE", 5);
	show_yes("unlinked_mapping_writes", !memcmp(p, "ALIVE", 5));
	pid_t pid = fork_flushed();
	if (pid == 0)
		_exit(memcmp(p, "ALIVE", 5) != 0);
	show_status("unlinked_mapping_in_child", reap(pid));
	show_rc("unlinked_msync", msync(p, PG, MS_SYNC));
	show_rc("unlinked_munmap", munmap(p, PG));
}

/* sync while a tmpfs page is dirty through a shared mapping: it returns
 * (tmpfs pages have no file system to go to) and the data stays. */
static void sync_cases(void)
{
	int fd = make_file("sync", PG, 5);
	char *p = map_file(fd, PG, PROT_READ | PROT_WRITE, MAP_SHARED, 0);

	if (!p) {
		setup_fail("map sync");
		return;
	}
	p[0] = 'x';
	show_rc("sync_with_dirty_shared_tmpfs_page", syscall(SYS_sync));
	show_yes("sync_kept_the_store", p[0] == 'x');
	munmap(p, PG);
	close(fd);
	show_rc("sync_file_removed", unlink("sync"));
}

int main(void)
{
	const char *dir = scratch_dir("filemap");

	if (chdir(dir) != 0) {
		setup_fail("chdir scratch");
		return 1;
	}
	shared_cases();
	beyond_cases();
	private_cases();
	permission_cases();
	unlinked_cases();
	sync_cases();
	chdir("/");
	show_rc("scratch_removed", rmdir(dir));
	return 0;
}
