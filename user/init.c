/* init: process 1.
 *
 *   init                 run /bin/sh on the console, and again whenever it ends
 *   init PROG ARGS...    run PROG (a path, or a name under /bin) once and exit
 *                        with its status: its exit code, or 128+signal if a
 *                        signal killed it (the convention tools/pagoda-run uses)
 *
 * The kernel starts it as `init=/bin/init PROG ARGS...`.
 *
 * Invariant: init never leaves a zombie behind. Every process whose parent
 * dies is re-parented to init, so init waits with wait4(-1, ...) and reaps
 * whatever arrives until the child it is waiting for is among them.
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

static char *const init_env[] = { "PATH=/bin", "HOME=/", "TERM=vt100", NULL };

/* resolve: a name without '/' means /bin/NAME. */
static const char *resolve(const char *prog, char *buf, size_t len)
{
	if (strchr(prog, '/'))
		return prog;
	snprintf(buf, len, "/bin/%s", prog);
	return buf;
}

/* spawn: fork and execve argv[0] (resolved); returns the child's pid or -1. */
static pid_t spawn(char **argv)
{
	char path[256];
	const char *file = resolve(argv[0], path, sizeof path);
	pid_t pid = fork();

	if (pid != 0)
		return pid;
	execve(file, argv, init_env);
	fprintf(stderr, "init: cannot run %s (errno %d)\n", file, errno);
	_exit(127);
}

/* wait_for_child: reap everything until pid itself ends; returns its status,
 * or -1 if there is nothing left to wait for. */
static int wait_for_child(pid_t pid)
{
	int status;
	pid_t got;

	for (;;) {
		got = wait4(-1, &status, 0, NULL);
		if (got == pid)
			return status;
		if (got < 0 && errno != EINTR)
			return -1;
	}
}

static int shell_status_code(int status)
{
	if (WIFEXITED(status))
		return WEXITSTATUS(status);
	if (WIFSIGNALED(status))
		return 128 + WTERMSIG(status);
	return 255;
}

static int run_once(char **argv)
{
	pid_t pid = spawn(argv);
	int status;

	if (pid < 0) {
		fprintf(stderr, "init: fork failed (errno %d)\n", errno);
		return 255;
	}
	status = wait_for_child(pid);
	if (status == -1)
		return 255;
	return shell_status_code(status);
}

/* run_shell_forever: a shell that ends is started again; a shell that cannot
 * start at all is retried once a second rather than in a busy loop. */
static void run_shell_forever(void)
{
	char *argv[] = { "/bin/sh", NULL };
	struct timespec pause = { 1, 0 };
	int status;

	for (;;) {
		status = run_once(argv);
		printf("init: shell ended (status %d), starting a new one\n", status);
		fflush(stdout);
		if (status == 127 || status == 255)
			nanosleep(&pause, NULL);
	}
}

int main(int argc, char **argv)
{
	if (argc > 1)
		return run_once(argv + 1);
	run_shell_forever();
	return 0;
}
