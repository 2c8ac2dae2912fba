/* exit_status: how a child's end is encoded in the wait4 status.
 *
 * Cases: exit codes (including the 8-bit truncation), exit vs exit_group,
 * returning from main, atexit running on exit but not on _exit, and the
 * signals that kill (SIGSEGV, SIGKILL, SIGABRT).
 * Helper modes, used by the shell and init checks:
 *   exit_status --exit N    exit with status N
 *   exit_status --segv      die by SIGSEGV (NULL store)
 */
#include "testlib.h"

static int exit_with(void *arg)
{
	exit((int)(intptr_t)arg);
}

static int raw_exit(void *arg)
{
	syscall(SYS_exit, (long)(intptr_t)arg);
	return 99;
}

static int raw_exit_group(void *arg)
{
	syscall(SYS_exit_group, (long)(intptr_t)arg);
	return 99;
}

static int return_value(void *arg)
{
	return (int)(intptr_t)arg;
}

static void say_atexit(void)
{
	printf("atexit_ran: yes\n");
}

static int exit_after_atexit(void *arg)
{
	(void)arg;
	atexit(say_atexit);
	exit(0);
}

static int underscore_exit_skips_atexit(void *arg)
{
	(void)arg;
	atexit(say_atexit);
	_exit(4);
}

static int store_null(void *arg)
{
	(void)arg;
	*(volatile int *)0 = 1;
	return 0;
}

static int kill_self(void *arg)
{
	kill(getpid(), (int)(intptr_t)arg);
	sleep_ms(10000);
	return 0;
}

static int call_abort(void *arg)
{
	(void)arg;
	abort();
}

/* buffered_then_exit: printf without newline-flush, then exit() must flush. */
static int buffered_then_exit(void *arg)
{
	(void)arg;
	printf("exit_flushes_stdio: yes\n");
	exit(0);
}

static void exit_codes(void)
{
	static const int codes[] = { 0, 1, 42, 127, 255, 256, 257, -1 };
	char name[40];

	for (size_t i = 0; i < ARRAY_SIZE(codes); i++) {
		snprintf(name, sizeof name, "exit_%s%d", codes[i] < 0 ? "minus" : "",
			 abs(codes[i]));
		show_child(name, exit_with, (void *)(intptr_t)codes[i]);
	}
	show_child("sys_exit_7", raw_exit, (void *)7);
	show_child("sys_exit_group_8", raw_exit_group, (void *)8);
	show_child("sys_exit_group_300", raw_exit_group, (void *)300);
	show_child("return_from_fn_9", return_value, (void *)9);
}

static void exit_paths(void)
{
	show_child("exit_runs_atexit", exit_after_atexit, NULL);
	show_child("underscore_exit", underscore_exit_skips_atexit, NULL);
	show_child("exit_flush", buffered_then_exit, NULL);
}

static void signal_deaths(void)
{
	show_child("null_store", store_null, NULL);
	show_child("kill_self_sigkill", kill_self, (void *)SIGKILL);
	show_child("kill_self_sigsegv", kill_self, (void *)SIGSEGV);
	show_child("abort", call_abort, NULL);
}

static int helper(int argc, char **argv)
{
	if (argc > 2 && strcmp(argv[1], "--exit") == 0)
		return atoi(argv[2]);
	if (strcmp(argv[1], "--segv") == 0)
		return store_null(NULL);
	fprintf(stderr, "usage: exit_status [--exit N | --segv]\n");
	return 2;
}

int main(int argc, char **argv)
{
	if (argc > 1)
		return helper(argc, argv);
	exit_codes();
	exit_paths();
	signal_deaths();
	return 0;
}
