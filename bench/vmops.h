/* The VM operations vmcost.c and vmscale.c time, each as the median of n
 * samples (in t[0..n-1]) of rdtsc under `-icount shift=0` (icount.h):
 * guest instructions. Any failure exits with status 1. */
#ifndef PAGODA_BENCH_VMOPS_H
#define PAGODA_BENCH_VMOPS_H
#include "icount.h"
#include <stdio.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/wait.h>
#include <unistd.h>

enum { VM_PAGE = 4096 };

static inline char *vm_map(long len)
{
	char *p = mmap(NULL, len, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	if (p == MAP_FAILED) {
		perror("mmap");
		exit(1);
	}
	return p;
}

/* One write to each of the n pages of p. */
static inline unsigned long long vm_write_cost(volatile char *p, int n, unsigned long long *t)
{
	for (int i = 0; i < n; i++) {
		unsigned long long t0 = rdtsc();
		p[(long)i * VM_PAGE] = 1;
		t[i] = rdtsc() - t0;
	}
	return median(t, n);
}

/* One page in the middle of a touched 16-page area to R and back (a split,
 * then a merge): the mean of the two calls. */
static inline unsigned long long vm_mprotect_cost(int n, unsigned long long *t)
{
	char *a = vm_map(16L * VM_PAGE), *mid = a + 8L * VM_PAGE;
	memset(a, 1, 16L * VM_PAGE);
	for (int i = 0; i < n; i++) {
		unsigned long long t0 = rdtsc();
		if (mprotect(mid, VM_PAGE, PROT_READ) || mprotect(mid, VM_PAGE, PROT_READ | PROT_WRITE))
			exit(1);
		t[i] = (rdtsc() - t0) / 2;
	}
	munmap(a, 16L * VM_PAGE);
	return median(t, n);
}

/* mmap + munmap of one anonymous page, with one write between if touch. */
static inline unsigned long long vm_mmap_cost(int touch, int n, unsigned long long *t)
{
	for (int i = 0; i < n; i++) {
		unsigned long long t0 = rdtsc();
		volatile char *p = vm_map(VM_PAGE);
		if (touch)
			p[0] = 1;
		if (munmap((void *)p, VM_PAGE))
			exit(1);
		t[i] = rdtsc() - t0;
	}
	return median(t, n);
}

/* Parent side of fork (fork's return in the parent) of a process with len
 * bytes written just before; the child waits on a pipe, so that it costs
 * nothing should it run first. */
static inline unsigned long long vm_fork_cost(long len, int n, unsigned long long *t)
{
	char *a = vm_map(len);
	for (int i = 0; i < n; i++) {
		int fd[2];
		memset(a, i + 1, len);
		if (pipe(fd))
			exit(1);
		unsigned long long t0 = rdtsc();
		pid_t pid = fork();
		if (pid == 0) {
			char c;
			_exit(read(fd[0], &c, 1) == 1 ? 0 : 1);
		}
		t[i] = rdtsc() - t0;
		if (pid < 0 || write(fd[1], "x", 1) != 1 || waitpid(pid, NULL, 0) != pid)
			exit(1);
		close(fd[0]);
		close(fd[1]);
	}
	munmap(a, len);
	return median(t, n);
}

#endif
