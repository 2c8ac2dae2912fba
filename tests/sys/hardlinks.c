/* hardlinks: link/linkat and mknod/mknodat in a scratch directory
 * ($TEST_TMPDIR: tmpfs, or ext2 in the ext2 suite): link counts, unlink
 * with several names, EXDEV, EPERM on directories, linkat's flags; FIFOs
 * made by mknod (open rules with O_NONBLOCK, data through them) and the
 * errors mknod gives for other types.
 */
#include <fcntl.h>
#include <sys/sysmacros.h>
#include "testlib.h"

static long nlink_of(const char *name)
{
	struct stat st;

	return lstat(name, &st) ? -1 : (long)st.st_nlink;
}

static void touch(const char *name, const char *text)
{
	int fd = open(name, O_CREAT | O_WRONLY | O_TRUNC, 0644);

	if (fd < 0 || write(fd, text, strlen(text)) != (ssize_t)strlen(text))
		setup_fail(name);
	close(fd);
}

static void link_cases(void)
{
	struct stat a, b;
	char buf[16] = { 0 };
	int fd;

	touch("f", "data");
	show_rc("link", link("f", "g"));
	show_rc("nlink_after_link", nlink_of("f"));
	show_yes("same_inode", stat("f", &a) == 0 && stat("g", &b) == 0 && a.st_ino == b.st_ino);
	show_rc("link_exists", link("f", "g"));
	show_rc("link_missing_source", link("nosuch", "h"));
	show_rc("link_dir", link("d", "dlink"));
	show_rc("link_into_missing_dir", link("f", "nodir/h"));
	show_rc("link_trailing_slash_new", link("f", "h/"));
	show_rc("link_trailing_slash_old", link("f/", "h"));
	show_rc("link_to_dot", link("f", "."));
	show_rc("link_exdev", link("f", "/dev/h"));
	show_rc("link_efault_old", syscall(SYS_link, KERNEL_ADDR, "h"));
	show_rc("link_efault_new", syscall(SYS_link, "f", KERNEL_ADDR));
	show_rc("linkat_bad_flags", linkat(AT_FDCWD, "f", AT_FDCWD, "h", 0x1));
	show_rc("linkat_badfd", linkat(999, "f", AT_FDCWD, "h", 0));
	show_rc("link_in_subdir", link("f", "d/f3"));
	show_rc("nlink_three", nlink_of("g"));
	show_rc("unlink_first_name", unlink("f"));
	show_rc("nlink_after_unlink", nlink_of("g"));
	fd = open("d/f3", O_RDONLY);
	show_rc("data_through_other_name", read(fd, buf, sizeof buf - 1));
	say("data_text", "%s", buf);
	show_rc("unlink_second", unlink("g"));
	show_rc("nlink_last_name", fstat(fd, &a) ? -1 : (long)a.st_nlink);
	char link[64], text[256];
	snprintf(link, sizeof link, "/proc/self/fd/%d", fd);
	long n = readlink(link, text, sizeof text - 1);
	text[n > 0 ? n : 0] = 0;
	show_yes("fd_link_names_file", n > 5 && !strcmp(text + n - 5, "/d/f3"));
	show_rc("fd_link_short_buffer", readlink(link, text, 3));
	show_rc("unlink_last", unlink("d/f3"));
	n = readlink(link, text, sizeof text - 1);
	text[n > 0 ? n : 0] = 0;
	show_yes("fd_link_says_deleted", n > 15 && !strcmp(text + n - 15, "/d/f3 (deleted)"));
	show_rc("nlink_open_unlinked", fstat(fd, &a) ? -1 : (long)a.st_nlink);
	close(fd);
	show_rc("dir_nlink_unchanged", nlink_of("d"));
	show_rc("symlink_for_link", symlink("t", "sl"));
	touch("t", "target");
	show_rc("link_symlink_itself", linkat(AT_FDCWD, "sl", AT_FDCWD, "sl2", 0));
	show_yes("linked_symlink_is_link", lstat("sl2", &a) == 0 && S_ISLNK(a.st_mode));
	show_rc("symlink_nlink", nlink_of("sl"));
	show_rc("link_follow", linkat(AT_FDCWD, "sl", AT_FDCWD, "t2", AT_SYMLINK_FOLLOW));
	show_rc("target_nlink", nlink_of("t"));
	show_rc("rename_onto_own_link", rename("t", "t2"));
	show_rc("both_names_stay", nlink_of("t") * 10 + nlink_of("t2"));
	unlink("sl");
	unlink("sl2");
	unlink("t");
	unlink("t2");
}

static void fifo_cases(void)
{
	struct stat st;
	char buf[8] = { 0 };

	show_rc("mkfifo", mkfifo("p", 0644));
	show_yes("fifo_type", lstat("p", &st) == 0 && S_ISFIFO(st.st_mode));
	show_rc("fifo_perm", (long)(st.st_mode & 0777));
	show_rc("mkfifo_exists", mkfifo("p", 0644));
	show_rc("fifo_write_nonblock_no_reader", open("p", O_WRONLY | O_NONBLOCK));
	int r = open("p", O_RDONLY | O_NONBLOCK);
	show_ok("fifo_read_nonblock", r);
	int w = open("p", O_WRONLY | O_NONBLOCK);
	show_ok("fifo_write_with_reader", w);
	show_rc("fifo_write", write(w, "abc", 3));
	show_rc("fifo_read", read(r, buf, sizeof buf));
	say("fifo_text", "%s", buf);
	show_rc("fifo_read_empty", read(r, buf, sizeof buf));
	close(w);
	show_rc("fifo_read_eof", read(r, buf, sizeof buf));
	close(r);
	pid_t pid = fork_flushed();
	if (pid == 0) {
		int fd = open("p", O_WRONLY);   /* waits for the reader */
		_exit(fd >= 0 && write(fd, "xyz", 3) == 3 ? 0 : 1);
	}
	r = open("p", O_RDONLY);
	show_ok("fifo_blocking_open", r);
	memset(buf, 0, sizeof buf);
	show_rc("fifo_read_from_child", read(r, buf, 3));
	say("fifo_child_text", "%s", buf);
	show_status("fifo_child", reap(pid));
	close(r);
	int rw = open("p", O_RDWR);
	show_ok("fifo_rdwr_never_waits", rw);
	close(rw);
	show_rc("unlink_fifo", unlink("p"));
}

static void mknod_cases(void)
{
	struct stat st;

	show_rc("mknod_regular", mknod("r", S_IFREG | 0600, 0));
	show_yes("mknod_regular_type", lstat("r", &st) == 0 && S_ISREG(st.st_mode));
	show_rc("mknod_zero_type", mknod("z", 0600, 0));
	show_yes("mknod_zero_is_regular", lstat("z", &st) == 0 && S_ISREG(st.st_mode));
	show_rc("mknod_dir", mknod("dd", S_IFDIR | 0755, 0));
	show_rc("mknod_bad_type", mknod("bad", 0170000 | 0644, 0));
	show_rc("mknod_bad_type_bad_path", syscall(SYS_mknod, KERNEL_ADDR, 0170000 | 0644, 0));
	show_rc("mknod_efault", syscall(SYS_mknod, KERNEL_ADDR, S_IFIFO | 0644, 0));
	show_rc("mknod_exists", mknod("r", S_IFIFO | 0644, 0));
	show_rc("mknod_chr", mknod("c", S_IFCHR | 0600, makedev(1, 3)));
	show_yes("mknod_chr_rdev", lstat("c", &st) == 0 && S_ISCHR(st.st_mode) && st.st_rdev == makedev(1, 3));
	show_rc("mknodat_fifo", mknodat(AT_FDCWD, "q", S_IFIFO | 0600, 0));
	show_rc("mknod_trailing_slash", mknod("s/", S_IFIFO | 0600, 0));
	unlink("r");
	unlink("z");
	unlink("c");
	unlink("q");
}

int main(void)
{
	const char *dir = scratch_dir("hardlinks");

	if (chdir(dir) || mkdir("d", 0755))
		setup_fail("chdir");
	umask(022);
	link_cases();
	fifo_cases();
	mknod_cases();
	show_rc("rmdir_d", rmdir("d"));
	show_rc("chdir_out", chdir("/"));
	show_rc("rmdir_scratch", rmdir(dir));
	return 0;
}
