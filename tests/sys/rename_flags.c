/* rename_flags: renameat2's RENAME_NOREPLACE and RENAME_EXCHANGE in a
 * scratch directory ($TEST_TMPDIR: tmpfs, or ext2 in the ext2 suite):
 * files and directories swapped within one directory and across two (".."
 * and link counts follow), the errors for a missing name, a directory into
 * its own subtree, trailing slashes, and flag combinations.
 */
#include <fcntl.h>
#include "testlib.h"

#ifndef RENAME_NOREPLACE
#define RENAME_NOREPLACE 1
#define RENAME_EXCHANGE 2
#define RENAME_WHITEOUT 4
#endif

static long rename2(const char *a, const char *b, unsigned flags)
{
	return syscall(SYS_renameat2, AT_FDCWD, a, AT_FDCWD, b, flags);
}

static void touch(const char *name, const char *text)
{
	int fd = open(name, O_CREAT | O_WRONLY | O_TRUNC, 0644);

	if (fd < 0 || write(fd, text, strlen(text)) != (ssize_t)strlen(text))
		setup_fail(name);
	close(fd);
}

static const char *content(const char *name)
{
	static char buf[32];
	int fd = open(name, O_RDONLY);
	long n = fd < 0 ? -1 : read(fd, buf, sizeof buf - 1);

	if (fd >= 0)
		close(fd);
	if (n < 0)
		return errno_name(errno);
	buf[n] = 0;
	return buf;
}

static long nlink_of(const char *name)
{
	struct stat st;

	return lstat(name, &st) ? -1 : (long)st.st_nlink;
}

static void noreplace_cases(void)
{
	show_rc("noreplace_existing", rename2("a", "b", RENAME_NOREPLACE));
	show_rc("noreplace_new", rename2("a", "a2", RENAME_NOREPLACE));
	show_rc("noreplace_back", rename2("a2", "a", RENAME_NOREPLACE));
	show_rc("noreplace_missing_source", rename2("nosuch", "x", RENAME_NOREPLACE));
	show_rc("noreplace_onto_dot", rename2("a", ".", RENAME_NOREPLACE));
	show_rc("noreplace_and_exchange", rename2("a", "b", RENAME_NOREPLACE | RENAME_EXCHANGE));
	show_rc("whiteout_and_exchange", rename2("a", "b", RENAME_WHITEOUT | RENAME_EXCHANGE));
	show_rc("unknown_flag", rename2("a", "b", 8));
}

static void exchange_cases(void)
{
	show_rc("exchange_files", rename2("a", "b", RENAME_EXCHANGE));
	say("a_after", "%s", content("a"));
	say("b_after", "%s", content("b"));
	show_rc("exchange_missing_new", rename2("a", "nosuch", RENAME_EXCHANGE));
	show_rc("exchange_missing_old", rename2("nosuch", "a", RENAME_EXCHANGE));
	show_rc("exchange_same", rename2("a", "a", RENAME_EXCHANGE));
	show_rc("exchange_file_dir", rename2("a", "d1", RENAME_EXCHANGE));
	say("d1_is_file", "%s", content("d1"));
	say("a_is_dir_inner", "%s", content("a/inner"));
	show_rc("exchange_back", rename2("d1", "a", RENAME_EXCHANGE));
	show_rc("exchange_across_dirs", rename2("a", "d2/x", RENAME_EXCHANGE));
	say("moved_file", "%s", content("d2/x"));
	show_rc("exchange_dir_across", rename2("d1", "d2/x", RENAME_EXCHANGE));
	say("dir_moved_inner", "%s", content("d2/x/inner"));
	say("dotdot_follows", "%s", content("d2/x/../marker"));
	show_rc("top_nlink", nlink_of("."));
	show_rc("d2_nlink", nlink_of("d2"));
	show_rc("exchange_dir_back", rename2("d1", "d2/x", RENAME_EXCHANGE));
	show_rc("d2_nlink_back", nlink_of("d2"));
	show_rc("exchange_into_own_subtree", rename2("d1", "d1/sub", RENAME_EXCHANGE));
	show_rc("exchange_parent_with_child", rename2("d1/sub", "d1", RENAME_EXCHANGE));
	show_rc("exchange_trailing_slash_file", rename2("a/", "b", RENAME_EXCHANGE));
	show_rc("exchange_trailing_slash_dirs", rename2("d1/", "d2/", RENAME_EXCHANGE));
	show_rc("exchange_dirs_back", rename2("d1", "d2", RENAME_EXCHANGE));
	show_rc("exchange_efault", syscall(SYS_renameat2, AT_FDCWD, KERNEL_ADDR, AT_FDCWD, "a", RENAME_EXCHANGE));
}

int main(void)
{
	const char *dir = scratch_dir("rename_flags");

	if (chdir(dir) || mkdir("d1", 0755) || mkdir("d2", 0755) || mkdir("d1/sub", 0755))
		setup_fail("setup");
	touch("a", "A");
	touch("b", "B");
	touch("d1/inner", "inner");
	touch("d2/x", "X");
	touch("d2/marker", "d2's");
	noreplace_cases();
	exchange_cases();
	unlink("a");
	unlink("b");
	unlink("d1/inner");
	unlink("d2/x");
	unlink("d2/marker");
	rmdir("d1/sub");
	show_rc("rmdir_d1", rmdir("d1"));
	show_rc("rmdir_d2", rmdir("d2"));
	show_rc("chdir_out", chdir("/"));
	show_rc("rmdir_scratch", rmdir(dir));
	return 0;
}
