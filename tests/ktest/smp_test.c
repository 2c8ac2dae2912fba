/* Every CPU the MADT lists came up, with its own per-CPU area, and answers
 * an IPI call. (With one CPU the same checks hold for that one.) */
#include "../../kernel/acpi.h"
#include "../../kernel/ktest.h"
#include "../../kernel/percpu.h"
#include "../../kernel/smp.h"
#include "../../kernel/x86.h"

KTEST(smp_every_cpu_came_up)
{
	struct acpi_cpus found;
	KT_ASSERT(acpi_find_cpus(&found));
	KT_EQ(ncpus, found.n < MAX_CPUS ? found.n : MAX_CPUS);
	for (int i = 0; i < ncpus; i++) {
		KT_ASSERT(cpus[i].online);
		KT_EQ(cpus[i].cpu, i);
		KT_EQ(cpus[i].self, &cpus[i]);
		KT_ASSERT(cpus[i].idle != NULL);
		for (int j = 0; j < i; j++)
			KT_NE(cpus[i].apic_id, cpus[j].apic_id);
	}
	KT_EQ(this_cpu(), &cpus[0]);   /* the ktests run on the boot CPU */
}

static void mark_cpu(void *arg)
{
	atomic_or64(arg, 1ull << smp_processor_id());
}

KTEST(smp_call_runs_on_every_other_cpu)
{
	static volatile uint64_t ran;
	ran = 0;
	smp_call_many(cpu_online_mask(), mark_cpu, (void *)&ran, true);
	KT_EQ(ran, cpu_online_mask() & ~1ull);
}

static void call_reads_null(void *arg)
{
	(void)arg;
	*(volatile int *)0;
}

/* Must panic (tests/run.py SELFCHECKS boots it with two CPUs or more): CPU 1
 * takes a page fault inside the call function while CPU 0, the sender, holds
 * the kernel lock and waits for it. Before smp_call_exception this hung
 * (docs/smp.md bug 3); with one CPU there is no one to call and it fails. */
KTEST_SELFCHECK(selfcheck_ipi_call_fault_panics)
{
	KT_ASSERT(ncpus >= 2);
	smp_call_many(1ull << 1, call_reads_null, NULL, true);
	KT_ASSERT(!"the faulting call returned");
}
