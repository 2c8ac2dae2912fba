/*
 * Page-table dumps for students: CS:APP 9.6's address translation, printed.
 * Both functions only read, through the one walker (pt_walk / pt_traverse).
 */
#include "ptdump.h"
#include "layout.h"
#include "pagetable.h"
#include "../kernel/printk.h"

void pte_describe(pte_t e, char *buf, size_t size)
{
	snprintf(buf, size, "%s %s %s %s %s %s %s %s %s %s", e & PTE_P ? "P" : "-", e & PTE_W ? "W" : "-",
		 e & PTE_U ? "U" : "-", e & PTE_PWT ? "PWT" : "-", e & PTE_PCD ? "PCD" : "-", e & PTE_A ? "A" : "-",
		 e & PTE_D ? "D" : "-", e & PTE_PS ? "PS" : "-", e & PTE_G ? "G" : "-", e & PTE_NX ? "NX" : "-");
}

void ptdump_va(pte_t *root, uintptr_t va)
{
	struct pt_walk w;
	char bits[64];
	pt_walk(root, va, 1, false, &w);
	printk("translate %016lx (PML4 %u, PDPT %u, PD %u, PT %u, offset 0x%lx) with root at pa %lx:\n", va,
	       pt_index(va, 4), pt_index(va, 3), pt_index(va, 2), pt_index(va, 1), va & (PAGE_SIZE - 1),
	       kva_to_pa(root));
	for (int l = PT_LEVELS; l >= w.level; l--) {
		pte_describe(*w.slot[l], bits, sizeof(bits));
		printk("  %-4s[%3u] at pa %09lx = %016lx  %s\n", pt_level_name[l], pt_index(va, l),
		       kva_to_pa(w.slot[l]), *w.slot[l], bits);
	}
	paddr_t pa;
	if (pt_translate(root, va, &pa))
		printk("  => physical address %lx (%s page)\n", pa,
		       w.level == 1 ? "4 KiB" : w.level == 2 ? "2 MiB" : "1 GiB");
	else
		printk("  => not mapped: an access would raise #PF (not present)\n");
}

/* Accumulates leaves into runs that share permissions. */
struct run {
	uintptr_t start, end;
	uint64_t flags;
	uint64_t pages;   /* 4 KiB pages covered */
	bool open;
};

#define DUMP_FLAGS (PTE_W | PTE_U | PTE_G | PTE_NX | PTE_PS | PTE_PCD | PTE_PWT)

static void run_print(const struct run *r)
{
	if (!r->open)
		return;
	char bits[64];
	pte_describe(r->flags | PTE_P, bits, sizeof(bits));
	printk("  %016lx-%016lx %c%c%c %s %8lu KiB  %s\n", r->start, r->end, 'r',
	       r->flags & PTE_W ? 'w' : '-', r->flags & PTE_NX ? '-' : 'x', r->flags & PTE_U ? "user  " : "kernel",
	       (r->end - r->start) >> 10, bits);
}

static void run_add(uintptr_t va, pte_t *slot, int level, void *arg)
{
	struct run *r = arg;
	uint64_t flags = *slot & DUMP_FLAGS;
	if (r->open && r->end == va && r->flags == flags) {
		r->end += level_size(level);
		return;
	}
	run_print(r);
	*r = (struct run){ va, va + level_size(level), flags, 0, true };
}

void ptdump_space(pte_t *root, uintptr_t start, uintptr_t end)
{
	struct run r = { 0 };
	struct pt_visitor v = { run_add, NULL, &r, NULL };
	printk("address space with root at pa %lx, [%lx, %lx):\n", kva_to_pa(root), start, end);
	pt_traverse(root, start, end, &v);
	run_print(&r);
}
