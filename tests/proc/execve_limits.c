/* execve_limits: how much argv and envp execve takes, at Linux's limits.
 *
 *   one string, with its NUL, at most MAX_ARG_STRLEN (32 pages = 131072)
 *   bytes; all strings plus one pointer each at most a quarter of the stack
 *   limit (2 MiB for the 8 MiB default); beyond either: E2BIG.
 *
 * Each case execs this program from a child with a controlled environment;
 * the new image checks what it received and exits 0, so the parent prints
 * "runs" or the errno. Totals stay far from the 2 MiB boundary (the path's
 * length differs between the systems); the per-string limit is exact.
 * Regression (issue 19): 128 KiB of arguments plus one string gave EFAULT.
 */
#include <stdint.h>
#include "testlib.h"

static const char *self;

/* The new image: argv[1] says how many arguments and each one's length. */
static int check_received(int argc, char **argv)
{
	long want_argc = atol(argv[2]), want_len = atol(argv[3]);
	if (argc != want_argc)
		return 1;
	for (int i = 4; i < argc; i++)
		if ((long)strlen(argv[i]) != want_len)
			return 2;
	return 0;
}

/* exec self with n extra arguments of len bytes each (and envp as given). */
static void try_exec(const char *name, long n, long len, char **envp)
{
	char **argv = calloc(n + 5, sizeof(char *));
	char *s = malloc(len + 1), count[24], lens[24];
	if (!argv || !s)
		setup_fail("malloc");
	memset(s, 'x', len);
	s[len] = '\0';
	snprintf(count, sizeof(count), "%ld", n + 4);
	snprintf(lens, sizeof(lens), "%ld", len);
	argv[0] = (char *)self;
	argv[1] = "--check";
	argv[2] = count;
	argv[3] = lens;
	for (long i = 0; i < n; i++)
		argv[4 + i] = s;
	pid_t pid = fork_flushed();
	if (pid == 0) {
		execve(self, argv, envp);
		_exit(100 + errno);
	}
	int st = reap(pid);
	if (WIFEXITED(st) && WEXITSTATUS(st) == 0)
		say(name, "runs");
	else if (WIFEXITED(st) && WEXITSTATUS(st) > 100)
		say(name, "-1 %s", errno_name(WEXITSTATUS(st) - 100));
	else
		show_status(name, st);
	free(argv);
	free(s);
}

int main(int argc, char **argv)
{
	if (argc >= 4 && !strcmp(argv[1], "--check"))
		return check_received(argc, argv);
	self = self_exe(argv[0]);
	char *no_env[] = { NULL };

	try_exec("one_string_131071_chars", 1, 131071, no_env);
	try_exec("one_string_131072_chars", 1, 131072, no_env);
	try_exec("one_string_200000_chars", 1, 200000, no_env);
	try_exec("args_128k_plus_one_string", 33, 4000, no_env);
	try_exec("args_1_5_mib", 15, 100000, no_env);
	try_exec("args_2_5_mib", 25, 100000, no_env);
	try_exec("many_empty_args_100000", 100000, 0, no_env);
	try_exec("many_empty_args_300000", 300000, 0, no_env);

	char *big = malloc(131072);
	if (!big)
		setup_fail("malloc");
	memset(big, 'e', 131071);
	memcpy(big, "BIG=", 4);
	big[131071] = '\0';
	char *env_big[] = { big, NULL };
	try_exec("env_string_131071_chars", 0, 1, env_big);
	big[131070] = 'e';
	char *env_long[2] = { malloc(131073), NULL };
	memset(env_long[0], 'e', 131072);
	env_long[0][131072] = '\0';
	try_exec("env_string_131072_chars", 0, 1, env_long);
	char *env_many[21];
	for (int i = 0; i < 20; i++)
		env_many[i] = big;
	env_many[20] = NULL;
	try_exec("env_20_strings_of_128k", 0, 1, env_many);
	char *env_bad[] = { "A=1", (char *)KERNEL_ADDR, NULL };
	try_exec("env_bad_pointer", 0, 1, env_bad);
	return 0;
}
