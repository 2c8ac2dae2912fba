/* symlinks: symbolic links in a scratch directory ($TEST_TMPDIR: tmpfs, or
 * ext2 in the ext2 suite): symlink/symlinkat and their errors, readlink,
 * lstat against stat, links followed inside a path and at its end, the
 * ELOOP limit (40 links), O_NOFOLLOW, AT_SYMLINK_NOFOLLOW, O_CREAT through
 * a dangling link, trailing slashes, and /proc/self and its links.
 */
#include <fcntl.h>
#include <limits.h>
#include "testlib.h"

static char buf[PATH_MAX];

static void touch(const char *name, const char *text)
{
	int fd = open(name, O_CREAT | O_WRONLY | O_TRUNC, 0644);

	if (fd < 0 || write(fd, text, strlen(text)) != (ssize_t)strlen(text))
		setup_fail(name);
	close(fd);
}

static const char *type_of(const char *name, int follow)
{
	struct stat st;

	if ((follow ? stat(name, &st) : lstat(name, &st)) != 0)
		return errno_name(errno);
	return S_ISLNK(st.st_mode) ? "link" : S_ISDIR(st.st_mode) ? "dir" : S_ISREG(st.st_mode) ? "file" : "other";
}

static void show_readlink(const char *case_name, const char *name)
{
	long n = readlink(name, buf, sizeof buf - 1);

	if (n < 0) {
		show_rc(case_name, n);
		return;
	}
	buf[n] = 0;
	say(case_name, "%ld %s", n, buf);
}

static void create_cases(void)
{
	show_rc("symlink_to_file", symlink("file", "fl"));
	show_rc("symlink_to_dir", symlink("d", "dl"));
	show_rc("symlink_dangling", symlink("nowhere", "dangle"));
	show_rc("symlinkat_cwd", symlinkat("file", AT_FDCWD, "fl2"));
	show_rc("symlink_exists", symlink("file", "fl"));
	show_rc("symlink_over_file", symlink("x", "file"));
	show_rc("symlink_empty_target", symlink("", "empty"));
	show_rc("symlink_target_efault", syscall(SYS_symlink, KERNEL_ADDR, "bad"));
	show_rc("symlink_path_efault", syscall(SYS_symlink, "file", KERNEL_ADDR));
	show_rc("symlink_trailing_slash_new", symlink("file", "newl/"));
	show_rc("symlink_trailing_slash_existing", symlink("file", "file/"));
	show_rc("symlink_in_missing_dir", symlink("file", "nodir/l"));
	show_rc("symlink_dot", symlink("file", "."));
	show_rc("symlinkat_badfd", symlinkat("file", 999, "l"));
	show_rc("mkdir_over_link", mkdir("dl", 0755));
	show_rc("mkdir_over_dangling", mkdir("dangle", 0755));
}

static void read_cases(void)
{
	struct stat st;

	show_readlink("readlink_fl", "fl");
	show_readlink("readlink_dangle", "dangle");
	show_rc("readlink_short_buffer", readlink("dangle", buf, 3));
	show_rc("readlink_file", readlink("file", buf, sizeof buf));
	show_rc("readlink_dir", readlink("d", buf, sizeof buf));
	show_rc("readlink_through_trailing_slash", readlink("dl/", buf, sizeof buf));
	show_rc("readlink_missing", readlink("missing", buf, sizeof buf));
	show_rc("readlink_efault_buf", syscall(SYS_readlink, "fl", KERNEL_ADDR, 10));
	show_rc("readlinkat_cwd", readlinkat(AT_FDCWD, "fl", buf, sizeof buf));
	say("lstat_fl", "%s", type_of("fl", 0));
	say("stat_fl", "%s", type_of("fl", 1));
	say("lstat_dl", "%s", type_of("dl", 0));
	say("stat_dl", "%s", type_of("dl", 1));
	say("lstat_dl_slash", "%s", type_of("dl/", 0));
	say("lstat_fl_slash", "%s", type_of("fl/", 0));
	say("stat_dangle", "%s", type_of("dangle", 1));
	say("lstat_dangle", "%s", type_of("dangle", 0));
	show_rc("lstat_size", lstat("fl", &st) ? -1 : (long)st.st_size);
	show_rc("lstat_nlink", lstat("fl", &st) ? -1 : (long)st.st_nlink);
	show_rc("lstat_perm", lstat("fl", &st) ? -1 : (long)(st.st_mode & 07777));
	show_rc("fstatat_nofollow_is_link", fstatat(AT_FDCWD, "fl", &st, AT_SYMLINK_NOFOLLOW) ? -1 : S_ISLNK(st.st_mode));
	show_rc("fstatat_follow_is_reg", fstatat(AT_FDCWD, "fl", &st, 0) ? -1 : S_ISREG(st.st_mode));
	show_rc("access_through_link", access("fl", R_OK));
	show_rc("access_dangling", access("dangle", F_OK));
}

static void walk_cases(void)
{
	struct stat st;
	int fd;

	touch("d/inner", "inner\n");
	say("stat_through_dir_link", "%s", type_of("dl/inner", 1));
	say("dotdot_after_link", "%s", type_of("dl/../file", 1));
	show_rc("link_as_dir_component_of_file", stat("fl/x", &(struct stat){ 0 }));
	fd = open("fl", O_RDONLY);
	show_ok("open_follows", fd);
	show_rc("read_through_link", read(fd, buf, 5));
	close(fd);
	show_rc("open_nofollow_link", open("fl", O_RDONLY | O_NOFOLLOW));
	fd = open("dl/inner", O_RDONLY | O_NOFOLLOW);
	show_ok("open_nofollow_inner_component", fd);
	close(fd);
	show_rc("open_dangling", open("dangle", O_RDONLY));
	show_rc("open_excl_dangling", open("dangle", O_CREAT | O_EXCL | O_WRONLY, 0644));
	show_rc("open_excl_link", open("fl", O_CREAT | O_EXCL | O_WRONLY, 0644));
	show_rc("open_creat_nofollow_link", open("fl", O_CREAT | O_NOFOLLOW | O_WRONLY, 0644));
	fd = open("dangle", O_CREAT | O_WRONLY, 0644);
	show_ok("open_creat_through_dangling", fd);
	close(fd);
	say("target_created", "%s", type_of("nowhere", 0));
	show_rc("open_directory_through_link", (fd = open("dl", O_RDONLY | O_DIRECTORY)) < 0 ? -1 : close(fd));
	show_rc("open_directory_file_link", open("fl", O_RDONLY | O_DIRECTORY));
	show_rc("chdir_through_link", chdir("dl"));
	show_yes("cwd_is_target", getcwd(buf, sizeof buf) && strlen(buf) > 2 && !strcmp(buf + strlen(buf) - 2, "/d"));
	show_rc("chdir_back", chdir(".."));
	show_rc("truncate_through_link", truncate("fl", 2));
	show_rc("size_after_truncate", stat("file", &st) ? -1 : (long)st.st_size);
}

static void loop_cases(void)
{
	char name[16], target[16];

	show_rc("loop_a", symlink("loopb", "loopa"));
	show_rc("loop_b", symlink("loopa", "loopb"));
	say("stat_loop", "%s", type_of("loopa", 1));
	say("lstat_loop", "%s", type_of("loopa", 0));
	show_rc("open_loop", open("loopa", O_RDONLY));
	show_rc("self_loop", symlink("self", "self"));
	say("stat_self_loop_component", "%s", type_of("self/x", 1));
	for (int i = 1; i <= 41; i++) {
		snprintf(name, sizeof name, "c%d", i);
		snprintf(target, sizeof target, i == 1 ? "file" : "c%d", i - 1);
		if (symlink(target, name))
			setup_fail("symlink chain");
	}
	say("chain_40_links", "%s", type_of("c40", 1));
	say("chain_41_links", "%s", type_of("c41", 1));
	say("chain_40_as_dir_component", "%s", type_of("c40/", 1));
	for (int i = 1; i <= 41; i++) {
		snprintf(name, sizeof name, "c%d", i);
		unlink(name);
	}
	/* nested: each link's text goes through the one before it */
	for (int i = 1; i <= 41; i++) {
		snprintf(name, sizeof name, "m%d", i);
		snprintf(target, sizeof target, i == 1 ? "d" : "m%d/.", i - 1);
		if (symlink(target, name))
			setup_fail("symlink nest");
	}
	say("nested_40_links", "%s", type_of("m40", 1));
	say("nested_40_then_file", "%s", type_of("m39/inner", 1));
	say("nested_41_links", "%s", type_of("m41", 1));
	say("nested_lstat", "%s", type_of("m41", 0));
	for (int i = 1; i <= 41; i++) {
		snprintf(name, sizeof name, "m%d", i);
		unlink(name);
	}
	show_rc("abs_link", symlink("/proc/self/cwd/d", "abs"));
	say("absolute_through_proc", "%s", type_of("abs/inner", 1));
	show_rc("unlink_abs", unlink("abs"));
	unlink("loopa");
	unlink("loopb");
	unlink("self");
}

static void change_cases(void)
{
	show_rc("rmdir_dir_link", rmdir("dl"));
	show_rc("unlink_dir_link_slash", unlink("dl/"));
	show_rc("rename_link", rename("fl2", "fl3"));
	show_readlink("renamed_link_text", "fl3");
	show_rc("unlink_link", unlink("fl3"));
	say("target_survives_unlink", "%s", type_of("file", 1));
	show_rc("unlink_dangle", unlink("dangle"));
	show_rc("unlink_nowhere", unlink("nowhere"));
	memset(buf, 'x', 200);
	buf[200] = 0;
	show_rc("symlink_long_target", symlink(buf, "longl"));
	show_rc("readlink_long_target", readlink("longl", buf + 300, 400));
	show_yes("long_target_text", !memcmp(buf, buf + 300, 200));
	show_rc("unlink_longl", unlink("longl"));
	show_rc("unlink_fl", unlink("fl"));
	show_rc("unlink_dl", unlink("dl"));
	show_rc("unlink_inner", unlink("d/inner"));
}

/* A pipe's /proc/self/fd link: it reads "pipe:[...]" and opens the same pipe. */
static void pipe_cases(void)
{
	int p[2];
	char name[64], c = 0;

	if (pipe(p))
		setup_fail("pipe");
	snprintf(name, sizeof name, "/proc/self/fd/%d", p[0]);
	long n = readlink(name, buf, sizeof buf - 1);
	buf[n > 0 ? n : 0] = 0;
	show_yes("pipe_link_text", !strncmp(buf, "pipe:[", 6));
	int again = open(name, O_RDONLY);
	show_ok("pipe_reopen_read_end", again);
	show_rc("write_pipe", write(p[1], "z", 1));
	show_rc("read_reopened", read(again, &c, 1));
	say("reopened_byte", "%c", c);
	snprintf(name, sizeof name, "/proc/self/fd/%d", p[1]);
	int w2 = open(name, O_WRONLY);
	show_ok("pipe_reopen_write_end", w2);
	show_rc("pipe_link_as_dir", open(strcat(name, "/x"), O_RDONLY));
	close(p[1]);
	show_rc("write_through_reopened", write(w2, "y", 1));
	show_rc("read_original", read(p[0], &c, 1));
	say("original_byte", "%c", c);
	close(w2);
	show_rc("eof_when_writers_gone", read(again, &c, 1));
	close(again);
	close(p[0]);
}

/* /dev/fd and /dev/std{in,out,err}: links into /proc/self/fd. */
static void dev_fd_cases(void)
{
	struct stat a, b;
	char name[64];

	show_readlink("dev_fd", "/dev/fd");
	show_readlink("dev_stdin", "/dev/stdin");
	show_readlink("dev_stdout", "/dev/stdout");
	show_readlink("dev_stderr", "/dev/stderr");
	int fd = open("file", O_RDONLY);
	snprintf(name, sizeof name, "/dev/fd/%d", fd);
	int again = open(name, O_RDONLY);
	show_yes("dev_fd_reopens_file", again >= 0 && fstat(again, &a) == 0 && fstat(fd, &b) == 0 && a.st_ino == b.st_ino);
	close(again);
	close(fd);
	show_rc("dev_fd_closed", open(name, O_RDONLY));
}

static void proc_cases(void)
{
	struct stat a, b;
	char pid[16], cwd[PATH_MAX];
	long n;
	int fd;

	say("proc_self_lstat", "%s", type_of("/proc/self", 0));
	say("proc_self_stat", "%s", type_of("/proc/self", 1));
	snprintf(pid, sizeof pid, "%d", (int)getpid());
	n = readlink("/proc/self", buf, sizeof buf - 1);
	buf[n > 0 ? n : 0] = 0;
	show_yes("proc_self_names_pid", !strcmp(buf, pid));
	say("proc_self_exe_lstat", "%s", type_of("/proc/self/exe", 0));
	say("proc_self_exe_stat", "%s", type_of("/proc/self/exe", 1));
	say("proc_self_cwd_stat", "%s", type_of("/proc/self/cwd", 1));
	n = readlink("/proc/self/cwd", buf, sizeof buf - 1);
	buf[n > 0 ? n : 0] = 0;
	show_yes("proc_self_cwd_is_getcwd", getcwd(cwd, sizeof cwd) && !strcmp(buf, cwd));
	show_yes("proc_self_cwd_file", stat("/proc/self/cwd/file", &a) == 0 && S_ISREG(a.st_mode));
	fd = open("file", O_RDONLY);
	snprintf(cwd, sizeof cwd, "/proc/self/fd/%d", fd);
	show_yes("proc_fd_is_link", lstat(cwd, &a) == 0 && S_ISLNK(a.st_mode));
	show_yes("proc_fd_stat_is_file", stat(cwd, &a) == 0 && fstat(fd, &b) == 0 && a.st_ino == b.st_ino);
	int fd2 = open(cwd, O_RDONLY);
	show_yes("proc_fd_reopen_same_file", fd2 >= 0 && fstat(fd2, &a) == 0 && a.st_ino == b.st_ino);
	close(fd2);
	close(fd);
	show_yes("proc_self_dir_is_pid_dir", stat("/proc/self/", &a) == 0 && stat(strcat(strcpy(cwd, "/proc/"), pid), &b) == 0 &&
		 a.st_ino == b.st_ino);
	show_rc("proc_self_readlink_nolink", readlink("/proc/self/stat", buf, sizeof buf));
	pipe_cases();
	dev_fd_cases();
}

int main(void)
{
	const char *dir = scratch_dir("symlinks");

	if (chdir(dir))
		setup_fail("chdir");
	touch("file", "hello\n");
	if (mkdir("d", 0755))
		setup_fail("mkdir");
	create_cases();
	read_cases();
	walk_cases();
	loop_cases();
	proc_cases();
	change_cases();
	show_rc("rmdir_d", rmdir("d"));
	show_rc("unlink_file", unlink("file"));
	show_rc("chdir_out", chdir("/"));
	show_rc("rmdir_scratch", rmdir(dir));
	return 0;
}
