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
