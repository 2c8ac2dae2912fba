/* swapfail: what happens when swap cannot help, and who pays.
 *
 *   swapfail full    RAM and swap both full: the out-of-memory killer takes
 *                    the process with the largest footprint (the hog), and
 *                    everyone else keeps every byte
 *   swapfail ioerr   a read from the swap disk fails: the process whose page
 *                    was lost dies by SIGBUS, nobody else loses anything,
 *                    and the kernel lives
 *
 * Runs as init (pid 1) on Pagoda at --mem 48M (the swap suite). In both, a
 * bystander first writes 8 MiB and waits; then a pusher runs:
 *   full:  init writes 4 MiB of its own; the hog maps and writes 1 MiB at a
 *          time without end (swap is 32 MiB), until it is killed (SIGKILL)
 *          or its mmap is refused (exit 3: the overcommit check saw swap full);
 *   ioerr: the victim writes 96 MiB and reads it back; the swap disk fails
 *          every read touching one sector 40 MiB in (QEMU's blkdebug), which
 *          lands among the victim's pages: the bystander's went out first.
 * Then the bystander (and init) check every word (tests/pattern.h). One line:
 *
 *   swapfail: pusher=killed by SIGKILL bystander=exited 0 init_intact=yes swap_freed=yes
 *
 * and, for whoever reads the log, the swap lines of /proc/vmstat after it.
 * Refuses to run anywhere but Pagoda (on a host it would fill the host).
 */
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/sysinfo.h>
#include <sys/utsname.h>
#include <sys/wait.h>
#include <unistd.h>

#include "pattern.h"

enum { BYSTANDER_MIB = 8, INIT_MIB = 4, VICTIM_MIB = 96, CHUNK = 1 << 20 };

static char *map_rw(size_t len)
{
	char *p = mmap(NULL, len, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	return p == MAP_FAILED ? NULL : p;
}

/* hog: 1 MiB more at a time, each written; exits 3 when mmap is refused. */
static void hog(void)
{
	for (uint64_t tag = 100;; tag++) {
		char *p = map_rw(CHUNK);
		if (!p)
			_exit(3);
		pattern_fill(p, 0, CHUNK / 8, tag);
	}
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

/* bystander: writes its pattern, says so on `ready`, waits for `go`, checks. */
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
	static const char *const names[] = { [SIGKILL] = "SIGKILL", [SIGBUS] = "SIGBUS", [SIGSEGV] = "SIGSEGV" };
	int sig = WTERMSIG(st);

	if (WIFSIGNALED(st))
		snprintf(buf, sizeof buf, "killed by %s", sig < 16 && names[sig] ? names[sig] : strsignal(sig));
	else
		snprintf(buf, sizeof buf, "exited %d", WEXITSTATUS(st));
	return buf;
}

/* swap_mostly_free: at most init's own 4 MiB (and a little) still in swap. */
static int swap_mostly_free(void)
{
	struct sysinfo si;

	if (sysinfo(&si) != 0 || si.totalswap == 0)
		return 0;
	return (si.totalswap - si.freeswap) * si.mem_unit <= (INIT_MIB + 2) * (unsigned long long)MIB;
}

/* print_swap_counters: /proc/vmstat's lines about swap, after the verdict. */
static void print_swap_counters(void)
{
	char line[128];
	FILE *f = fopen("/proc/vmstat", "r");

	while (f && fgets(line, sizeof line, f))
		if (strstr(line, "swp") || strstr(line, "swap") || strstr(line, "majfault"))
			printf("swapfail: vmstat %s", line);
	if (f)
		fclose(f);
}

static pid_t spawn(void (*fn)(void))
{
	pid_t pid = fork();

	if (pid == 0)
		fn();
	return pid;
}

int main(int argc, char **argv)
{
	struct utsname u;
	int ready[2], go[2], st_b, st_p, full = argc > 1 && !strcmp(argv[1], "full");
	char c, *mine = map_rw((size_t)INIT_MIB * MIB);

	if (uname(&u) || strcmp(u.sysname, "Pagoda") || argc != 2) {
		fprintf(stderr, "usage: swapfail full|ioerr   (on Pagoda only, as init)\n");
		return 2;
	}
	if (pipe(ready) || pipe(go) || !mine)
		return 2;
	pid_t b = fork();
	if (b == 0)
		bystander(ready[1], go[0]);
	if (read(ready[0], &c, 1) != 1)
		return 2;
	pattern_fill(mine, 0, INIT_MIB * MIB / 8, 9);
	waitpid(spawn(full ? hog : victim), &st_p, 0);
	if (write(go[1], "g", 1) != 1)
		return 2;
	waitpid(b, &st_b, 0);
	int intact = pattern_check(mine, 0, INIT_MIB * MIB / 8, 9) == 0;
	printf("swapfail: pusher=%s", status_text(st_p));
	printf(" bystander=%s init_intact=%s swap_freed=%s\n", status_text(st_b), intact ? "yes" : "no",
	       swap_mostly_free() ? "yes" : "no");
	print_swap_counters();
	return 0;
}
