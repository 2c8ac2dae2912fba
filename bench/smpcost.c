/* smpcost: what several CPUs cost, in guest instructions (`-icount shift=0`:
 * rdtsc counts retired guest instructions of every CPU, which take turns on
 * one host thread, so a figure is the whole machine's work in the interval).
 *
 *   munmap_1page      munmap of one touched page of this process, alone
 *                     (the other CPUs idle: lazy TLB, no IPI after the first);
 *                     the page is an area of its own at a fixed place
 *                     beside others in one page table (munmap_slot)
 *   munmap_threads    the same while threads of this process (clone with
 *                     CLONE_VM) spin on every other CPU (one each, pinned:
 *                     bench/spinners.h), so every munmap
 *                     is a TLB shootdown to them; absent when clone
 *                     refuses CLONE_VM
 *   ctx_switch        pipe ping-pong between two processes: a round trip
 *                     (two switches, two writes, two reads) divided by two
 *   tlb_ipis          TLB shootdown IPIs the kernel counted during the
 *                     munmap_threads samples: Pagoda's /proc/vmstat
 *                     nr_tlb_remote_flush_received, or the sum of the
 *                     "TLB:" row of Linux's /proc/interrupts (one per CPU
 *                     told, so a shootdown per munmap is threads x samples)
 *   pcid              1 if CPUID offers PCID (QEMU 7.2's TCG does not)
 *   cpus_used         distinct CPUs that the measuring thread and the
 *                     spinners ran on after pinning (sched_getcpu): the
 *                     threads row measures a shootdown to cpus_used - 1 CPUs
 *
 * argv[1]: the number of CPUs (threads started: one fewer). Each figure is
 * the median of its samples.
 */
#define _GNU_SOURCE
#include <fcntl.h>
#include <sched.h>
#include "spinners.h"
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/wait.h>
#include <unistd.h>
#include <cpuid.h>
#include "icount.h"

enum { N = 128, PAGE = 4096, HUGE = 2 << 20, MAX_THREADS = 8 };

static unsigned long long t[N];

static void report(const char *name, unsigned long long v)
{
	printf("smpcost: %s=%llu\n", name, v);
	fflush(stdout);
}

/* Where munmap_cost maps its page: the third page of a 2 MiB-aligned
 * PROT_NONE reservation, so the page is an area of its own (no merge) with
 * neighbours in the same page table (which therefore stays) on every row
 * and either kernel, wherever the rest of the address space lies. */
static char *munmap_slot(void)
{
	static char *slot;
	if (!slot) {
		char *r = mmap(NULL, 2 * HUGE, PROT_NONE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
		if (r == MAP_FAILED)
			exit(1);
		slot = (char *)(((unsigned long)r + HUGE - 1) & ~(unsigned long)(HUGE - 1)) + 2 * PAGE;
	}
	return slot;
}

static unsigned long long munmap_cost(void)
{
	for (int i = 0; i < N; i++) {
		volatile char *p = mmap(munmap_slot(), PAGE, PROT_READ | PROT_WRITE,
					MAP_PRIVATE | MAP_ANONYMOUS | MAP_FIXED, -1, 0);
		if (p == MAP_FAILED)
			exit(1);
		p[0] = 1;
		unsigned long long t0 = rdtsc();
		munmap((void *)p, PAGE);
		t[i] = rdtsc() - t0;
	}
	return median(t, N);
}

static unsigned long long switch_cost(void)
{
	int to_child[2], to_parent[2];
	char c = 0;
	if (pipe(to_child) || pipe(to_parent))
		exit(1);
	pid_t pid = fork();
	if (pid == 0) {
		close(to_child[1]);
		while (read(to_child[0], &c, 1) == 1 && write(to_parent[1], &c, 1) == 1)
			;
		_exit(0);
	}
	for (int i = 0; i < N; i++) {
		unsigned long long t0 = rdtsc();
		if (write(to_child[1], &c, 1) != 1 || read(to_parent[0], &c, 1) != 1)
			exit(1);
		t[i] = (rdtsc() - t0) / 2;
	}
	close(to_child[1]);   /* the child reads end of file and exits */
	waitpid(pid, NULL, 0);
	return median(t, N);
}

static int cpuid_pcid(void)
{
	unsigned a, b, c, d;
	__cpuid(1, a, b, c, d);
	return c >> 17 & 1;
}

/* The text of a small /proc file ("" if unreadable), read into a static
 * buffer: no malloc, so reading it adds no mapping beside the measured ones. */
static const char *proc_text(const char *path)
{
	static char buf[16384];
	ssize_t len = 0, n;
	int fd = open(path, O_RDONLY);
	while (fd >= 0 && len < (ssize_t)sizeof(buf) - 1 && (n = read(fd, buf + len, sizeof(buf) - 1 - len)) > 0)
		len += n;
	if (fd >= 0)
		close(fd);
	buf[len] = 0;
	return buf;
}

/* The sum of the numbers after key on its line of text, or -1. */
static long row_sum(const char *text, const char *key)
{
	const char *p = strstr(text, key);
	if (!p)
		return -1;
	long n = 0;
	for (p += strlen(key); *p != '\n';) {
		char *end;
		long v = strtol(p, &end, 10);
		if (end == p)
			break;
		n += v;
		p = end;
	}
	return n;
}

static long tlb_ipis(void)
{
	long n = row_sum(proc_text("/proc/vmstat"), "\nnr_tlb_remote_flush_received ");
	return n >= 0 ? n : row_sum(proc_text("/proc/interrupts"), "TLB:");
}

static void munmap_threads(void)
{
	long before = tlb_ipis();
	report("munmap_threads", munmap_cost());
	long after = tlb_ipis();
	if (before >= 0 && after >= 0)
		report("tlb_ipis", after - before);
}

int main(int argc, char **argv)
{
	int cpus = argc > 1 ? atoi(argv[1]) : 1;
	report("pcid", cpuid_pcid());
	report("ctx_switch", switch_cost());
	report("munmap_1page", munmap_cost());
	if (cpus > 1 && cpus <= MAX_THREADS) {
		int n = start_spinners(cpus - 1);
		printf("smpcost: threads=%d\n", n);
		report("cpus_used", __builtin_popcountll(spinners_cpus));
		if (n == cpus - 1)
			munmap_threads();
		stop_spinners();
	}
	return 0;
}
