/* sh: the Pagoda shell.
 *
 *   pagoda$ help            the builtins and how commands are found
 *   pagoda$ ls [DIR]        the names in DIR (default /bin), sorted
 *   pagoda$ exit [N]        leave the shell (init starts a new one)
 *   pagoda$ NAME ARGS...    run /bin/NAME, else /test/NAME (a test program), or
 *                           NAME itself if it contains '/'
 *
 * Batch use, as system(3) and scripts need: `sh -c 'LINE'` runs one line and
 * `sh FILE` runs FILE's lines (a '#' line is a comment), each exiting with
 * the status of the last command (128+N when signal N killed it), printing
 * no prompt and no [exit N] reports. Only words are understood: for
 * pipelines, redirections, variables and control flow use busybox's POSIX
 * sh, which the ramdisk carries as /bin/busybox (`busybox sh -c ...`).
 *
 * The console is raw: it echoes nothing and hands over every byte, so the
 * shell does its own line editing. Printable bytes are echoed and appended;
 * backspace (0x08) and DEL (0x7f) erase one character, Ctrl-U the whole line,
 * Ctrl-C abandons it; Enter is '\r' or '\n' (a '\n' straight after a '\r'
 * ends no second line). End of input (read returns 0, or Ctrl-D on an empty
 * line) leaves the shell, which is what makes `printf 'ls\n' | sh` work.
 *
 * Invariants: the line buffer always holds exactly what the screen shows after
 * the prompt (len bytes, 0 <= len < LINE_MAX); the shell writes with write(2)
 * only, so nothing sits in a stdio buffer when it forks.
 */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

enum { LINE_MAX_LEN = 256, MAX_ARGS = 32, MAX_NAMES = 512 };

static const char PROMPT[] = "pagoda$ ";
extern char **environ;

/* ---- output ------------------------------------------------------------ */

static void out(const char *s)
{
	size_t len = strlen(s);

	while (len > 0) {
		ssize_t n = write(1, s, len);
		if (n <= 0)
			return;
		s += n;
		len -= (size_t)n;
	}
}

__attribute__((format(printf, 1, 2)))
static void outf(const char *fmt, ...)
{
	char buf[512];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(buf, sizeof buf, fmt, ap);
	va_end(ap);
	out(buf);
}

/* ---- input: one byte at a time from a small buffer ---------------------- */

static char in_buf[128];
static size_t in_len, in_pos;

/* read_byte: the next input byte, or -1 at end of input. */
static int read_byte(void)
{
	ssize_t n;

	if (in_pos == in_len) {
		do
			n = read(0, in_buf, sizeof in_buf);
		while (n < 0 && errno == EINTR);
		if (n <= 0)
			return -1;
		in_len = (size_t)n;
		in_pos = 0;
	}
	return (unsigned char)in_buf[in_pos++];
}

/* ---- line editing ------------------------------------------------------- */

struct line {
	char buf[LINE_MAX_LEN];
	size_t len;
	int after_cr;	/* the previous byte was '\r': swallow one '\n' */
};

static void erase_one(struct line *l)
{
	if (l->len == 0)
		return;
	l->len--;
	out("\b \b");
}

static void append(struct line *l, char c)
{
	char echo[2] = { c, 0 };

	if (l->len + 1 >= sizeof l->buf)
		return;
	l->buf[l->len++] = c;
	out(echo);
}

/* edit: apply one input byte. Returns 1 when the line is complete, -1 when
 * the shell should leave (Ctrl-D on an empty line), 0 otherwise. */
static int edit(struct line *l, int c)
{
	int was_cr = l->after_cr;

	l->after_cr = (c == '\r');
	if (c == '\n' && was_cr)
		return 0;
	if (c == '\r' || c == '\n') {
		out("\n");
		return 1;
	}
	if (c == 0x7f || c == 0x08)
		erase_one(l);
	else if (c == 0x15)		/* Ctrl-U */
		while (l->len > 0)
			erase_one(l);
	else if (c == 0x03) {		/* Ctrl-C */
		l->len = 0;
		out("^C\n");
		out(PROMPT);
	} else if (c == 0x04 && l->len == 0)	/* Ctrl-D */
		return -1;
	else if (c >= 0x20 && c < 0x7f)
		append(l, (char)c);
	return 0;
}

/* read_line: prompt and collect one line into l->buf (NUL-terminated).
 * Returns 0 at end of input with nothing typed. */
static int read_line(struct line *l)
{
	int c, done = 0;

	l->len = 0;
	out(PROMPT);
	while (!done) {
		c = read_byte();
		if (c < 0) {
			if (l->len == 0) {
				out("\n");
				return 0;
			}
			out("\n");
			break;
		}
		done = edit(l, c);
		if (done < 0)
			return 0;
	}
	l->buf[l->len] = '\0';
	return 1;
}

/* split_words: cut s in place at blanks; returns the word count. */
static int split_words(char *s, char **argv)
{
	int argc = 0;

	while (*s && argc < MAX_ARGS - 1) {
		while (*s == ' ' || *s == '\t')
			*s++ = '\0';
		if (!*s)
			break;
		argv[argc++] = s;
		while (*s && *s != ' ' && *s != '\t')
			s++;
	}
	argv[argc] = NULL;
	return argc;
}

/* ---- builtins ----------------------------------------------------------- */

/* What `help` lists, in groups: every program a student runs by hand. */
static const char *const help_groups[][2] = {
	{ "Builtins", NULL },
	{ "help", "this text" },
	{ "ls [DIR]", "list DIR (default /bin)" },
	{ "exit [N]", "leave the shell with status N" },
	{ "Demos (CS:APP chapter 9)", NULL },
	{ "demo_lazy", "9.3/9.8 demand paging: mmap 8 pages, touch 4, count the faults" },
	{ "demo_cow", "9.8.2 fork and copy-on-write: who copies, who reuses" },
	{ "memhog", "9.3 take memory until the kernel kills the hog (out of memory)" },
	{ "crash [CASE]", "9.11 one memory bug per case, each caught by the VM (no CASE: all)" },
	{ "Tools", NULL },
	{ "vmstat [CMD]", "the VM counters explained, or what CMD changed" },
	{ "faultlog [PROG]", "the last page faults, one line each (boot with trace=fault to watch)" },
	{ "maps", "this process's areas with resident sizes (/proc/self/smaps)" },
	{ "mdriver -v TRACE", "9.9 the malloc-lab driver (traces in /traces)" },
	{ "Tests", NULL },
	{ "ls /test", "the test programs (run one by its name)" },
	{ "runner NAME...", "run test programs, framed for the harness (tests/README.md)" },
};

static void builtin_help(void)
{
	for (size_t i = 0; i < sizeof help_groups / sizeof help_groups[0]; i++) {
		if (!help_groups[i][1])
			outf("%s%s:\n", i ? "\n" : "", help_groups[i][0]);
		else
			outf("  %-17s %s\n", help_groups[i][0], help_groups[i][1]);
	}
	out("\nAnything else runs /bin/NAME, else /test/NAME (or a path with '/') with its arguments;\n"
	    "a non-zero exit prints [exit N], a fatal signal [killed by SIGNAME].\n"
	    "Editing: backspace, Ctrl-U erases the line, Ctrl-C abandons it.\n");
}

struct linux_dirent64 {
	unsigned long long d_ino;
	long long d_off;
	unsigned short d_reclen;
	unsigned char d_type;
	char d_name[];
};

static char name_store[16384];
static const char *names[MAX_NAMES];

static int by_name(const void *a, const void *b)
{
	return strcmp(*(const char *const *)a, *(const char *const *)b);
}

/* collect_names: every entry of the open directory fd except "." and "..",
 * copied into name_store; returns how many. */
static int collect_names(int fd)
{
	char buf[2048];
	size_t used = 0;
	int count = 0;
	long n;

	while ((n = syscall(SYS_getdents64, fd, buf, sizeof buf)) > 0) {
		for (long off = 0; off < n;) {
			struct linux_dirent64 *d = (void *)(buf + off);
			size_t len = strlen(d->d_name) + 1;

			off += d->d_reclen;
			if (!strcmp(d->d_name, ".") || !strcmp(d->d_name, ".."))
				continue;
			if (count == MAX_NAMES || used + len > sizeof name_store)
				return count;
			names[count++] = memcpy(name_store + used, d->d_name, len);
			used += len;
		}
	}
	return count;
}

static void print_columns(int count)
{
	size_t col = 0;

	for (int i = 0; i < count; i++) {
		size_t w = strlen(names[i]) + 2;

		if (col > 0 && col + w > 78) {
			out("\n");
			col = 0;
		}
		outf("%s  ", names[i]);
		col += w;
	}
	if (col > 0)
		out("\n");
}

static void builtin_ls(const char *dir)
{
	int fd = open(dir, O_RDONLY | O_DIRECTORY);
	int count;

	if (fd < 0) {
		outf("ls: %s: cannot open (errno %d)\n", dir, errno);
		return;
	}
	count = collect_names(fd);
	close(fd);
	qsort(names, (size_t)count, sizeof names[0], by_name);
	print_columns(count);
}

/* ---- running programs --------------------------------------------------- */

static const char *const sig_names[] = {
	[1] = "SIGHUP", [2] = "SIGINT", [3] = "SIGQUIT", [4] = "SIGILL",
	[5] = "SIGTRAP", [6] = "SIGABRT", [7] = "SIGBUS", [8] = "SIGFPE",
	[9] = "SIGKILL", [10] = "SIGUSR1", [11] = "SIGSEGV", [12] = "SIGUSR2",
	[13] = "SIGPIPE", [14] = "SIGALRM", [15] = "SIGTERM",
};

static void report_status(int status)
{
	int sig;

	if (WIFEXITED(status)) {
		if (WEXITSTATUS(status) != 0)
			outf("[exit %d]\n", WEXITSTATUS(status));
		return;
	}
	if (!WIFSIGNALED(status)) {
		outf("[status 0x%x]\n", status);
		return;
	}
	sig = WTERMSIG(status);
	if (sig < (int)(sizeof sig_names / sizeof sig_names[0]) && sig_names[sig])
		outf("[killed by %s]\n", sig_names[sig]);
	else
		outf("[killed by signal %d]\n", sig);
}

/* exec_command: runs in the child; never returns. */
static void exec_command(char **argv)
{
	char path[LINE_MAX_LEN + 8];

	if (strchr(argv[0], '/'))
		snprintf(path, sizeof path, "%s", argv[0]);
	else
		snprintf(path, sizeof path, "/bin/%s", argv[0]);
	execve(path, argv, environ);
	if (errno == ENOENT && !strchr(argv[0], '/')) {   /* a test program */
		snprintf(path, sizeof path, "/test/%s", argv[0]);
		execve(path, argv, environ);
	}
	if (errno == ENOENT) {
		outf("sh: %s: command not found\n", argv[0]);
		_exit(127);
	}
	outf("sh: %s: cannot execute (%s)\n", argv[0],
	     errno == ENOEXEC ? "not an ELF executable" : "execve failed");
	_exit(126);
}

static int batch;         /* -c or a script: no prompt, no status reports */
static int last_status;   /* of the last command, as $? would be */

static void run_command(char **argv)
{
	int status;
	pid_t pid = fork();

	if (pid < 0) {
		outf("sh: fork failed (errno %d)\n", errno);
		last_status = 2;
		return;
	}
	if (pid == 0)
		exec_command(argv);
	while (wait4(pid, &status, 0, NULL) < 0)
		if (errno != EINTR)
			return;
	last_status = WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
	if (!batch)
		report_status(status);
}

/* run_line: one command line; returns 0 when the shell should exit. */
static int run_line(char *line, int *exit_code)
{
	char *argv[MAX_ARGS];
	int argc = split_words(line, argv);

	if (argc == 0 || argv[0][0] == '#')
		return 1;
	if (!strcmp(argv[0], "exit")) {
		*exit_code = argc > 1 ? atoi(argv[1]) : 0;
		return 0;
	}
	if (!strcmp(argv[0], "help"))
		builtin_help();
	else if (!strcmp(argv[0], "ls"))
		builtin_ls(argc > 1 ? argv[1] : "/bin");
	else
		run_command(argv);
	return 1;
}

/* run_script: every line of FILE; the last command's status. */
static int run_script(const char *file)
{
	static char text[16384];
	int exit_code = -1, fd = open(file, O_RDONLY);
	ssize_t n = fd < 0 ? -1 : read(fd, text, sizeof text - 1);

	if (n < 0) {
		outf("sh: %s: cannot open\n", file);
		return 127;
	}
	close(fd);
	text[n] = 0;
	for (char *line = strtok(text, "\n"); line; line = strtok(NULL, "\n"))
		if (!run_line(line, &exit_code))
			return exit_code;
	return last_status;
}

int main(int argc, char **argv)
{
	static struct line line;
	int exit_code = 0;

	batch = argc > 1;
	if (argc > 2 && !strcmp(argv[1], "-c")) {
		char cmd[LINE_MAX_LEN];
		snprintf(cmd, sizeof cmd, "%s", argv[2]);
		exit_code = -1;
		run_line(cmd, &exit_code);
		return exit_code >= 0 ? exit_code : last_status;
	}
	if (argc > 1)
		return run_script(argv[1]);
	while (read_line(&line))
		if (!run_line(line.buf, &exit_code))
			break;
	return exit_code;
}
