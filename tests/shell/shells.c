/* shells: Debian's busybox-static and bash-static (glibc programs nobody
 * here wrote), run on Linux and on Pagoda with the same inputs.
 *
 * Each case runs one command line with stdin fed from a pipe and stdout and
 * stderr read back through another, and prints each output line as a case
 * line, then the exit status. Cases named bb_* run busybox
 * applets, bash_* run bash; *_script runs tests/shell/script.sh (pipelines,
 * redirections, subshells, command substitution, traps, kill) under each
 * shell. Utilities are always busybox's (./busybox APPLET: the cases run in
 * the directory of busybox and bash, /bin on Pagoda), never the host's. The harness compares
 * every line with the host's.
 */
#include "testlib.h"
#include <fcntl.h>

struct shell_case {
	const char *name;
	const char *input;         /* stdin (NULL: empty) */
	const char *argv[8];       /* argv[0] is "busybox" or "bash": found beside this program */
};

static const struct shell_case cases[] = {
	{ "bb_echo", NULL, { "busybox", "echo", "hello", "world" } },
	{ "bb_printf", NULL, { "busybox", "printf", "%05d|%s|%x\\n", "42", "str", "255" } },
	{ "bb_seq", NULL, { "busybox", "seq", "3", "3", "12" } },
	{ "bb_expr", NULL, { "busybox", "expr", "7", "*", "6" } },
	{ "bb_basename", NULL, { "busybox", "basename", "/a/b/c.txt", ".txt" } },
	{ "bb_dirname", NULL, { "busybox", "dirname", "/a/b/c.txt" } },
	{ "bb_tr", "hello\n", { "busybox", "tr", "a-z", "A-Z" } },
	{ "bb_wc", "one two\nthree\n", { "busybox", "wc" } },
	{ "bb_sort", "pear\napple\nfig\n", { "busybox", "sort", "-r" } },
	{ "bb_uniq", "a\na\nb\nb\nb\nc\n", { "busybox", "uniq", "-c" } },
	{ "bb_head", "1\n2\n3\n4\n", { "busybox", "head", "-n", "2" } },
	{ "bb_tail", "1\n2\n3\n4\n", { "busybox", "tail", "-n", "2" } },
	{ "bb_cut", "a:b:c\nd:e:f\n", { "busybox", "cut", "-d:", "-f2" } },
	{ "bb_sed", "hello world\n", { "busybox", "sed", "s/o/0/g" } },
	{ "bb_awk", "1 2\n3 4\n", { "busybox", "awk", "{ s += $1 * $2 } END { print s }" } },
	{ "bb_grep", "alpha\nbeta\ngamma\n", { "busybox", "grep", "-n", "a$" } },
	{ "bb_md5sum", "pagoda\n", { "busybox", "md5sum" } },
	{ "bb_sha256sum", "pagoda\n", { "busybox", "sha256sum" } },
	{ "bb_od", "AB\n", { "busybox", "od", "-c" } },
	{ "bb_factor", NULL, { "busybox", "factor", "360" } },
	{ "bb_rev", "abc\n", { "busybox", "rev" } },
	{ "bb_nl", "x\ny\n", { "busybox", "nl" } },
	{ "bb_base64", "pagoda\n", { "busybox", "base64" } },
	{ "bb_true", NULL, { "busybox", "true" } },
	{ "bb_false", NULL, { "busybox", "false" } },
	{ "bb_test", NULL, { "busybox", "test", "3", "-gt", "2" } },
	{ "bb_cat_stdin", "through cat\n", { "busybox", "cat" } },
	{ "bb_sh_pipeline", NULL, { "busybox", "sh", "-c", "echo b a c | ./busybox tr ' ' '\\n' | ./busybox sort | ./busybox head -n 2" } },
	{ "bb_taskset", NULL, { "busybox", "taskset", "1", "./busybox", "sh", "-c", "./busybox taskset -p $$ | ./busybox sed 's/.*: //'" } },
	{ "bb_sh_subst", NULL, { "busybox", "sh", "-c", "echo x$(echo y$(echo z))" } },
	{ "bb_sh_redirect", NULL, { "busybox", "sh", "-c", "echo hi > /tmp/bb_r; ./busybox cat /tmp/bb_r; ./busybox rm /tmp/bb_r" } },
	{ "bb_sh_status", NULL, { "busybox", "sh", "-c", "exit 42" } },
	{ "bb_sh_trap", NULL, { "busybox", "sh", "-c", "trap 'echo got' USR1; kill -USR1 $$; echo after" } },
	{ "bb_sh_script", NULL, { "busybox", "sh", "shtest.sh" } },
	{ "bb_ps_lists_itself", NULL, { "busybox", "sh", "-c", "./busybox ps | ./busybox grep -c '[.]/busybox ps$'" } },
	{ "bb_ps_columns", NULL, { "busybox", "sh", "-c", "./busybox ps | ./busybox head -n 1" } },
	{ "bb_ps_parent", NULL, { "busybox", "sh", "-c", "./busybox ps -o pid,ppid,comm | ./busybox awk -v me=$$ '$1 == me { print $3 }'" } },
	{ "bb_free_header", NULL, { "busybox", "sh", "-c", "./busybox free | ./busybox awk 'NR == 1 { print $1, $2, $3 } END { print NR }'" } },
	{ "bb_top_once", NULL, { "busybox", "sh", "-c", "./busybox top -b -n 1 | ./busybox grep -c '^Mem:'" } },
	{ "bash_echo", NULL, { "bash", "-c", "echo hello from bash" } },
	{ "bash_pipeline", NULL, { "bash", "-c", "printf '3\\n1\\n2\\n' | ./busybox sort -n | ./busybox tr '\\n' ,; echo" } },
	{ "bash_subst", NULL, { "bash", "-c", "a=$(echo $((3 + 4))); echo \"a=$a\"" } },
	{ "bash_subshell", NULL, { "bash", "-c", "(exit 9); echo $?" } },
	{ "bash_arrays", NULL, { "bash", "-c", "a=(x y z); echo ${#a[@]} ${a[1]}" } },
	{ "bash_trap", NULL, { "bash", "-c", "trap 'echo trapped' TERM; kill -TERM $$; echo after" } },
	{ "bash_status", NULL, { "bash", "-c", "false; echo $?; exit 3" } },
	{ "bash_read", "line one\n", { "bash", "-c", "read a b; echo \"$b/$a\"" } },
	{ "bash_script", NULL, { "bash", "shtest.sh" } },
};

/* Each output line as a case line of its own (the harness numbers repeats),
 * then the exit status. */
static void show_output(const char *name, char *buf, size_t n, int status)
{
	char status_name[64];

	buf[n] = 0;
	for (char *line = buf, *end; *line; line = end + 1) {
		end = strchr(line, '\n');
		if (!end)
			end = line + strlen(line) - 1;
		else
			*end = 0;
		say(name, "%s", line);
		if (!end[1])
			break;
	}
	snprintf(status_name, sizeof status_name, "%s_status", name);
	say(status_name, "%s", status_str(status));
}

/* tools_dir: where busybox and bash are: beside this program (the host's
 * build directory), or /bin (on Pagoda this program is in /test). */
static const char *tools_dir(const char *argv0)
{
	static char path[PATH_LEN];

	return access(prog_path(path, argv0, "busybox"), X_OK) == 0 ? prog_dir(argv0) : "/bin";
}

static void child(const struct shell_case *c, const char *argv0, int in, int out)
{
	char path[PATH_LEN], script[PATH_LEN];
	char *argv[8] = { 0 };

	signal(SIGPIPE, SIG_DFL);   /* the parent ignores it; the programs must not */
	dup2(in, 0);
	dup2(out, 1);
	dup2(out, 2);
	prog_path(script, argv0, "shtest.sh");   /* the script sits beside this program */
	for (int i = 0; i < 8 && c->argv[i]; i++)
		argv[i] = strcmp(c->argv[i], "shtest.sh") ? (char *)c->argv[i] : script;
	if (chdir(tools_dir(argv0)) != 0)
		_exit(126);
	snprintf(path, sizeof path, "./%s", c->argv[0]);
	execv(path, argv);
	_exit(127);
}

static void run_case(const struct shell_case *c, const char *argv0)
{
	int in[2], out[2];
	static char buf[8192];
	size_t n = 0;
	ssize_t r;

	if (pipe2(in, O_CLOEXEC) || pipe2(out, O_CLOEXEC))
		setup_fail("pipe2");
	pid_t pid = fork_flushed();
	if (pid == 0)
		child(c, argv0, in[0], out[1]);
	close(in[0]);
	close(out[1]);
	if (c->input && write(in[1], c->input, strlen(c->input)) < 0)
		setup_fail("write");
	close(in[1]);
	while ((r = read(out[0], buf + n, sizeof buf - 1 - n)) > 0)
		n += (size_t)r;
	close(out[0]);
	show_output(c->name, buf, n, reap(pid));
}

int main(int argc, char **argv)
{
	(void)argc;
	signal(SIGPIPE, SIG_IGN);
	for (size_t i = 0; i < ARRAY_SIZE(cases); i++)
		run_case(&cases[i], argv[0]);
	return 0;
}
