/* kprof_op: repeat one VM operation COUNT times, for tools/kprof.
 *
 *   kprof_op OP COUNT
 *
 * tools/kprof boots it twice (COUNT = N and 2N) and divides the difference
 * of the kernel instructions by N, so everything but the loop (boot, exec,
 * the setup below, exit) cancels. OPs, the rows of issue 16's table:
 *   getpid     one syscall round trip
 *   mprotect   one page in the middle of a 16-page RW area to R and back
 *              (split into three areas, then merged into one): counts 2 calls
 *   mmap       mmap + munmap of one anonymous page
 *   mmaptouch  mmap + write + munmap of one anonymous page
 *   fork       fork of a process with 16 MiB touched, child _exit(0), wait
 * Always true: the setup before the loop does not depend on COUNT.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

enum { PAGE = 4096, AREA_PAGES = 16, FORK_BYTES = 16 << 20 };

static void die(const char *what)
{
	perror(what);
	exit(1);
}

static char *map(long len)
{
	char *p = mmap(NULL, len, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	if (p == MAP_FAILED)
		die("mmap");
	return p;
}

static void op_getpid(long n)
{
	for (long i = 0; i < n; i++)
		syscall(SYS_getpid);
}

static void op_mprotect(long n)
{
	char *a = map((long)AREA_PAGES * PAGE);
	char *mid = a + (AREA_PAGES / 2) * PAGE;
	memset(a, 1, (long)AREA_PAGES * PAGE);
	for (long i = 0; i < n; i++) {
		if (mprotect(mid, PAGE, PROT_READ) || mprotect(mid, PAGE, PROT_READ | PROT_WRITE))
			die("mprotect");
	}
}

static void op_mmap(long n, int touch)
{
	for (long i = 0; i < n; i++) {
		volatile char *p = map(PAGE);
		if (touch)
			p[0] = 1;
		if (munmap((void *)p, PAGE))
			die("munmap");
	}
}

static void op_fork(long n)
{
	char *a = map(FORK_BYTES);
	memset(a, 1, FORK_BYTES);
	for (long i = 0; i < n; i++) {
		pid_t pid = fork();
		if (pid < 0)
			die("fork");
		if (pid == 0)
			_exit(0);
		if (waitpid(pid, NULL, 0) != pid)
			die("waitpid");
	}
}

int main(int argc, char **argv)
{
	if (argc != 3) {
		fprintf(stderr, "usage: kprof_op getpid|mprotect|mmap|mmaptouch|fork COUNT\n");
		return 2;
	}
	const char *op = argv[1];
	long n = atol(argv[2]);
	if (!strcmp(op, "getpid"))
		op_getpid(n);
	else if (!strcmp(op, "mprotect"))
		op_mprotect(n);
	else if (!strcmp(op, "mmap"))
		op_mmap(n, 0);
	else if (!strcmp(op, "mmaptouch"))
		op_mmap(n, 1);
	else if (!strcmp(op, "fork"))
		op_fork(n);
	else {
		fprintf(stderr, "kprof_op: unknown operation %s\n", op);
		return 2;
	}
	printf("kprof_op: %s %ld done\n", op, n);
	return 0;
}
