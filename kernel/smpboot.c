/*
 * Starting the other CPUs (Intel SDM vol. 3A, 8.4.4: INIT, then STARTUP
 * twice). The MADT (kernel/acpi.c) lists them; each is started in turn:
 * the real-mode trampoline (boot/ap_trampoline.asm) is copied below 1 MiB,
 * its parameters name the CPU, its kernel stack and a page table that
 * identity-maps the trampoline and shares the kernel half; the CPU comes up
 * in ap_entry, sets up its own GDT/TSS, per-CPU area, system-call MSRs,
 * FPU and local APIC, says it is online and halts until the boot CPU has
 * started them all (release_cpus); then it starts its tick and enters its
 * idle loop.
 *
 * Always true: cpus[0 .. ncpus-1] are the CPUs that came online, in the
 * MADT's order; one CPU is in the trampoline at a time (its parameters are
 * shared); a CPU that does not answer is left out (one line says so).
 * Every wait of the boot halts (timer_delay_ns) and a started CPU halts
 * until released, so the boot spends no instructions waiting: under -icount
 * the CPUs take turns on one host thread and a spin would be counted and,
 * in tools/kprof, logged (100 million instructions at four CPUs).
 */
#include "acpi.h"
#include "cmdline.h"
#include "fpu.h"
#include "gdt.h"
#include "idt.h"
#include "kernel_lock.h"
#include "lapic.h"
#include "panic.h"
#include "percpu.h"
#include "param.h"
#include "printk.h"
#include "proc.h"
#include "smp.h"
#include "string.h"
#include "timer.h"
#include "x86.h"
#include "../mm/frame.h"
#include "../mm/kmap.h"
#include "../mm/kstack.h"
#include "../mm/pagetable.h"

void syscall_init(void);

enum { AP_TRAMPOLINE_PA = 0x8000 };   /* boot/ap_trampoline.asm AP_TRAMPOLINE_PA */

struct trampoline_params {
	uint64_t cr3, stack, entry, cpu;
};

extern char ap_trampoline[], ap_trampoline_params[], ap_trampoline_end[];
static uint64_t boot_cr0, boot_cr4;   /* the boot CPU's, copied by each CPU */

/* The trampoline's page table: the kernel half of kernel_root, plus the
 * first 2 MiB at their own address (executable) for the jump to long mode. */
static paddr_t trampoline_root(void)
{
	pte_t *root = pa_to_kva(frame_alloc_zeroed(FRAME_PAGETABLE));
	pte_t *pdpt = pa_to_kva(frame_alloc_zeroed(FRAME_PAGETABLE));
	pte_t *pd = pa_to_kva(frame_alloc_zeroed(FRAME_PAGETABLE));
	if (!kva_to_pa(root) || !kva_to_pa(pdpt) || !kva_to_pa(pd))
		panic("smp: no memory for the trampoline's page table");
	memcpy(root + 256, kernel_root + 256, 256 * sizeof(pte_t));
	root[0] = kva_to_pa(pdpt) | PTE_P | PTE_W;
	pdpt[0] = kva_to_pa(pd) | PTE_P | PTE_W;
	pd[0] = PTE_P | PTE_W | PTE_PS;
	return kva_to_pa(root);
}

static struct trampoline_params *install_trampoline(void)
{
	uint8_t *low = pa_to_kva(AP_TRAMPOLINE_PA);
	memcpy(low, ap_trampoline, ap_trampoline_end - ap_trampoline);
	struct trampoline_params *t = (void *)(low + (ap_trampoline_params - ap_trampoline));
	t->cr3 = trampoline_root();
	return t;
}

static volatile bool cpus_released;   /* every CPU has been started */

/* A started CPU, until the boot CPU has started the others: halted with its
 * tick off, so that only an IPI wakes it (a tick's handler would spin for
 * the kernel lock that the boot CPU holds across its waits). An IPI call (a
 * shootdown) is served meanwhile; the boot CPU's reschedule IPI ends it. */
static void wait_for_release(void)
{
	while (!cpus_released)
		sti_hlt();
	cli();
}

/* After the last CPU: each leaves wait_for_release, its reschedule IPI's
 * handler waiting for the kernel lock until the boot CPU first lets go. */
static void release_cpus(void)
{
	cpus_released = true;
	for (int i = 1; i < ncpus; i++)
		smp_send_reschedule(i);
}

/* The secondary CPU's C entry, on its idle process's kernel stack. */
__attribute__((noreturn)) void ap_entry(int cpu)
{
	percpu_init(cpu);
	write_cr3(kva_to_pa(kernel_root));
	write_cr0(boot_cr0);
	write_cr4(boot_cr4);
	gdt_init(cpu);
	idt_load();
	fpu_init_cpu();
	syscall_init();
	lapic_init_cpu();
	struct percpu *c = this_cpu();
	c->current = c->idle;
	c->kstack_top = c->idle->kstack_top;
	barrier();
	c->online = true;
	wait_for_release();
	lapic_timer_start();
	idle_loop();
}

/* INIT, 10 ms, STARTUP, 200 us, STARTUP (the SDM's sequence; each wait may
 * last up to two ticks longer, timer_delay_ns); then up to ten seconds for
 * the CPU to say it is online (TCG on a loaded host is slow). */
static bool start_cpu(struct trampoline_params *t, int cpu, uint32_t apic_id)
{
	uintptr_t stack = kstack_alloc();
	if (!stack)
		return false;
	cpus[cpu].apic_id = apic_id;
	cpus[cpu].idle = proc_init_idle(cpu, stack);
	t->stack = stack;
	t->entry = (uintptr_t)ap_entry;
	t->cpu = cpu;
	lapic_send_init(apic_id);
	timer_delay_ns(10000000);
	for (int i = 0; i < 2 && !cpus[cpu].online; i++) {
		lapic_send_sipi(apic_id, AP_TRAMPOLINE_PA);
		timer_delay_ns(200000);
	}
	for (int i = 0; i < 10 * HZ && !cpus[cpu].online; i++)
		timer_delay_ns(1000000000ull / HZ);   /* a tick or more: ten seconds at least in all */
	return cpus[cpu].online;
}

/* With the kernel lock held by the boot CPU: the new CPUs spin on it in
 * their idle loops until the boot CPU first lets go. */
static void start_secondary_cpus(const struct acpi_cpus *found)
{
	lapic_init(found->lapic_pa);
	cpus[0].apic_id = lapic_id();
	lapic_timer_calibrate();
	boot_cr0 = read_cr0();
	boot_cr4 = read_cr4();
	struct trampoline_params *t = install_trampoline();
	for (int i = 0; i < found->n && ncpus < MAX_CPUS; i++) {
		if (found->apic_id[i] == cpus[0].apic_id)
			continue;
		if (start_cpu(t, ncpus, found->apic_id[i]))
			ncpus++;
		else
			printk("smp: the CPU with APIC id %u did not start\n", found->apic_id[i]);
	}
	release_cpus();
	pr_info("smp: %d CPUs online (the MADT lists %d)\n", ncpus, found->n);
}

/* One CPU (no MADT entry for another, or none started): no local APIC work
 * at all, and the boot CPU keeps the kernel lock for good. */
void smp_boot(void)
{
	struct acpi_cpus found;
	cpus[0].online = true;
	if (acpi_find_cpus(&found) && found.n >= 2)
		start_secondary_cpus(&found);
	if (ncpus == 1)
		kernel_lock_keep();
}
