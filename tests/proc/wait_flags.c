/* wait_flags: which wait4 option bits Linux accepts (wait(2)): WNOHANG,
 * WUNTRACED, WCONTINUED and the Linux-only __WNOTHREAD, __WCLONE, __WALL
 * (fork_wait covers the last two);
 * any other bit is EINVAL, checked before anything else. */
#include "testlib.h"

#define WNOTHREAD_ 0x20000000
#define WALL_ 0x40000000

static int exit_seven(void *arg)
{
	(void)arg;
	return 7;
}

/* Fork a child that exits 7 and wait for it with options. */
static void wait_with(const char *name, int options)
{
	pid_t pid = fork_flushed();
	if (pid == 0) {
		fflush(stdout);
		_exit(exit_seven(NULL));
	}
	int st = 0;
	long rc = wait4(pid, &st, options, NULL);
	if (rc == pid)
		show_status(name, st);
	else
		show_rc(name, rc);
	if (rc != pid)
		reap(pid);
}

int main(void)
{
	wait_with("wnothread_accepted", WNOTHREAD_);
	wait_with("wnothread_with_wall", WNOTHREAD_ | WALL_);
	wait_with("wnothread_with_wuntraced", WNOTHREAD_ | WUNTRACED);
	show_rc("unknown_bit_einval", wait4(-1, NULL, 0x10000000, NULL));
	show_rc("unknown_bit_before_echild", wait4(12345, NULL, 0x100, NULL));
	show_rc("wnothread_no_child_echild", wait4(-1, NULL, WNOTHREAD_ | WNOHANG, NULL));
	return 0;
}
