/* files: the file system calls on a writable tmpfs directory (scratch_dir:
 * $TEST_TMPDIR or /dev/shm on both systems): open flags, read/write/pread/
 * pwrite/lseek, ftruncate, unlink, rename, mkdir/rmdir, chdir/fchdir/getcwd,
 * getdents64, statfs, fsync, and the /dev nodes.
 */
#include <dirent.h>
#include <fcntl.h>
#include <stddef.h>
#include <sys/statfs.h>
#include "testlib.h"

#ifndef RENAME_NOREPLACE
#define RENAME_NOREPLACE 1
#endif
#define TMPFS_MAGIC_NUM 0x01021994

static char buf[8192];

static void write_file(const char *name, const char *text)
{
	int fd = open(name, O_CREAT | O_WRONLY | O_TRUNC, 0644);

	if (fd < 0 || write(fd, text, strlen(text)) != (ssize_t)strlen(text)) {
		setup_fail(name);
		exit(1);
	}
	close(fd);
}

static long file_size(const char *name)
{
	struct stat st;

	return stat(name, &st) ? -1 : (long)st.st_size;
}

static void open_cases(void)
{
	int fd = open("a", O_CREAT | O_EXCL | O_RDWR, 0644);

	show_ok("create_excl", fd);
	show_rc("create_excl_again", open("a", O_CREAT | O_EXCL | O_RDWR, 0644));
	show_rc("write_hello", write(fd, "hello world", 11));
	show_rc("lseek_cur", lseek(fd, 0, SEEK_CUR));
	show_rc("lseek_set", lseek(fd, 6, SEEK_SET));
	memset(buf, 0, 16);
	show_rc("read_rest", read(fd, buf, sizeof buf));
	say("read_rest_text", "%s", buf);
	show_rc("read_at_eof", read(fd, buf, 10));
	show_rc("pwrite_middle", pwrite(fd, "W", 1, 0));
	show_rc("pread_first", pread(fd, buf, 5, 0));
	say("pread_first_text", "%.5s", buf);
	show_rc("pread_negative", pread(fd, buf, 5, -1));
	show_rc("offset_unchanged_by_pread", lseek(fd, 0, SEEK_CUR));
	show_rc("pwrite_past_end", pwrite(fd, "Z", 1, 100));
	show_rc("size_after_hole", file_size("a"));
	show_rc("pread_hole", pread(fd, buf, 10, 50));
	show_yes("hole_reads_zero", all_zero(buf, 10));
	show_rc("lseek_end", lseek(fd, 0, SEEK_END));
	show_rc("lseek_data", lseek(fd, 3, 3 /* SEEK_DATA */));
	show_rc("lseek_hole_past_end", lseek(fd, 200, 4 /* SEEK_HOLE */));
	show_rc("fsync", fsync(fd));
	show_rc("fdatasync", fdatasync(fd));
	close(fd);
	fd = open("a", O_RDONLY);
	show_rc("write_rdonly", write(fd, "x", 1));
	show_rc("ftruncate_rdonly", ftruncate(fd, 0));
	close(fd);
	fd = open("a", O_WRONLY | O_APPEND);
	show_rc("append_write", write(fd, "END", 3));
	show_rc("append_size", file_size("a"));
	show_rc("append_pwrite_appends", pwrite(fd, "!", 1, 0));
	show_rc("append_size_after_pwrite", file_size("a"));
	show_rc("append_ftruncate", ftruncate(fd, 0));
	close(fd);
	fd = open("a", O_RDWR | O_TRUNC);
	show_rc("trunc_size", file_size("a"));
	show_rc("ftruncate_grow", ftruncate(fd, 5000));
	show_rc("ftruncate_grow_size", file_size("a"));
	show_rc("pread_grown", pread(fd, buf, 5000, 0));
	show_yes("grown_reads_zero", all_zero(buf, 5000));
	show_rc("ftruncate_negative", ftruncate(fd, -1));
	show_rc("ftruncate_shrink", ftruncate(fd, 3));
	show_rc("ftruncate_shrink_size", file_size("a"));
	show_rc("fcntl_getfd_plain", fcntl(fd, F_GETFD));
	close(fd);
	fd = open("a", O_RDONLY | O_CLOEXEC);
	show_rc("fcntl_getfd_cloexec", fcntl(fd, F_GETFD));
	show_rc("fcntl_getfl_accmode", fcntl(fd, F_GETFL) & O_ACCMODE);
	close(fd);
	show_rc("open_missing", open("missing", O_RDONLY));
	show_rc("open_file_as_dir", open("a/", O_RDONLY));
	show_rc("open_directory_flag_file", open("a", O_RDONLY | O_DIRECTORY));
	show_rc("open_dir_for_write", open(".", O_WRONLY));
	show_rc("create_with_trailing_slash", open("newfile/", O_CREAT | O_RDWR, 0644));
	show_rc("create_in_missing_dir", open("nodir/x", O_CREAT | O_RDWR, 0644));
	show_rc("create_through_file", open("a/x", O_CREAT | O_RDWR, 0644));
	fd = creat("c", 0600);
	show_ok("creat", fd);
	struct stat st;
	fstat(fd, &st);
	say("creat_mode", "%o", st.st_mode & 0777);
	show_yes("creat_is_regular", S_ISREG(st.st_mode));
	show_rc("creat_nlink", st.st_nlink);
	close(fd);
	unlink("c");
}

static void unlinked_open_file(void)
{
	int fd = open("u", O_CREAT | O_RDWR, 0644);

	write(fd, "still here", 10);
	show_rc("unlink_open_file", unlink("u"));
	show_rc("unlinked_stat", stat("u", &(struct stat){ 0 }));
	show_rc("unlinked_pread", pread(fd, buf, 64, 0));
	show_rc("unlinked_write", write(fd, "!", 1));
	struct stat st;
	fstat(fd, &st);
	show_rc("unlinked_nlink", st.st_nlink);
	show_rc("unlinked_size", st.st_size);
	close(fd);
}

static void dir_cases(void)
{
	struct stat st;

	show_rc("mkdir", mkdir("d", 0755));
	show_rc("mkdir_again", mkdir("d", 0755));
	show_rc("mkdir_trailing_slash", mkdir("e/", 0755));
	show_rc("rmdir_trailing_slash", rmdir("e/"));
	show_rc("mkdir_dot", mkdir(".", 0755));
	show_rc("mkdir_in_missing", mkdir("nodir/x", 0755));
	show_rc("mkdir_sub", mkdir("d/sub", 0755));
	stat("d", &st);
	show_rc("dir_nlink_with_sub", st.st_nlink);
	write_file("d/f", "x");
	show_rc("rmdir_nonempty", rmdir("d"));
	show_rc("rmdir_file", rmdir("d/f"));
	show_rc("rmdir_dot", rmdir("d/."));
	show_rc("rmdir_dotdot", rmdir("d/sub/.."));
	show_rc("unlink_dir", unlink("d/sub"));
	show_rc("unlink_missing", unlink("d/nothing"));
	show_rc("unlink_file_trailing_slash", unlink("d/f/"));
	show_rc("unlinkat_bad_flags", unlinkat(AT_FDCWD, "d/f", 0x1234));
	show_rc("unlinkat_removedir_file", unlinkat(AT_FDCWD, "d/f", AT_REMOVEDIR));
	int dfd = open("d", O_RDONLY | O_DIRECTORY);
	show_rc("mkdirat_dirfd", mkdirat(dfd, "sub2", 0700));
	stat("d/sub2", &st);
	say("mkdirat_mode", "%o", st.st_mode & 0777);
	show_rc("unlinkat_dirfd", unlinkat(dfd, "f", 0));
	show_rc("unlinkat_removedir", unlinkat(dfd, "sub2", AT_REMOVEDIR));
	close(dfd);
	show_rc("rmdir_sub", rmdir("d/sub"));
	stat("d", &st);
	show_rc("dir_nlink_empty", st.st_nlink);
	show_rc("rmdir", rmdir("d"));
	show_rc("rmdir_again", rmdir("d"));
}

static void rename_cases(void)
{
	write_file("r1", "one");
	write_file("r2", "twotwo");
	mkdir("rd", 0755);
	mkdir("rd/inner", 0755);
	mkdir("full", 0755);
	write_file("full/x", "x");
	show_rc("rename_replace", rename("r1", "r2"));
	show_rc("rename_replaced_size", file_size("r2"));
	show_rc("rename_old_gone", file_size("r1"));
	show_rc("rename_missing", rename("r1", "r3"));
	show_rc("rename_same", rename("r2", "r2"));
	show_rc("rename_file_onto_dir", rename("r2", "rd"));
	show_rc("rename_dir_onto_file", rename("rd", "r2"));
	show_rc("rename_dir_into_itself", rename("rd", "rd/inner/x"));
	show_rc("rename_dir_onto_nonempty", rename("rd", "full"));
	show_rc("rename_dir", rename("rd", "rd2"));
	show_rc("rename_dir_moved_inner", file_size("rd2/inner") > 0);
	show_rc("rename_dir_onto_empty", rename("rd2/inner", "rd2/..") );
	show_rc("rename_file_into_dir", rename("r2", "rd2/r2"));
	show_rc("renameat_dirfd", renameat(AT_FDCWD, "rd2/r2", AT_FDCWD, "r2"));
	show_rc("renameat2_noreplace", syscall(SYS_renameat2, AT_FDCWD, "r2", AT_FDCWD, "full/x", RENAME_NOREPLACE));
	show_rc("renameat2_bad_flags", syscall(SYS_renameat2, AT_FDCWD, "r2", AT_FDCWD, "r9", 0x100));
	/* /proc is another mount wherever the scratch directory is (tmpfs, or
	 * ext2 and the host's root file system in the ext2 suite): never a write */
	show_rc("rename_across_mounts", rename("r2", "/proc/r2"));
	unlink("r2");
	unlink("full/x");
	rmdir("full");
	rmdir("rd2/inner");
	rmdir("rd2");
}

static void cwd_cases(const char *dir)
{
	char cwd[PATH_LEN];
	const char *leaf = strrchr(dir, '/') + 1;

	show_ok("getcwd", getcwd(cwd, sizeof cwd) ? 0 : -1);
	show_yes("getcwd_is_scratch", !strcmp(cwd, dir));
	show_rc("getcwd_small_buffer", syscall(SYS_getcwd, cwd, 2));
	mkdir("sub", 0755);
	show_rc("chdir_sub", chdir("sub"));
	getcwd(cwd, sizeof cwd);
	show_yes("getcwd_in_sub", strlen(cwd) > 4 && !strcmp(cwd + strlen(cwd) - 4, "/sub"));
	show_rc("chdir_dotdot", chdir(".."));
	getcwd(cwd, sizeof cwd);
	show_yes("getcwd_back", !strcmp(cwd, dir));
	int fd = open("sub", O_RDONLY | O_DIRECTORY);
	show_rc("fchdir", fchdir(fd));
	getcwd(cwd, sizeof cwd);
	show_yes("getcwd_after_fchdir", strstr(cwd, leaf) && !strcmp(cwd + strlen(cwd) - 4, "/sub"));
	close(fd);
	write_file("f", "x");
	fd = open("f", O_RDONLY);
	show_rc("fchdir_file", fchdir(fd));
	show_rc("chdir_file", chdir("f"));
	show_rc("chdir_missing", chdir("nothing"));
	close(fd);
	unlink("f");
	show_rc("chdir_back", chdir(dir));
	rmdir("sub");
}

static int name_rank(const char *n)
{
	static const char *const names[] = { ".", "..", "g1", "g2", "gdir" };

	for (int i = 0; i < 5; i++)
		if (!strcmp(n, names[i]))
			return i;
	return 9;
}

static void getdents_cases(void)
{
	write_file("g1", "1");
	write_file("g2", "2");
	mkdir("gdir", 0755);
	int fd = open(".", O_RDONLY | O_DIRECTORY);
	char dents[4096] __attribute__((aligned(8)));
	int seen[10] = { 0 }, types[10] = { 0 }, total = 0;
	long n;

	while ((n = syscall(SYS_getdents64, fd, dents, sizeof dents)) > 0)
		for (long off = 0; off < n;) {
			struct dirent *d = (void *)(dents + off);
			int r = name_rank(d->d_name);
			seen[r]++;
			types[r] = d->d_type;
			total++;
			off += d->d_reclen;
		}
	say("getdents_count", "%d", total);
	say("getdents_names", "%d %d %d %d %d other %d", seen[0], seen[1], seen[2], seen[3], seen[4], seen[9]);
	say("getdents_types", "%d %d %d", types[2], types[4], types[0]);
	show_rc("getdents_rewind", lseek(fd, 0, SEEK_SET));
	show_yes("getdents_again", syscall(SYS_getdents64, fd, dents, sizeof dents) > 0);
	show_rc("getdents_tiny_buffer", (lseek(fd, 0, SEEK_SET), syscall(SYS_getdents64, fd, dents, 8)));
	close(fd);
	fd = open("g1", O_RDONLY);
	show_rc("getdents_file", syscall(SYS_getdents64, fd, dents, sizeof dents));
	close(fd);
	unlink("g1");
	unlink("g2");
	rmdir("gdir");
}

static void statfs_cases(void)
{
	struct statfs sf;

	show_rc("statfs", statfs(".", &sf));
	show_yes("statfs_tmpfs", sf.f_type == TMPFS_MAGIC_NUM);
	show_rc("statfs_namelen", sf.f_namelen);
	show_rc("statfs_missing", statfs("nothing", &sf));
	int fd = open(".", O_RDONLY);
	show_rc("fstatfs", fstatfs(fd, &sf));
	close(fd);
	show_rc("fstatfs_bad_fd", fstatfs(99, &sf));
}

static void dev_cases(void)
{
	int fd = open("/dev/null", O_RDWR);

	show_ok("open_dev_null", fd);
	show_rc("dev_null_read", read(fd, buf, 10));
	show_rc("dev_null_write", write(fd, buf, 10));
	show_rc("dev_null_fsync", fsync(fd));
	struct stat st;
	fstat(fd, &st);
	show_yes("dev_null_is_chr", S_ISCHR(st.st_mode));
	say("dev_null_rdev", "%lx", (unsigned long)st.st_rdev);
	close(fd);
	fd = open("/dev/zero", O_RDONLY);
	memset(buf, 7, 100);
	show_rc("dev_zero_read", read(fd, buf, 100));
	show_yes("dev_zero_zeros", all_zero(buf, 100));
	fstat(fd, &st);
	say("dev_zero_rdev", "%lx", (unsigned long)st.st_rdev);
	char *z = mmap(NULL, 8192, PROT_READ | PROT_WRITE, MAP_PRIVATE, fd, 0);
	show_yes("dev_zero_mmap", z != MAP_FAILED && all_zero(z, 8192));
	z[0] = 1;
	munmap(z, 8192);
	close(fd);
	show_rc("access_dev_null_w", access("/dev/null", W_OK));
}

int main(void)
{
	const char *dir = scratch_dir("files");

	if (chdir(dir) != 0) {
		setup_fail("chdir scratch");
		return 1;
	}
	open_cases();
	unlinked_open_file();
	dir_cases();
	rename_cases();
	cwd_cases(dir);
	getdents_cases();
	statfs_cases();
	dev_cases();
	unlink("a");
	chdir("/");
	show_rc("scratch_removed", rmdir(dir));
	return 0;
}
