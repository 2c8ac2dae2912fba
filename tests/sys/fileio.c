/* fileio: open, openat, read, readv, lseek and close on the read-only file
 * system, with their error cases. The files are the test's own binary (an ELF
 * of known size) and "notelf" (a text file), both in the program directory.
 */
#include <fcntl.h>
#include <sys/stat.h>
#include <sys/uio.h>
#include "testlib.h"

static const char *self;
static char path_buf[PATH_LEN];

static const char *notelf_path(void)
{
	return prog_path(path_buf, self, "notelf");
}

static void open_cases(void)
{
	int fd = open(self, O_RDONLY);

	show_ok("open_self", fd);
	show_yes("open_gives_lowest_free_fd", fd == 3);
	close(fd);
	show_rc("open_missing", open(prog_path(path_buf, self, "no_such_file"), O_RDONLY));
	show_rc("open_empty_path", open("", O_RDONLY));
	show_rc("open_path_kernel", open((char *)KERNEL_ADDR, O_RDONLY));
	show_rc("open_path_null", open(NULL, O_RDONLY));
	show_rc("open_through_file", open(prog_path(path_buf, self, "notelf/x"), O_RDONLY));
	show_rc("open_directory_flag_on_file", open(notelf_path(), O_RDONLY | O_DIRECTORY));
	fd = open(prog_dir(self), O_RDONLY | O_DIRECTORY);
	show_ok("open_dir", fd);
	char c;
	show_rc("read_dir", read(fd, &c, 1));
	close(fd);
}

static void openat_cases(void)
{
	int dir = open(prog_dir(self), O_RDONLY | O_DIRECTORY);
	int fd = openat(dir, "notelf", O_RDONLY);
	char head[4];

	show_ok("openat_relative_to_dirfd", fd);
	show_rc("openat_relative_read", read(fd, head, 4));
	close(fd);
	fd = openat(AT_FDCWD, notelf_path(), O_RDONLY);
	show_yes("openat_fdcwd", fd >= 0);
	close(fd);
	show_rc("openat_bad_dirfd_relative", openat(999, "notelf", O_RDONLY));
	fd = openat(999, "/", O_RDONLY | O_DIRECTORY);
	show_yes("openat_bad_dirfd_absolute_ignored", fd >= 0);
	close(fd);
	fd = open(notelf_path(), O_RDONLY);
	show_rc("openat_file_as_dirfd", openat(fd, "x", O_RDONLY));
	close(fd);
	close(dir);
}

static void read_cases(void)
{
	int fd = open(self, O_RDONLY);
	char buf[64];
	off_t size = lseek(fd, 0, SEEK_END);
	struct stat st;

	lseek(fd, 0, SEEK_SET);
	show_rc("read_elf_magic", read(fd, buf, 4));
	show_yes("read_elf_magic_bytes", memcmp(buf, "\177ELF", 4) == 0);
	show_rc("lseek_cur_after_read", lseek(fd, 0, SEEK_CUR));
	show_rc("read_zero_bytes", read(fd, buf, 0));
	show_rc("lseek_set_16", lseek(fd, 16, SEEK_SET));
	show_rc("read_after_seek", read(fd, buf, 2));
	show_yes("read_after_seek_e_type_exec", buf[0] == 2 && buf[1] == 0);
	show_rc("lseek_cur_back", lseek(fd, -18, SEEK_CUR));
	show_rc("lseek_negative", lseek(fd, -1, SEEK_SET));
	show_rc("lseek_bad_whence", lseek(fd, 0, 7));
	show_rc("lseek_still_at_0", lseek(fd, 0, SEEK_CUR));
	show_yes("lseek_end_is_size", fstat(fd, &st) == 0 && st.st_size == size);
	lseek(fd, -10, SEEK_END);
	show_rc("read_short_at_end", read(fd, buf, 64));
	show_rc("read_at_eof", read(fd, buf, 64));
	show_yes("lseek_past_end", lseek(fd, size + 100, SEEK_SET) == size + 100);
	show_rc("read_past_end", read(fd, buf, 64));
	close(fd);
}

static void readv_cases(void)
{
	int fd = open(self, O_RDONLY);
	char a[5], b[11], whole[16];
	struct iovec iov[3] = { { a, 5 }, { NULL, 0 }, { b, 11 } };

	show_rc("readv_three_iovs", readv(fd, iov, 3));
	lseek(fd, 0, SEEK_SET);
	read(fd, whole, 16);
	show_yes("readv_matches_read", !memcmp(a, whole, 5) && !memcmp(b, whole + 5, 11));
	show_rc("readv_zero_iovs", readv(fd, iov, 0));
	show_rc("readv_negative_count", readv(fd, iov, -1));
	show_rc("readv_count_1025", readv(fd, iov, 1025));
	show_rc("readv_iov_kernel", readv(fd, (struct iovec *)KERNEL_ADDR, 1));
	close(fd);
	show_rc("readv_bad_fd", readv(fd, iov, 1));
}

static void close_cases(void)
{
	int fd = open(notelf_path(), O_RDONLY);
	char c;

	show_rc("close_open_fd", close(fd));
	show_rc("close_again", close(fd));
	show_rc("read_closed_fd", read(fd, &c, 1));
	show_rc("close_negative", close(-1));
	show_rc("close_huge", close(1 << 20));
	show_rc("read_negative_fd", read(-1, &c, 1));
	show_rc("read_huge_fd", read(99999, &c, 1));
	show_rc("lseek_bad_fd", lseek(77, 0, SEEK_SET));
	fd = open(notelf_path(), O_RDONLY);
	show_rc("write_readonly_fd", write(fd, "x", 1));
	close(fd);
}

int main(int argc, char **argv)
{
	(void)argc;
	self = self_exe(argv[0]);
	open_cases();
	openat_cases();
	read_cases();
	readv_cases();
	close_cases();
	return 0;
}
