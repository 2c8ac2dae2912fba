/* Spinning threads for the shootdown benchmarks (bench/smpcost.c,
 * bench/kprof_op.c): threads of the calling process (clone with CLONE_VM),
 * each pinned to its own CPU, that spin in user mode until told to stop, so
 * that every change to the process's mappings is a TLB shootdown to them.
 *
 * Always true: spinner i runs on CPU i + 1 only and the caller on CPU 0
 * (sched_setaffinity returns once the thread runs there, on Linux and on
 * Pagoda); `spinners_running` counts the spinners in their loop; bit n of
 * `spinners_cpus` is set once a thread of these ran on CPU n after pinning.
 */
#ifndef PAGODA_BENCH_SPINNERS_H
#define PAGODA_BENCH_SPINNERS_H
#include <sched.h>   /* with _GNU_SOURCE defined before the first include: clone, CPU_SET */
#include <stdio.h>
#include <sys/mman.h>

enum { SPINNER_STACK = 64 * 1024, SPINNER_GUARD = 4096 };

static volatile int spinners_stop, spinners_running;
static volatile unsigned long long spinners_cpus;

/* Run the calling thread on CPU `cpu` only, and say where it runs. */
static void pin_to_cpu(long cpu)
{
	cpu_set_t set;
	CPU_ZERO(&set);
	CPU_SET(cpu, &set);
	if (sched_setaffinity(0, sizeof(set), &set))
		perror("spinners: sched_setaffinity");
	int on = sched_getcpu();
	if (on >= 0 && on < 64)
		__atomic_or_fetch(&spinners_cpus, 1ull << on, __ATOMIC_SEQ_CST);
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
	__atomic_add_fetch(&spinners_running, 1, __ATOMIC_SEQ_CST);
	while (!spinners_stop)
		__builtin_ia32_pause();
	__atomic_sub_fetch(&spinners_running, 1, __ATOMIC_SEQ_CST);
	return 0;
}

/* The top of a thread stack with a PROT_NONE page below it (as
 * pthread_create makes them), or NULL. */
static char *guarded_stack(void)
{
	char *p = mmap(NULL, SPINNER_GUARD + SPINNER_STACK, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	if (p == MAP_FAILED || mprotect(p, SPINNER_GUARD, PROT_NONE))
		return NULL;
	return p + SPINNER_GUARD + SPINNER_STACK;
}

/* A wait for the spinners: they may share this CPU (yield) or need a turn
 * on theirs (pause, see spinner). */
static void relax(void)
{
	__builtin_ia32_pause();
	sched_yield();
}

/* The caller to CPU 0 and n spinners to CPUs 1..n; returns how many
 * started, once all of them spin. */
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
	while (spinners_running < started)
		relax();
	return started;
}

static void stop_spinners(void)
{
	spinners_stop = 1;
	while (spinners_running)
		relax();
}

#endif
