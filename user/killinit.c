/* killinit: init ignores the signals it has no handler for, SIGKILL too (as
 * on Linux), so no program can halt the machine by killing pid 1.
 * Regression: on Pagoda, kill(1, SIGTERM) used to end init and QEMU.
 * Refuses to run anywhere but Pagoda: on a real Linux host, root's
 * kill(1, ...) reaches a real init. */
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/utsname.h>

int main(void)
{
	struct utsname u;
	if (uname(&u) || strcmp(u.sysname, "Pagoda")) {
		printf("killinit: not on Pagoda, doing nothing\n");
		return 0;
	}
	int rt = kill(1, SIGTERM), rk = kill(1, SIGKILL), rs = kill(1, SIGSEGV);
	printf("killinit: kill(1, TERM)=%d kill(1, KILL)=%d kill(1, SEGV)=%d init_alive=%s\n", rt, rk, rs,
	       kill(1, 0) == 0 ? "yes" : "no");
	return 0;
}
