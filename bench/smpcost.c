/* smpcost: what several CPUs cost, in guest instructions (`-icount shift=0`:
 * rdtsc counts retired guest instructions of every CPU, which take turns on
 * one host thread, so a figure is the whole machine's work in the interval).
 *
 *   munmap_1page      munmap of one touched page of this process, alone
 *                     (the other CPUs idle: lazy TLB, no IPI after the first);
 *                     the page is an area of its own at a fixed place
 *                     beside others in one page table (munmap_slot)
 *   munmap_threads    the same while threads of this process (clone with
 *                     CLONE_VM) spin on every other CPU (one each, pinned
 *                     where the kernel has sched_setaffinity), so every munmap
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
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/wait.h>
#include <unistd.h>
#include <cpuid.h>
#include "icount.h"

enum { N = 128, PAGE = 4096, HUGE = 2 << 20, STACK = 64 * 1024, MAX_THREADS = 8 };

static unsigned long long t[N];
static volatile int stop, running;
static volatile unsigned long long cpus_seen;   /* bit n: a thread ran on CPU n after pinning */

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

/* Run the calling thread on CPU `cpu` only (sched_setaffinity, on Linux
 * and Pagoda alike, returns once the thread runs there), and say where it
 * runs in cpus_seen. */
static void pin_to_cpu(long cpu)
{
	cpu_set_t set;
	CPU_ZERO(&set);
	CPU_SET(cpu, &set);
	if (sched_setaffinity(0, sizeof(set), &set))
		perror("smpcost: sched_setaffinity");
	int on = sched_getcpu();
	if (on >= 0 && on < 64)
		__atomic_or_fetch(&cpus_seen, 1ull << on, __ATOMIC_SEQ_CST);
}

/* A thread that only spins in user mode (it touches no libc state), with
 * `pause` in its loop as every spin-wait should have. Under -icount QEMU
 * 7.2 runs the CPUs in turn on one thread and gives the CPU whose turn it is
 * every instruction up to the next timer deadline; a CPU leaves its turn
 * early only at hlt, pause or an interrupt sent to some CPU. A loop without
 * pause would run to that deadline (millions of instructions, all counted
 * by the rdtsc of the CPU measuring) and leave the CPUs after it no turn at
 * all: a shootdown to them would wait forever. With pause, each spinner
 * adds a few instructions per turn, the same on every kernel. */
static int spinner(void *arg)
{
	pin_to_cpu((long)arg);
	__atomic_add_fetch(&running, 1, __ATOMIC_SEQ_CST);
	while (!stop)
		__builtin_ia32_pause();
	__atomic_sub_fetch(&running, 1, __ATOMIC_SEQ_CST);
	return 0;
}

/* The top of a STACK-byte thread stack with a PROT_NONE page below it (as
 * pthread_create makes them), or NULL. */
static char *guarded_stack(void)
{
	char *p = mmap(NULL, PAGE + STACK, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	if (p == MAP_FAILED || mprotect(p, PAGE, PROT_NONE))
		return NULL;
	return p + PAGE + STACK;
}

/* A wait for the spinners: they may share this CPU (yield) or need a turn
 * on theirs (pause, see spinner). */
static void relax(void)
{
	__builtin_ia32_pause();
	sched_yield();
}

static int start_spinners(int n)
{
	int flags = CLONE_VM | CLONE_FS | CLONE_FILES | CLONE_SIGHAND | CLONE_THREAD | CLONE_SYSVSEM;
	int started = 0;
	pin_to_cpu(0);
	for (long i = 0; i < n; i++) {
		char *stack = guarded_stack();
		if (!stack || clone(spinner, stack, flags, (void *)(i + 1)) < 0)
			break;
		started++;
	}
	while (running < started)
		relax();
	report("cpus_used", __builtin_popcountll(cpus_seen));
	return started;
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
		if (n == cpus - 1)
			munmap_threads();
		stop = 1;
		while (running)
			relax();
	}
	return 0;
}
