/* stat: stat, lstat, fstat, newfstatat and access on the ramdisk files, by
 * raw syscall (musl's wrappers fall back to other syscalls on some errors).
 * Sizes and inode numbers are compared, never printed.
 */
#include <fcntl.h>
#include <sys/stat.h>
#include "testlib.h"

static const char *self;
static char notelf[PATH_LEN];

static long do_stat(const char *p, struct stat *st)
{
	return syscall(SYS_stat, p, st);
}

static long do_fstatat(int dirfd, const char *p, struct stat *st, int flags)
{
	return syscall(SYS_newfstatat, dirfd, p, st, flags);
}

static void stat_cases(void)
{
	struct stat a, b;
	int fd = open(self, O_RDONLY);
	off_t size = lseek(fd, 0, SEEK_END);

	show_rc("stat_self", do_stat(self, &a));
	show_yes("stat_self_is_regular", S_ISREG(a.st_mode));
	show_yes("stat_self_size_matches", a.st_size == size);
	show_yes("stat_self_nlink_positive", a.st_nlink >= 1);
	show_rc("fstat_self", syscall(SYS_fstat, fd, &b));
	show_yes("fstat_same_inode", a.st_ino == b.st_ino && a.st_dev == b.st_dev);
	show_yes("fstat_same_size", b.st_size == size);
	show_rc("lstat_self", syscall(SYS_lstat, self, &b));
	show_yes("lstat_same_inode", a.st_ino == b.st_ino);
	do_stat(notelf, &b);
	show_yes("stat_notelf_other_inode", a.st_ino != b.st_ino);
	show_yes("stat_notelf_size", b.st_size == 43);
	show_rc("stat_dir", do_stat(prog_dir(self), &b));
	show_yes("stat_dir_is_directory", S_ISDIR(b.st_mode));
	show_rc("stat_missing", do_stat(prog_path((char[PATH_LEN]){ 0 }, self, "nope"), &b));
	show_rc("stat_empty", do_stat("", &b));
	show_rc("stat_path_kernel", do_stat((char *)KERNEL_ADDR, &b));
	show_rc("stat_buf_kernel", do_stat(self, (struct stat *)KERNEL_ADDR));
	show_rc("stat_buf_null", do_stat(self, NULL));
	show_rc("stat_through_file", do_stat(prog_path((char[PATH_LEN]){ 0 }, self, "notelf/x"), &b));
	show_rc("fstat_bad_fd", syscall(SYS_fstat, 123, &b));
	show_rc("fstat_buf_kernel", syscall(SYS_fstat, fd, KERNEL_ADDR));
	close(fd);
}

static void fstatat_cases(void)
{
	struct stat a, b;
	int dir = open(prog_dir(self), O_RDONLY | O_DIRECTORY);
	int fd = open(notelf, O_RDONLY);

	do_stat(notelf, &a);
	show_rc("fstatat_dirfd_relative", do_fstatat(dir, "notelf", &b, 0));
	show_yes("fstatat_dirfd_same_inode", a.st_ino == b.st_ino);
	show_rc("fstatat_fdcwd", do_fstatat(AT_FDCWD, notelf[0] == '/' ? notelf : self, &b, 0));
	show_rc("fstatat_empty_path", do_fstatat(fd, "", &b, AT_EMPTY_PATH));
	show_yes("fstatat_empty_path_is_fstat", a.st_ino == b.st_ino);
	show_rc("fstatat_empty_without_flag", do_fstatat(fd, "", &b, 0));
	show_rc("fstatat_nofollow", do_fstatat(dir, "notelf", &b, AT_SYMLINK_NOFOLLOW));
	show_rc("fstatat_bad_flags", do_fstatat(dir, "notelf", &b, 0x12340000));
	show_rc("fstatat_bad_dirfd", do_fstatat(999, "notelf", &b, 0));
	show_rc("fstatat_file_as_dirfd", do_fstatat(fd, "x", &b, 0));
	show_rc("fstatat_buf_noncanonical", do_fstatat(dir, "notelf", (void *)NONCANON_ADDR, 0));
	close(fd);
	close(dir);
}

static long do_access(const char *p, int mode)
{
	return syscall(SYS_access, p, mode);
}

static void access_cases(void)
{
	show_rc("access_exists", do_access(self, F_OK));
	show_rc("access_read", do_access(self, R_OK));
	show_rc("access_exec", do_access(self, X_OK));
	show_rc("access_read_exec", do_access(notelf, R_OK | X_OK));
	show_rc("access_dir", do_access(prog_dir(self), X_OK));
	show_rc("access_missing", do_access(prog_path((char[PATH_LEN]){ 0 }, self, "nope"), F_OK));
	show_rc("access_bad_mode", do_access(self, 8));
	show_rc("access_path_kernel", do_access((char *)KERNEL_ADDR, F_OK));
	show_rc("access_empty", do_access("", F_OK));
}

int main(int argc, char **argv)
{
	(void)argc;
	self = self_exe(argv[0]);
	prog_path(notelf, self, "notelf");
	stat_cases();
	fstatat_cases();
	access_cases();
	return 0;
}
