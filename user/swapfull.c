/* swapfull: when RAM and swap are both full, the out-of-memory killer takes
 * the process with the largest footprint, and everyone else keeps every byte.
 *
 * Runs as init (pid 1) on Pagoda with a small swap disk (the swap suite:
 * --mem 48M and 32 MiB of swap). A bystander writes 8 MiB and waits; init
 * writes 4 MiB of its own; then a hog maps and writes 1 MiB at a time
 * without end, pushing both out to swap until swap is full too. The hog
 * must die by SIGKILL (or, if the kernel's overcommit check refuses its
 * mmap first, exit 3); then the bystander and init check every word of
 * theirs, and the hog's slots must be free again. One line:
 *
 *   swapfull: hog=killed by SIGKILL bystander=exited 0 init_intact=yes swap_freed=yes
 *
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

enum { PAGE = 4096, BYSTANDER_MIB = 8, INIT_MIB = 4, CHUNK = 1 << 20 };

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

/* bystander: writes its pattern, says so on `ready`, waits for `go`, checks. */
static void bystander(int ready, int go)
{
	size_t len = (size_t)BYSTANDER_MIB * MIB;
	char *p = map_rw(len);
	char c = 0;

	if (!p)
		_exit(2);
	pattern_fill(p, 0, len / 8, 7);
	if (write(ready, "r", 1) != 1 || read(go, &c, 1) != 1)
		_exit(2);
	_exit(pattern_check(p, 0, len / 8, 7) ? 1 : 0);
}

static const char *status_text(int st)
{
	static char buf[48];

	if (WIFSIGNALED(st))
		snprintf(buf, sizeof buf, "killed by %s", WTERMSIG(st) == SIGKILL ? "SIGKILL" : strsignal(WTERMSIG(st)));
	else
		snprintf(buf, sizeof buf, "exited %d", WEXITSTATUS(st));
	return buf;
}

static int on_pagoda(void)
{
	struct utsname u;
	return uname(&u) == 0 && !strcmp(u.sysname, "Pagoda");
}

/* swap_mostly_free: at most init's own 4 MiB (and a little) still in swap. */
static int swap_mostly_free(void)
{
	struct sysinfo si;

	if (sysinfo(&si) != 0 || si.totalswap == 0)
		return 0;
	return (si.totalswap - si.freeswap) * si.mem_unit <= (INIT_MIB + 2) * (unsigned long long)MIB;
}

int main(void)
{
	int ready[2], go[2], st_b, st_h;
	char c;

	if (!on_pagoda()) {
		fprintf(stderr, "swapfull: runs only on Pagoda (as init)\n");
		return 2;
	}
	if (pipe(ready) || pipe(go))
		return 2;
	pid_t b = fork();
	if (b == 0)
		bystander(ready[1], go[0]);
	if (read(ready[0], &c, 1) != 1)
		return 2;
	char *mine = map_rw((size_t)INIT_MIB * MIB);
	if (!mine)
		return 2;
	pattern_fill(mine, 0, INIT_MIB * MIB / 8, 9);
	pid_t h = fork();
	if (h == 0)
		hog();
	waitpid(h, &st_h, 0);
	if (write(go[1], "g", 1) != 1)
		return 2;
	waitpid(b, &st_b, 0);
	int intact = pattern_check(mine, 0, INIT_MIB * MIB / 8, 9) == 0;
	printf("swapfull: hog=%s", status_text(st_h));
	printf(" bystander=%s init_intact=%s swap_freed=%s\n", status_text(st_b), intact ? "yes" : "no",
	       swap_mostly_free() ? "yes" : "no");
	return 0;
}
