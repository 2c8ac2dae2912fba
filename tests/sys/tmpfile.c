/* tmpfile: open(O_TMPFILE) in a scratch directory ($TEST_TMPDIR: tmpfs, or
 * ext2 in the ext2 suite): a file with
 * no name (link count 0) that reads and writes, disappears at the last
 * close, and gets a name with linkat through /proc/self/fd (not when made
 * with O_EXCL); the flag errors Linux checks first.
 */
#include <fcntl.h>
#include "testlib.h"

static char path[64];

static const char *fd_path(int fd)
{
	snprintf(path, sizeof path, "/proc/self/fd/%d", fd);
	return path;
}

int main(void)
{
	struct stat st;
	char buf[8] = { 0 };
	const char *dir = scratch_dir("tmpfile");

	if (chdir(dir))
		setup_fail("chdir");
	int fd = open(".", O_TMPFILE | O_RDWR, 0600);
	show_ok("tmpfile_open", fd);
	show_rc("tmpfile_nlink", fstat(fd, &st) ? -1 : (long)st.st_nlink);
	show_yes("tmpfile_regular", S_ISREG(st.st_mode));
	show_rc("tmpfile_perm", (long)(st.st_mode & 0777));
	show_rc("tmpfile_write", write(fd, "temp", 4));
	show_rc("tmpfile_pread", pread(fd, buf, 4, 0));
	say("tmpfile_text", "%s", buf);
	show_rc("linkat_proc_fd", linkat(AT_FDCWD, fd_path(fd), AT_FDCWD, "named", AT_SYMLINK_FOLLOW));
	show_rc("named_nlink", stat("named", &st) ? -1 : (long)st.st_nlink);
	show_rc("named_size", (long)st.st_size);
	show_rc("linkat_again", linkat(AT_FDCWD, fd_path(fd), AT_FDCWD, "named2", AT_SYMLINK_FOLLOW));
	show_rc("nlink_two", stat("named", &st) ? -1 : (long)st.st_nlink);
	close(fd);
	show_rc("unlink_named", unlink("named"));
	show_rc("unlink_named2", unlink("named2"));
	fd = open(".", O_TMPFILE | O_WRONLY | O_EXCL, 0600);
	show_ok("tmpfile_excl", fd);
	show_rc("linkat_excl_tmpfile", linkat(AT_FDCWD, fd_path(fd), AT_FDCWD, "never", AT_SYMLINK_FOLLOW));
	show_rc("linkat_empty_path", linkat(fd, "", AT_FDCWD, "never", AT_EMPTY_PATH));
	close(fd);
	show_rc("tmpfile_rdonly", open(".", O_TMPFILE | O_RDONLY, 0600));
	show_rc("tmpfile_with_creat", open(".", O_TMPFILE | O_CREAT | O_RDWR, 0600));
	show_rc("tmpfile_without_directory", open(".", 020000000 /* __O_TMPFILE */ | O_RDWR, 0600));
	show_rc("tmpfile_bad_flags_bad_path", syscall(SYS_open, KERNEL_ADDR, O_TMPFILE | O_RDONLY, 0600));
	show_rc("tmpfile_on_file", (close(open("f", O_CREAT | O_WRONLY, 0644)), open("f", O_TMPFILE | O_RDWR, 0600)));
	show_rc("tmpfile_missing_dir", open("nodir", O_TMPFILE | O_RDWR, 0600));
	show_rc("tmpfile_efault", syscall(SYS_open, KERNEL_ADDR, O_TMPFILE | O_RDWR, 0600));
	fd = open(".", O_TMPFILE | O_RDWR, 0600);
	show_rc("linkat_empty_path_linkable", linkat(fd, "", AT_FDCWD, "viaempty", AT_EMPTY_PATH));
	close(fd);
	show_rc("unlink_viaempty", unlink("viaempty"));
	unlink("f");
	show_rc("chdir_out", chdir("/"));
	show_rc("rmdir_scratch", rmdir(dir));
	return 0;
}
