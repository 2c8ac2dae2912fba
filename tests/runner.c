/* runner: run test programs one after another, each in its own child, and
 * frame each run with marker lines the harness parses:
 *
 *     @@@ begin NAME
 *     ... the test's own output ...
 *     @@@ end NAME status=<raw wait4 status> freeram_before=<bytes> freeram_after=<bytes>
 *
 * Usage: runner [VAR=VALUE]... NAME...   runs DIR/NAME, where DIR is runner's
 * own directory (/test on Pagoda, the build directory on the host), or
 * /bin/NAME when DIR has none (Pagoda's demos and tools); each
 * VAR=VALUE joins the children's environment (TEST_TMPDIR=/mnt runs the
 * file-system tests on the disk).
 *
 * Invariants:
 *   - runner's stdout is flushed before each fork, so no line is printed twice;
 *   - freeram (free + bufferram: Pagoda reports reclaimable page cache there)
 *     freeram_before is read before the fork, freeram_after after the child is
 *     reaped, so on Pagoda the two are equal when a process leaves nothing
 *     behind (on the host they are noise);
 *   - the exit status is 0 only when every child exited with status 0.
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <sys/sysinfo.h>
#include <sys/wait.h>
#include <unistd.h>

enum { ENV_MAX = 8 };
static char *child_env[ENV_MAX + 1] = { "PATH=/bin", "HOME=/", NULL };

static unsigned long long freeram_bytes(void)
{
	struct sysinfo si;

	if (sysinfo(&si) != 0)
		return 0;
	return (unsigned long long)(si.freeram + si.bufferram) * si.mem_unit;   /* Pagoda: reclaimable cache */
}

/* program_path: DIR/NAME with DIR taken from argv0, or /bin/NAME when DIR
 * has no NAME (on Pagoda the tests sit beside the runner in /test and the
 * demos and tools in /bin; on the host all are in one directory). */
static void program_path(char *buf, size_t len, const char *argv0, const char *name)
{
	const char *slash = strrchr(argv0, '/');

	if (strchr(name, '/'))
		snprintf(buf, len, "%s", name);
	else if (slash)
		snprintf(buf, len, "%.*s/%s", (int)(slash - argv0), argv0, name);
	if (!strchr(name, '/') && (!slash || access(buf, X_OK) != 0))
		snprintf(buf, len, "/bin/%s", name);
}

/* exec_child: runs in the child; only returns by exiting 127. */
static void exec_child(const char *path, const char *name)
{
	char *argv[] = { (char *)path, NULL };   /* a full path, so tests can exec themselves */

	execve(path, argv, child_env);
	printf("runner: execve %s (%s) failed (errno %d)\n", path, name, errno);
	fflush(stdout);
	_exit(127);
}

/* run_one: one framed run; returns the raw wait status (-1 if fork failed). */
static int run_one(const char *argv0, const char *name)
{
	char path[512];
	unsigned long long before, after;
	int status = -1;
	pid_t pid;

	program_path(path, sizeof path, argv0, name);
	printf("@@@ begin %s\n", name);
	before = freeram_bytes();
	fflush(stdout);
	pid = fork();
	if (pid == 0)
		exec_child(path, name);
	if (pid < 0 || wait4(pid, &status, 0, NULL) != pid)
		status = -1;
	after = freeram_bytes();
	printf("@@@ end %s status=%d freeram_before=%llu freeram_after=%llu\n",
	       name, status, before, after);
	fflush(stdout);
	return status;
}

int main(int argc, char **argv)
{
	int failed = 0;

	if (argc < 2) {
		printf("usage: runner NAME...\n");
		return 2;
	}
	int i = 1, nenv = 2;
	for (; i < argc && strchr(argv[i], '=') && nenv < ENV_MAX; i++)
		child_env[nenv++] = argv[i];
	for (; i < argc; i++)
		if (run_one(argv[0], argv[i]) != 0)
			failed++;
	return failed ? 1 : 0;
}
