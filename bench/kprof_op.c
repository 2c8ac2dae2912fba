/* kprof_op: repeat one VM operation COUNT times, for tools/kprof.
 *
 *   kprof_op OP COUNT
 *
 * tools/kprof counts the kernel instructions executed between the two calls
 * of kprof_mark() (QEMU logs the execution of that one user function) and
 * divides by COUNT, so boot, exec, the setup and exit are never counted.
 * OPs, the rows of issue 16's table:
 *   getpid     one syscall round trip
 *   mprotect   one page in the middle of a 16-page RW area to R and back
 *              (split into three areas, then merged into one): counts 2 calls
 *   mmap       mmap + munmap of one anonymous page
 *   mmaptouch  mmap + write + munmap of one anonymous page
 *   fork       fork of a process with 16 MiB touched, child _exit(0), wait
 *   fault      the first write to a page of a mapped area: one demand-zero fault
 *   reuse      the first write in the parent to a page shared with a child
 *              that has exited: one copy-on-write fault that keeps the frame
 *   majfault   the first write to a page that went to swap (an area the
 *              size of RAM written, then COUNT of its pages mincore says
 *              are out): one major fault each, with the reclaim it causes
 *              (a victim written out); needs a swap disk (tools/kprof
 *              attaches one); exits 1 unless ru_majflt grew by COUNT
 *   cow        the first write in a child to a page it shares with its
 *              parent: one copy-on-write fault that copies (the marks are
 *              the child's)
 *   munmap     one munmap of COUNT touched pages: per page (vmcost's
 *              "munmap touched, per page" row)
 *   shootdown  mmap, write and munmap of one page, COUNT times, while a thread of
 *              this process spins on every other CPU (bench/spinners.h):
 *              one TLB shootdown each, the targets' handlers included
 *              (tools/kprof's per-CPU line splits them); the page as in
 *              bench/smpcost.c, an area of its own in a 2 MiB reservation
 * Always true: kprof_mark() runs exactly twice, just before and just after
 * the COUNT operations.
 */
#define _GNU_SOURCE
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/resource.h>
#include <sys/syscall.h>
#include <sys/sysinfo.h>
#include <sys/wait.h>
#include <unistd.h>
#include "spinners.h"

enum { PAGE = 4096, AREA_PAGES = 16, FORK_BYTES = 16 << 20, HUGE = 2 << 20 };

static void die(const char *what)
{
	perror(what);
	exit(1);
}

/* tools/kprof finds this function's address with nm and watches it run. */
__attribute__((noinline)) void kprof_mark(void)
{
	__asm__ volatile("" ::: "memory");
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
	syscall(SYS_getpid);   /* the wrapper's page faulted in before the mark, not inside */
	kprof_mark();
	for (long i = 0; i < n; i++)
		syscall(SYS_getpid);
	kprof_mark();
}

static void op_mprotect(long n)
{
	char *a = map((long)AREA_PAGES * PAGE);
	char *mid = a + (AREA_PAGES / 2) * PAGE;
	memset(a, 1, (long)AREA_PAGES * PAGE);
	kprof_mark();
	for (long i = 0; i < n; i++) {
		if (mprotect(mid, PAGE, PROT_READ) || mprotect(mid, PAGE, PROT_READ | PROT_WRITE))
			die("mprotect");
	}
	kprof_mark();
}

static void op_mmap(long n, int touch)
{
	kprof_mark();
	for (long i = 0; i < n; i++) {
		volatile char *p = map(PAGE);
		if (touch)
			p[0] = 1;
		if (munmap((void *)p, PAGE))
			die("munmap");
	}
	kprof_mark();
}

/* A child that exits at once, waited for. */
static void fork_exit_wait(void)
{
	pid_t pid = fork();
	if (pid < 0)
		die("fork");
	if (pid == 0)
		_exit(0);
	if (waitpid(pid, NULL, 0) != pid)
		die("waitpid");
}

/* COUNT pages, mapped (and for reuse, written and shared by a fork whose
 * child is gone) before the first mark; then one write to each. */
static void op_fault(long n, int reuse)
{
	char *a = map(n * PAGE);
	if (reuse) {
		memset(a, 1, n * PAGE);
		fork_exit_wait();
	}
	kprof_mark();
	for (long i = 0; i < n; i++)
		((volatile char *)a)[i * PAGE] = 2;
	kprof_mark();
}

/* COUNT pages written before the first mark; one munmap of them all. */
static void op_munmap(long n)
{
	char *a = map(n * PAGE);
	memset(a, 1, n * PAGE);
	kprof_mark();
	if (munmap(a, n * PAGE))
		die("munmap");
	kprof_mark();
}

/* One page a fixed place of its own, mapped and touched, unmapped COUNT
 * times with a spinner on each other CPU; exits 1 unless they all started. */
static void op_shootdown(long n)
{
	int others = (int)sysconf(_SC_NPROCESSORS_ONLN) - 1;
	char *r = mmap(NULL, 2 * HUGE, PROT_NONE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	if (r == MAP_FAILED)
		die("mmap");
	char *slot = (char *)(((unsigned long)r + HUGE - 1) & ~(unsigned long)(HUGE - 1)) + 2 * PAGE;
	if (start_spinners(others) != others || __builtin_popcountll(spinners_cpus) != others + 1)
		die("start_spinners");
	kprof_mark();
	for (long i = 0; i < n; i++) {
		volatile char *p = mmap(slot, PAGE, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS | MAP_FIXED, -1, 0);
		if (p == MAP_FAILED)
			die("mmap");
		p[0] = 1;
		if (munmap((void *)p, PAGE))
			die("munmap");
	}
	kprof_mark();
	stop_spinners();
}

static long major_faults(void)
{
	struct rusage ru;
	if (getrusage(RUSAGE_SELF, &ru))
		die("getrusage");
	return ru.ru_majflt;
}

/* The first n pages of a (len pages) that are not resident, into out. */
static void pages_swapped_out(char *a, long len, long *out, long n)
{
	unsigned char *vec = malloc(len);
	long found = 0;
	if (!vec || mincore(a, len * PAGE, vec))
		die("mincore");
	for (long i = 0; i < len && found < n; i++)
		if (!(vec[i] & 1))
			out[found++] = i;
	free(vec);
	if (found < n) {
		fprintf(stderr, "kprof_op: majfault: only %ld of %ld pages out\n", found, n);
		exit(1);
	}
}

static void op_majfault(long n)
{
	struct sysinfo si;
	if (sysinfo(&si))
		die("sysinfo");
	long len = (long)(si.totalram * si.mem_unit / PAGE);   /* RAM: well over what a process holds */
	char *a = map(len * PAGE);
	long *out = malloc(n * sizeof(long));
	if (!out)
		die("malloc");
	for (long i = 0; i < len; i++)
		a[i * PAGE] = 1;
	pages_swapped_out(a, len, out, n);
	long before = major_faults();
	kprof_mark();
	for (long i = 0; i < n; i++)
		((volatile char *)a)[out[i] * PAGE] = 2;
	kprof_mark();
	long took = major_faults() - before;
	if (took != n) {
		fprintf(stderr, "kprof_op: majfault: %ld writes took %ld major faults\n", n, took);
		exit(1);
	}
}

static void op_cow(long n)
{
	char *a = map(n * PAGE);
	memset(a, 1, n * PAGE);
	pid_t pid = fork();
	if (pid < 0)
		die("fork");
	if (pid == 0) {
		kprof_mark();
		for (long i = 0; i < n; i++)
			((volatile char *)a)[i * PAGE] = 2;
		kprof_mark();
		_exit(0);
	}
	if (waitpid(pid, NULL, 0) != pid)
		die("waitpid");
}

static void op_fork(long n)
{
	char *a = map(FORK_BYTES);
	memset(a, 1, FORK_BYTES);
	kprof_mark();
	for (long i = 0; i < n; i++)
		fork_exit_wait();
	kprof_mark();
}

int main(int argc, char **argv)
{
	if (argc != 3) {
		fprintf(stderr, "usage: kprof_op getpid|mprotect|mmap|mmaptouch|fork|fault|reuse|cow|majfault|munmap|shootdown COUNT\n");
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
	else if (!strcmp(op, "fault"))
		op_fault(n, 0);
	else if (!strcmp(op, "reuse"))
		op_fault(n, 1);
	else if (!strcmp(op, "cow"))
		op_cow(n);
	else if (!strcmp(op, "majfault"))
		op_majfault(n);
	else if (!strcmp(op, "munmap"))
		op_munmap(n);
	else if (!strcmp(op, "shootdown"))
		op_shootdown(n);
	else {
		fprintf(stderr, "kprof_op: unknown operation %s\n", op);
		return 2;
	}
	printf("kprof_op: %s %ld done\n", op, n);
	return 0;
}
