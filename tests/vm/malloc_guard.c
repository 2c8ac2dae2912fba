/* malloc_guard: the debug malloc's guard-page mode (PAGODA_MALLOC_DEBUG=guard,
 * lib/malloc_guard.c): each bug is caught by the MMU at the faulting access
 * and named with its exact offset (CS:APP 9.11), the same on Linux and Pagoda.
 *
 * Each case runs in a child that re-executes this program with the variable
 * set (the allocator chooses its layer at its first call); the parent prints
 * the child's first report line with addresses masked, and how it died.
 */
#include "testlib.h"
#include <ctype.h>

extern char **environ;

static volatile char sink;
static char *volatile laundry;

/* Hides the block's size from the compiler, which would reject the bugs. */
static __attribute__((noinline)) char *launder(char *p)
{
	laundry = p;
	return laundry;
}

static int case_run(const char *name)
{
	char *p = launder(malloc(32)), *q = launder(malloc(24));
	memset(p, 'a', 32);
	memset(q, 'b', 24);
	if (!strcmp(name, "clean")) {
		char *r = realloc(q, 100);
		char *z = calloc(10, 10);
		int ok = r[23] == 'b' && z[99] == 0;
		free(r);
		free(z);
		free(p);
		return ok ? 0 : 1;
	}
	if (!strcmp(name, "overflow_write"))
		p[32] = 'x';          /* the first byte past a 32-byte block: the guard page */
	else if (!strcmp(name, "overflow_read"))
		sink = p[40];         /* 9 bytes past */
	else if (!strcmp(name, "slack_write"))
		((volatile char *)q)[24] = 'x', free(q);   /* in the 8 slack bytes: found at free */
	else if (!strcmp(name, "use_after_free_write"))
		laundry = p, free(p), laundry[5] = 'x';
	else if (!strcmp(name, "use_after_free_read"))
		laundry = q, free(q), sink = laundry[20];
	else if (!strcmp(name, "double_free"))
		laundry = p, free(p), free(laundry);
	return 0;
}

/* Re-execute with the variable first in the environment, without malloc. */
static void reexec_guard(char **argv)
{
	static char *env[256];
	size_t n = 0;
	env[n++] = "PAGODA_MALLOC_DEBUG=guard";
	for (char **e = environ; *e && n < 255; e++)
		env[n++] = *e;
	env[n] = NULL;
	execve("/proc/self/exe", argv, env);
	execve(argv[0], argv, env);
	_exit(127);
}

/* The report with every 0x... address masked (they differ between kernels). */
static void show_report(const char *name, const char *text)
{
	char line[512];
	size_t n = 0;
	const char *s = strstr(text, "pagoda malloc: ");
	int found = s != NULL;
	for (; s && *s && *s != '\n' && n < sizeof line - 5; s++) {
		if (s[0] == '0' && s[1] == 'x') {
			n += (size_t)snprintf(line + n, sizeof line - n, "ADDR");
			for (s += 2; isxdigit((unsigned char)s[1]); s++)
				;
			continue;
		}
		line[n++] = *s;
	}
	line[n] = 0;
	say(name, "%s", found ? line : "(no report)");
}

static void run_case_in_child(const char *self, const char *name)
{
	int fds[2];
	char buf[2048];
	ssize_t len = 0, r;
	if (pipe(fds))
		setup_fail("pipe");
	pid_t pid = fork_flushed();
	if (pid == 0) {
		char *argv[] = { (char *)self, (char *)name, NULL };
		dup2(fds[1], 2);
		reexec_guard(argv);
	}
	close(fds[1]);
	while (len < (ssize_t)sizeof buf - 1 && (r = read(fds[0], buf + len, sizeof buf - 1 - len)) > 0)
		len += r;
	buf[len] = 0;
	close(fds[0]);
	char key[64];
	snprintf(key, sizeof key, "%s_report", name);
	show_report(key, buf);
	snprintf(key, sizeof key, "%s_status", name);
	show_status(key, reap(pid));
}

int main(int argc, char **argv)
{
	static const char *const cases[] = { "clean", "overflow_write", "overflow_read", "slack_write",
		                             "use_after_free_write", "use_after_free_read", "double_free" };
	if (argc > 1)
		return case_run(argv[1]);
	for (size_t i = 0; i < ARRAY_SIZE(cases); i++)
		run_case_in_child(self_exe(argv[0]), cases[i]);
	return 0;
}
