/*
 * The kernel's own address space, replacing the boot page tables.
 *
 *   direct map   DIRECT_MAP_BASE + pa -> pa for all RAM: RW, NX, global,
 *                in 1 GiB pages (2 MiB if the CPU has no 1 GiB pages)
 *   .text        read + execute          (global)
 *   .rodata      read only, NX           (global)
 *   .data/.bss   read + write, NX        (global), except the guard pages
 *                below the boot stack and the IST stacks, left unmapped
 *   lower half   nothing: NULL and every user address fault in the kernel
 *
 * No mapping is both writable and executable. The direct map aliases the
 * image's frames writable but never executable, as on Linux.
 */
#include "kmap.h"
#include "frame.h"
#include "pagetable.h"
#include "../kernel/gdt.h"
#include "../kernel/percpu.h"
#include "../kernel/panic.h"
#include "../kernel/printk.h"
#include "../kernel/x86.h"

extern char __text_start[], __text_end[], __rodata_start[], __rodata_end[];
extern char __data_start[], __data_end[], boot_stack_guard[];

bool cpu_has_smep, cpu_has_smap, cpu_has_1g_pages;

static void detect_cpu_features(void)
{
	uint32_t r[4];
	cpuid(7, 0, r);
	cpu_has_smep = r[1] & (1u << 7);
	cpu_has_smap = r[1] & (1u << 20);
	cpuid(0x80000001, 0, r);
	cpu_has_1g_pages = r[3] & (1u << 26);
}

static void map_or_panic(int err, const char *what)
{
	if (err)
		panic("kmap: out of memory while mapping %s", what);
}

static void map_direct(void)
{
	int level = cpu_has_1g_pages ? 3 : 2;
	paddr_t top = page_round_up(frame_max_pa());
	for (paddr_t pa = 0; pa < top; pa += level_size(level))
		map_or_panic(pt_map_huge(kernel_root, (uintptr_t)pa_to_kva(pa), pa, level,
					 PTE_W | PTE_G | PTE_NX), "the direct map");
}

static bool is_guard_page(uintptr_t va)
{
	if (va == (uintptr_t)boot_stack_guard)
		return true;
	for (int cpu = 0; cpu < MAX_CPUS; cpu++)
		for (int ist = 1; ist <= 2; ist++)
			if (va == ist_stack_bottom(cpu, ist))
				return true;
	return false;
}

static void map_section(char *start, char *end, uint64_t flags, const char *name)
{
	for (uintptr_t va = (uintptr_t)start; va < (uintptr_t)end; va += PAGE_SIZE)
		if (!is_guard_page(va))
			map_or_panic(pt_map(kernel_root, va, kva_to_pa((void *)va), flags | PTE_G), name);
}

/* Create the PDPT under a kernel-half PML4 slot now, so that every address
 * space created later shares it (pagetable.c never frees these). */
static void pin_kernel_slot(uintptr_t va)
{
	struct pt_walk w;
	map_or_panic(pt_walk(kernel_root, va, PT_LEVELS - 1, true, &w), "a kernel PML4 slot");
}

static void enable_protection_features(void)
{
	uint64_t cr4 = read_cr4() | CR4_PGE;
	if (cpu_has_smep)
		cr4 |= CR4_SMEP;
	if (cpu_has_smap)
		cr4 |= CR4_SMAP;
	write_cr4(cr4);
}

/* Physical memory outside RAM (ACPI tables past the last usable frame, the
 * local APIC's registers) seen at its direct-map address: each page not
 * mapped yet gets a 4 KiB entry there, read-only unless writable, uncached
 * for device registers. The direct map's PDPT is shared by every address
 * space, so the mapping is seen everywhere. */
void *kmap_phys(paddr_t pa, size_t len, bool device)
{
	uint64_t flags = PTE_G | PTE_NX | (device ? PTE_W | PTE_PCD | PTE_PWT : 0);
	for (paddr_t p = page_round_down(pa); p < pa + len; p += PAGE_SIZE) {
		paddr_t got;
		if (!pt_translate(kernel_root, (uintptr_t)pa_to_kva(p), &got))
			map_or_panic(pt_map(kernel_root, (uintptr_t)pa_to_kva(p), p, flags), "physical memory");
	}
	return pa_to_kva(pa);
}

void kmap_init(void)
{
	detect_cpu_features();
	kernel_root = pa_to_kva(frame_alloc_zeroed(FRAME_PAGETABLE));
	map_direct();
	map_section(__text_start, __text_end, 0, ".text");
	map_section(__rodata_start, __rodata_end, PTE_NX, ".rodata");
	map_section(__data_start, __data_end, PTE_W | PTE_NX, ".data/.bss");
	pin_kernel_slot(KSTACK_BASE);   /* before any user root copies the kernel half */
	write_cr3(kva_to_pa(kernel_root));
	enable_protection_features();
	pr_info("kmap: kernel page tables at %lx; direct map in %s pages; SMEP %s, SMAP %s\n",
	       kva_to_pa(kernel_root), cpu_has_1g_pages ? "1 GiB" : "2 MiB", cpu_has_smep ? "on" : "absent",
	       cpu_has_smap ? "on" : "absent");
}
