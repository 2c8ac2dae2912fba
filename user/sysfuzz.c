/* sysfuzz: random system calls with hostile arguments, to show that bad input
 * never hurts the kernel (it may only hurt the caller).
 *
 *   sysfuzz [CHILDREN [CALLS [SEED [vm]]]]   default 40 children x 400 calls, seed 1
 *   (or the same words in $SYSFUZZ, for runs under the runner, which passes
 *   no arguments)
 *
 * With "vm" the calls are only the memory calls (mmap, munmap, mprotect,
 * brk, mremap, mincore, madvise, msync, mlock family) and half of the
 * addresses fall inside a 64-page window of the child's own mappings, so
 * that splits, merges, moves and locks really happen (random addresses
 * rarely hit a mapping).
 *
 * Each child makes CALLS calls chosen from the syscalls Pagoda implements
 * (and a few it does not), with arguments drawn from the values that break
 * kernels: 0, -1, huge lengths, unaligned, kernel-half and non-canonical
 * addresses, pointers into its own stack, heap and code, PROT_NONE pages.
 * A child may die (SIGSEGV from clobbering its own memory is fine) or block
 * (sleeping, waiting): the parent kills any child still alive after a
 * second. Calls that could reach other processes (kill, fork,
 * execve) are left out. Exit status 0 means every child was accounted for;
 * the test harness checks that the kernel survived and that free memory
 * came back to the same count.
 */
#include <fcntl.h>
#include <signal.h>
#include <stdbool.h>
#include <stdint.h>
#include <string.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/mman.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>
#include "rand.h"

static const long calls[] = {
	0, 1, 2, 3, 4, 5, 6, 8, 9, 10, 11, 12, 13, 14, 16, 19, 20, 21, 24, 28, 32, 33, 35, 39, 61, 63, 72, 79,
	89, 96, 97, 98, 99, 102, 110, 158, 186, 201, 217, 218, 228, 229, 230, 257, 262, 269, 302, 318,
	7, 17, 22, 202, 273, 334, 400, 1000, 1001,   /* a few that Pagoda lacks */
	25, 27, 149, 150, 151, 152, 325,             /* mremap, mincore, the mlock family */
	36, 38, 86, 88, 133, 247, 259, 265, 266, 267, 316,   /* itimers, links, mknod, waitid, renameat2 */
};

static const long vm_calls[] = { 9, 10, 11, 12, 25, 26, 27, 28, 149, 150, 151, 152, 325 };

static char *window;   /* vm mode: 64 pages of the child's own, some mapped */
static volatile long *tried;   /* shared with the parent: calls made by all children */

static uint64_t rng;

static uint64_t next(void)
{
	return test_rand(&rng);
}

static char stack_buf[4096];

/* One hostile argument. */
static uint64_t arg(char *heap, char *none, char *code)
{
	if (window) {   /* vm mode: mostly the window; never the child's own text, data or stack */
		switch (next() % 8) {
		case 0: case 1: case 2: return (uint64_t)window + (next() % 64) * 4096;
		case 3: return (next() % 16) * 4096;
		case 4: return next() % 64;
		case 5: return (uint64_t)window + next() % (64 * 4096);
		case 6: return 0xffff800000000000ull + (next() % 0x100000) * 8;
		default: return next() % 2 ? (uint64_t)-1 : 1ull << (next() % 64);
		}
	}
	switch (next() % 16) {
	case 0: return 0;
	case 1: return (uint64_t)-1;
	case 2: return next() % 64;
	case 3: return next();
	case 4: return 0xffff800000000000ull + (next() % 0x100000) * 8;   /* kernel half */
	case 5: return 0x0000800000000000ull + (next() & 0xffff);         /* non-canonical */
	case 6: return (uint64_t)(heap + next() % 8192);
	case 7: return (uint64_t)(stack_buf + next() % 4096);
	case 8: return (uint64_t)none + next() % 4096;                  /* PROT_NONE */
	case 9: return (uint64_t)code;                                  /* read-only text */
	case 10: return 0x7ffffffff000ull - next() % 8192;              /* the top of user space */
	case 11: return (next() % 8) << 12;                             /* low, page aligned */
	case 12: return 1ull << (next() % 64);
	case 13: return 0x7fffffff;
	case 14: return (uint64_t)"/bin/sh";
	default: return next() % 4096;
	}
}

static void fuzz(int ncalls, uint64_t seed, bool vm)
{
	/* The console is not fuzzed (random bytes would flood it): fds 0-2
	 * become ramdisk files, so reads and writes still reach real files. */
	for (int fd = 0; fd < 3; fd++) {
		close(fd);
		open("/bin/sh", 0);
	}
	char *heap = malloc(8192);
	char *none = mmap(NULL, 4096, PROT_NONE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	rng = test_rand_seed(seed);
	if (vm) {
		window = mmap(NULL, 64 * 4096, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
		for (int i = 0; i < 64; i += 3)
			window[i * 4096] = 1;
	}
	for (int i = 0; i < ncalls; i++) {
		long nr = vm ? vm_calls[next() % (sizeof(vm_calls) / sizeof(vm_calls[0]))]
			     : calls[next() % (sizeof(calls) / sizeof(calls[0]))];
		uint64_t a[6];
		for (int k = 0; k < 6; k++)
			a[k] = arg(heap, none, (char *)fuzz);
		__atomic_fetch_add(tried, 1, __ATOMIC_RELAXED);
		syscall(nr, a[0], a[1], a[2], a[3], a[4], a[5]);
	}
	_exit(0);
}

/* Wait up to 1 s for pid, then kill it. Returns how it ended. */
static int reap_or_kill(pid_t pid)
{
	struct timespec tick = { 0, 20 * 1000 * 1000 };
	int status;
	for (int i = 0; i < 50; i++) {
		if (waitpid(pid, &status, WNOHANG) == pid)
			return status;
		nanosleep(&tick, NULL);
	}
	kill(pid, SIGKILL);
	waitpid(pid, &status, 0);
	return status;
}

int main(int argc, char **argv)
{
	static char *words[6];
	char *env = getenv("SYSFUZZ");
	if (argc == 1 && env) {   /* "CHILDREN_CALLS_SEED[_vm]" */
		words[0] = argv[0];
		for (argc = 1; argc < 5 && (words[argc] = strtok(argc == 1 ? env : NULL, " _,")); argc++)
			;
		argv = words;
	}
	int children = argc > 1 ? atoi(argv[1]) : 40;
	int ncalls = argc > 2 ? atoi(argv[2]) : 400;   /* 40 x 400: 16,000 calls */
	uint64_t seed = argc > 3 ? strtoull(argv[3], NULL, 10) : 1;
	bool vm = argc > 4 && !strcmp(argv[4], "vm");
	tried = mmap(NULL, 4096, PROT_READ | PROT_WRITE, MAP_SHARED | MAP_ANONYMOUS, -1, 0);
	if (tried == MAP_FAILED)
		return 1;
	int exited = 0, signaled = 0;
	for (int c = 0; c < children; c++) {
		fflush(stdout);
		pid_t pid = fork();
		if (pid < 0)
			return 1;
		if (pid == 0)
			fuzz(ncalls, seed * 1000003 + c, vm);
		int st = reap_or_kill(pid);
		exited += WIFEXITED(st);
		signaled += WIFSIGNALED(st);
	}
	printf("sysfuzz: %s%d children, up to %d calls each, %ld calls tried: %d exited, %d killed by a signal\n",
	       vm ? "vm mode, " : "", children, ncalls, *tried, exited, signaled);
	return exited + signaled == children ? 0 : 1;
}
