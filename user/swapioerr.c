/* swapioerr: a swap disk that fails a read costs the process whose page was
 * lost a SIGBUS, and nobody else anything.
 *
 * Runs as init (pid 1) on Pagoda with --mem 48M and a swap disk whose reads
 * fail at one place (the swap suite attaches it through QEMU's blkdebug,
 * failing every read that touches sector FAIL_SECTOR, 40 MiB into the disk).
 * A bystander writes 8 MiB and waits; then a victim writes 96 MiB, pushing
 * the bystander's pages out first and its own after them, so the failing
 * sector lands among the victim's pages, and reads all of it back: the
 * read of the page in the failing slot fails, and the victim must die by
 * SIGBUS. The bystander then checks every word of its own. One line:
 *
 *   swapioerr: victim=killed by SIGBUS bystander=exited 0
 *
 * Refuses to run anywhere but Pagoda.
 */
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/utsname.h>
#include <sys/wait.h>
#include <unistd.h>

#include "pattern.h"

enum { BYSTANDER_MIB = 8, VICTIM_MIB = 96 };

static char *map_rw(size_t len)
{
	char *p = mmap(NULL, len, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	return p == MAP_FAILED ? NULL : p;
}

static void victim(void)
{
	size_t words = (size_t)VICTIM_MIB * MIB / 8;
	char *p = map_rw(words * 8);

	if (!p)
		_exit(2);
	pattern_fill(p, 0, words, 5);
	_exit(pattern_check(p, 0, words, 5) ? 1 : 0);
}

static void bystander(int ready, int go)
{
	size_t words = (size_t)BYSTANDER_MIB * MIB / 8;
	char *p = map_rw(words * 8);
	char c = 0;

	if (!p)
		_exit(2);
	pattern_fill(p, 0, words, 7);
	if (write(ready, "r", 1) != 1 || read(go, &c, 1) != 1)
		_exit(2);
	_exit(pattern_check(p, 0, words, 7) ? 1 : 0);
}

static const char *status_text(int st)
{
	static char buf[48];

	if (WIFSIGNALED(st))
		snprintf(buf, sizeof buf, "killed by %s", WTERMSIG(st) == SIGBUS ? "SIGBUS" : strsignal(WTERMSIG(st)));
	else
		snprintf(buf, sizeof buf, "exited %d", WEXITSTATUS(st));
	return buf;
}

int main(void)
{
	struct utsname u;
	int ready[2], go[2], st_v, st_b;
	char c;

	if (uname(&u) || strcmp(u.sysname, "Pagoda")) {
		fprintf(stderr, "swapioerr: runs only on Pagoda (as init)\n");
		return 2;
	}
	if (pipe(ready) || pipe(go))
		return 2;
	pid_t b = fork();
	if (b == 0)
		bystander(ready[1], go[0]);
	if (read(ready[0], &c, 1) != 1)
		return 2;
	pid_t v = fork();
	if (v == 0)
		victim();
	waitpid(v, &st_v, 0);
	if (write(go[1], "g", 1) != 1)
		return 2;
	waitpid(b, &st_b, 0);
	printf("swapioerr: victim=%s", status_text(st_v));
	printf(" bystander=%s\n", status_text(st_b));
	return 0;
}
