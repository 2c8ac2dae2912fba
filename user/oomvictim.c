/* oomvictim: when memory runs out, the out-of-memory killer takes the
 * process with the largest footprint, never init.
 *
 * Runs as init (pid 1; `init=/bin/oomvictim`). A hog child fills memory until
 * less than 1 MiB is free and then sleeps. Then a small child touches 4 MiB:
 * the hog must die (SIGKILL), the small child exit 0. Then a second hog, and
 * init itself touches 4 MiB: the hog dies, init goes on. A third hog, and the
 * kernel's copies into 4 MiB of init's fresh pages: the hog dies, the copies
 * succeed.
 * Regression (issue 19): the faulting process was always the victim, so init
 * touching memory was OOM-killed and the machine halted.
 * Refuses to run anywhere but Pagoda. */
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sched.h>
#include <sys/mman.h>
#include <sys/syscall.h>
#include <time.h>
#include <sys/sysinfo.h>
#include <sys/utsname.h>
#include <sys/wait.h>
#include <unistd.h>

enum { PAGE = 4096, LOW_WATER = 1 << 20, TOUCH = 4 << 20 };

static volatile int *ready;

static unsigned long free_bytes(void)
{
	struct sysinfo si;
	return sysinfo(&si) ? 0 : si.freeram * si.mem_unit;
}

static void hog(void)
{
	size_t len = 1ul << 30;
	char *p = mmap(NULL, len, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);
	if (p == MAP_FAILED)
		_exit(2);
	for (size_t off = 0; off < len && free_bytes() >= LOW_WATER; off += 16 * PAGE)
		for (size_t k = 0; k < 16 * PAGE; k += PAGE)
			p[off + k] = 1;
	*ready = 1;
	for (;;)
		sleep(1);
}

static void touch(size_t len)
{
	char *p = mmap(NULL, len, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	if (p == MAP_FAILED)
		_exit(3);
	for (size_t off = 0; off < len; off += PAGE)
		p[off] = 1;
	munmap(p, len);
}

/* The kernel writes every page (clock_gettime's copy_to_user): its faults
 * meet the out-of-memory killer inside the syscall. */
static int kernel_copies(size_t len)
{
	char *p = mmap(NULL, len, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	int ok = p != MAP_FAILED;
	for (size_t off = 0; ok && off < len; off += PAGE)
		ok = syscall(SYS_clock_gettime, CLOCK_MONOTONIC, p + off) == 0;
	munmap(p, len);
	return ok;
}

static pid_t start_hog(void)
{
	*ready = 0;
	pid_t pid = fork();
	if (pid == 0)
		hog();
	while (!*ready)
		sched_yield();
	return pid;
}

static const char *status_str(int st)
{
	static char buf[32];
	if (WIFEXITED(st))
		snprintf(buf, sizeof(buf), "exited %d", WEXITSTATUS(st));
	else
		snprintf(buf, sizeof(buf), "killed by %s", WTERMSIG(st) == SIGKILL ? "SIGKILL" : "another signal");
	return buf;
}

static int reap(pid_t pid)
{
	int st = -1;
	waitpid(pid, &st, 0);
	return st;
}

int main(void)
{
	struct utsname u;
	if (uname(&u) || strcmp(u.sysname, "Pagoda")) {
		printf("oomvictim: not on Pagoda, doing nothing\n");
		return 0;
	}
	ready = mmap(NULL, PAGE, PROT_READ | PROT_WRITE, MAP_SHARED | MAP_ANONYMOUS, -1, 0);
	pid_t h = start_hog();
	printf("oomvictim: hog ready, %lu KiB free\n", free_bytes() >> 10);
	pid_t small = fork();
	if (small == 0) {
		touch(TOUCH);
		_exit(0);
	}
	printf("oomvictim: small_child=%s", status_str(reap(small)));
	printf(" hog=%s\n", status_str(reap(h)));
	h = start_hog();
	touch(TOUCH);
	printf("oomvictim: init_touched=yes hog2=%s\n", status_str(reap(h)));
	h = start_hog();
	printf("oomvictim: kernel_copies_ok=%s", kernel_copies(TOUCH) ? "yes" : "no");
	printf(" hog3=%s\n", status_str(reap(h)));
	fflush(stdout);
	return 0;
}
