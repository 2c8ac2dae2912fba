/*
 * The per-CPU areas, one per possible CPU; cpus[0] is the boot CPU's.
 * Always true: GS base (in kernel mode) points at the running CPU's area.
 */
#include "percpu.h"

struct percpu cpus[MAX_CPUS];
int ncpus = 1;

/* In kernel mode GS points here; KERNEL_GS_BASE holds the user's GS (0)
 * until swapgs exchanges them. */
void percpu_init(int cpu)
{
	struct percpu *c = &cpus[cpu];
	c->self = c;
	c->cpu = cpu;
	wrmsr(MSR_GS_BASE, (uintptr_t)c);
	wrmsr(MSR_KERNEL_GS_BASE, 0);
}
