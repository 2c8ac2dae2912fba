/*
 * The 64-bit GDT and the TSS, one of each per CPU (a TSS descriptor is
 * marked busy by ltr, so two CPUs cannot share one; each CPU needs its own
 * RSP0 and IST stacks anyway). In long mode segments are flat; the GDT only
 * says ring 0 or ring 3, code or data. The TSS matters for two fields:
 * RSP0, the kernel stack the CPU switches to on a trap from ring 3, and the
 * IST stacks, used unconditionally for #DF and NMI so that a kernel stack
 * overflow can still be reported.
 */
#include "gdt.h"
#include "percpu.h"
#include "string.h"
#include "x86.h"
#include "../mm/layout.h"

struct tss {
	uint32_t reserved0;
	uint64_t rsp[3];
	uint64_t reserved1;
	uint64_t ist[7];   /* ist[n - 1] is the stack for IST index n */
	uint64_t reserved2;
	uint16_t reserved3;
	uint16_t iomap_base;
} __attribute__((packed));
_Static_assert(sizeof(struct tss) == 104, "the 64-bit TSS is 104 bytes");

enum { IST_STACK_SIZE = 4 * PAGE_SIZE };

/* Each IST stack has a guard page below it (unmapped by mm/kmap.c). */
static uint8_t ist_stacks[MAX_CPUS][3][PAGE_SIZE + IST_STACK_SIZE] __attribute__((aligned(PAGE_SIZE)));
static struct cpu_tables {
	uint64_t gdt[8];
	struct tss tss;
} tables[MAX_CPUS];

static uint64_t segment(bool code, int dpl)
{
	uint64_t d = (1ull << 47) | (1ull << 44) | ((uint64_t)dpl << 45);  /* P, S, DPL */
	if (code)
		d |= (1ull << 43) | (1ull << 53);   /* executable, L (64-bit) */
	else
		d |= 1ull << 41;                    /* writable */
	return d;
}

static void set_tss_descriptor(uint64_t *gdt, const struct tss *tss, int index)
{
	uint64_t base = (uintptr_t)tss, limit = sizeof(*tss) - 1;
	gdt[index] = (limit & 0xffff) | ((base & 0xffffff) << 16) | (0x89ull << 40) /* P, 64-bit TSS */
		     | (((limit >> 16) & 0xf) << 48) | (((base >> 24) & 0xff) << 56);
	gdt[index + 1] = base >> 32;
}

uintptr_t ist_stack_bottom(int cpu, int ist)
{
	return (uintptr_t)ist_stacks[cpu][ist];
}

static void load_segments(uint64_t *gdt)
{
	struct { uint16_t limit; uint64_t base; } __attribute__((packed)) ptr = { 8 * sizeof(*gdt) - 1, (uintptr_t)gdt };
	lgdt(&ptr);
	__asm__ volatile("pushq %0; leaq 1f(%%rip), %%rax; pushq %%rax; lretq; 1:" ::"i"(SEL_KCODE) : "rax", "memory");
	__asm__ volatile("mov %0, %%ds; mov %0, %%es; mov %0, %%ss" ::"r"((uint16_t)SEL_KDATA));
	ltr(SEL_TSS);
}

void gdt_init(int cpu)
{
	uint64_t *gdt = tables[cpu].gdt;
	struct tss *tss = &tables[cpu].tss;
	gdt[SEL_KCODE >> 3] = segment(true, 0);
	gdt[SEL_KDATA >> 3] = segment(false, 0);
	gdt[SEL_UCODE32 >> 3] = 0;   /* placeholder that fixes the sysret layout */
	gdt[SEL_UDATA >> 3] = segment(false, 3);
	gdt[SEL_UCODE >> 3] = segment(true, 3);
	for (int i = 1; i <= 2; i++)
		tss->ist[i - 1] = (uintptr_t)ist_stacks[cpu][i] + sizeof(ist_stacks[cpu][i]);
	tss->iomap_base = sizeof(*tss);   /* no I/O permission bitmap: ring 3 gets no ports */
	set_tss_descriptor(gdt, tss, SEL_TSS >> 3);
	load_segments(gdt);
}

void tss_set_rsp0(uintptr_t rsp0)
{
	tables[smp_processor_id()].tss.rsp[0] = rsp0;
}
