/* execve: the new image replaces the old one, sees exactly the argv and envp
 * it was given, keeps its pid and open files, and loses the old memory; a
 * failing execve returns an error and leaves the caller untouched.
 *
 * The test re-executes itself (argv[0] names the binary) in helper modes:
 *   execve --show TAG ARGS...   print what the new image sees
 *   execve --pid PID            is getpid() still PID?
 *   execve --fd FD              is FD still open on a file starting "this"?
 *   execve --gone ADDR          is the old image's mapping at ADDR gone?
 *   execve --many N             are argv[3..] "arg0".."arg{N-1}" exactly?
 *   execve --long               is argv[2] 20000 bytes long?
 */
#include <fcntl.h>
#include "testlib.h"

extern char **environ;

static int image_global = 7;	/* a fresh image always starts at 7 */
static const char *self;

static void join(char *out, size_t len, char **v)
{
	out[0] = '\0';
	for (int i = 0; v && v[i]; i++) {
		if (i)
			strncat(out, "|", len - strlen(out) - 1);
		strncat(out, v[i], len - strlen(out) - 1);
	}
	if (!v || !v[0])
		snprintf(out, len, "(none)");
}

static int count(char **v)
{
	int n = 0;

	while (v && v[n])
		n++;
	return n;
}

static int helper_show(int argc, char **argv)
{
	char buf[1024], name[64];
	const char *tag = argv[2];

	snprintf(name, sizeof name, "%s_argc", tag);
	say(name, "%d", argc);
	join(buf, sizeof buf, argv);
	snprintf(name, sizeof name, "%s_argv", tag);
	say(name, "%s", buf);
	snprintf(name, sizeof name, "%s_envc", tag);
	say(name, "%d", count(environ));
	join(buf, sizeof buf, environ);
	snprintf(name, sizeof name, "%s_env", tag);
	say(name, "%s", buf);
	snprintf(name, sizeof name, "%s_global", tag);
	say(name, "%d", image_global);
	return 0;
}

static int helper_many(char **argv)
{
	int n = atoi(argv[2]);
	char want[32];

	for (int i = 0; i < n; i++) {
		snprintf(want, sizeof want, "arg%d", i);
		if (!argv[3 + i] || strcmp(argv[3 + i], want))
			return 1;
	}
	return argv[3 + n] == NULL && count(environ) == 40 ? 0 : 2;
}

static int helper_fd(char **argv)
{
	char head[4];

	if (read(atoi(argv[2]), head, 4) != 4)
		return 1;
	return memcmp(head, "this", 4) == 0 ? 0 : 2;
}

static int helper(int argc, char **argv)
{
	if (!strcmp(argv[1], "--show"))
		return helper_show(argc, argv);
	if (!strcmp(argv[1], "--pid"))
		return getpid() == atoi(argv[2]) ? 0 : 1;
	if (!strcmp(argv[1], "--fd"))
		return helper_fd(argv);
	if (!strcmp(argv[1], "--gone"))
		return can_read((void *)strtoul(argv[2], NULL, 16)) ? 1 : 0;
	if (!strcmp(argv[1], "--many"))
		return helper_many(argv);
	if (!strcmp(argv[1], "--long"))
		return strlen(argv[2]) == 20000 ? 0 : 1;
	return 100;
}

/* exec_status: run self with argv/envp in a child that first sets
 * image_global, and return the child's status. */
static int exec_status(char **argv, char **envp)
{
	pid_t pid = fork_flushed();

	if (pid == 0) {
		image_global = 99;
		execve(self, argv, envp);
		_exit(120 + (errno & 7));
	}
	return reap(pid);
}

static void show_images(void)
{
	char *argv1[] = { "execve", "--show", "basic", "x", "y z", "", NULL };
	char *env1[] = { "A=1", "B=two", "EMPTY=", NULL };
	char *argv2[] = { "custom-argv0", "--show", "noenv", NULL };
	char *empty[] = { NULL };

	show_status("exec_show_basic", exec_status(argv1, env1));
	show_status("exec_show_empty_env", exec_status(argv2, empty));
	argv2[2] = "nullenv";
	show_status("exec_show_null_envp", exec_status(argv2, NULL));
}

static void show_kept(void)
{
	char pidbuf[32], fdbuf[32], addrbuf[32];
	char *argv_pid[] = { "execve", "--pid", pidbuf, NULL };
	char *argv_fd[] = { "execve", "--fd", fdbuf, NULL };
	char *argv_gone[] = { "execve", "--gone", addrbuf, NULL };
	char path[PATH_LEN];
	char *old = map_anon(16 * PAGE, PROT_READ | PROT_WRITE);
	pid_t pid = fork_flushed();

	if (pid == 0) {
		snprintf(pidbuf, sizeof pidbuf, "%d", getpid());
		execve(self, argv_pid, NULL);
		_exit(99);
	}
	show_status("exec_keeps_pid", reap(pid));
	int fd = open(prog_path(path, self, "notelf"), O_RDONLY);
	snprintf(fdbuf, sizeof fdbuf, "%d", fd);
	show_status("exec_keeps_open_fd", exec_status(argv_fd, NULL));
	close(fd);
	memset(old, 1, 16 * PAGE);
	snprintf(addrbuf, sizeof addrbuf, "%lx", (unsigned long)old);
	show_status("exec_drops_old_mappings", exec_status(argv_gone, NULL));
}

static void show_big_args(void)
{
	static char strings[300][8], envs[40][16], big[20001];
	char *argv[304] = { "execve", "--many", "300" };
	char *envp[41];
	char *argv_long[] = { "execve", "--long", big, NULL };

	for (int i = 0; i < 300; i++) {
		snprintf(strings[i], sizeof strings[i], "arg%d", i);
		argv[3 + i] = strings[i];
	}
	argv[303] = NULL;
	for (int i = 0; i < 40; i++) {
		snprintf(envs[i], sizeof envs[i], "VAR%d=%d", i, i * i);
		envp[i] = envs[i];
	}
	envp[40] = NULL;
	show_status("exec_300_args_40_env", exec_status(argv, envp));
	memset(big, 'q', 20000);
	show_status("exec_20000_byte_arg", exec_status(argv_long, NULL));
}

static void show_failures(void)
{
	char path[PATH_LEN];
	char *argv[] = { "x", NULL };

	image_global = 55;
	show_rc("exec_missing", execve(prog_path(path, self, "no_such_program"), argv, NULL));
	show_rc("exec_not_elf", execve(prog_path(path, self, "notelf"), argv, NULL));
	show_rc("exec_directory", execve(prog_dir(self), argv, NULL));
	show_rc("exec_through_file", execve(prog_path(path, self, "notelf/x"), argv, NULL));
	show_rc("exec_empty_path", execve("", argv, NULL));
	show_rc("exec_path_kernel", execve((char *)KERNEL_ADDR, argv, NULL));
	show_rc("exec_path_unmapped", execve(unmapped_page(), argv, NULL));
	show_rc("exec_argv_kernel", execve(self, (char **)KERNEL_ADDR, NULL));
	char *bad_argv[] = { "x", (char *)NONCANON_ADDR, NULL };
	show_rc("exec_argv_string_noncanonical", execve(self, bad_argv, NULL));
	show_rc("exec_envp_kernel", execve(self, argv, (char **)KERNEL_ADDR));
	show_yes("alive_after_failed_execs", image_global == 55);
}

static void exec_other(void)
{
	char path[PATH_LEN];
	char *argv[] = { "exit_status", "--exit", "17", NULL };
	pid_t pid = fork_flushed();

	if (pid == 0) {
		execve(prog_path(path, self, "exit_status"), argv, NULL);
		_exit(99);
	}
	show_status("exec_other_program", reap(pid));
}

int main(int argc, char **argv)
{
	self = self_exe(argv[0]);
	if (argc > 2)
		return helper(argc, argv);
	show_images();
	show_kept();
	show_big_args();
	show_failures();
	exec_other();
	return 0;
}
