/*
 * Kernel stacks live in their own region of the kernel half (KSTACK_BASE),
 * one slot per stack:
 *
 *   slot i:  [ guard (unmapped) | KSTACK_PAGES mapped pages ]  <- top
 *
 * Free slots form a stack of indices; slot numbers only grow when none is free.
 */
#include "kstack.h"
#include "frame.h"
#include "kmap.h"
#include "layout.h"
#include "pagetable.h"
#include "../kernel/panic.h"
#include "../kernel/param.h"

enum { SLOT_PAGES = KSTACK_PAGES + 1, MAX_SLOTS = 4096 };

static uint32_t free_slots[MAX_SLOTS];
static uint32_t nfree, next_slot;

static uintptr_t slot_base(uint32_t slot) { return KSTACK_BASE + (uintptr_t)slot * SLOT_PAGES * PAGE_SIZE; }

static void unmap_stack(uintptr_t base, int pages)
{
	for (int i = 0; i < pages; i++) {
		pte_t old = pt_unmap(kernel_root, base + (i + 1) * PAGE_SIZE);
		frame_put(pte_addr(old));
	}
}

uintptr_t kstack_alloc(void)
{
	uint32_t slot;
	if (nfree)
		slot = free_slots[--nfree];
	else if (next_slot < MAX_SLOTS)
		slot = next_slot++;
	else
		return 0;
	uintptr_t base = slot_base(slot);
	for (int i = 0; i < KSTACK_PAGES; i++) {
		paddr_t pa = frame_alloc(FRAME_KSTACK);
		if (!pa || pt_map(kernel_root, base + (i + 1) * PAGE_SIZE, pa, PTE_W | PTE_NX | PTE_G)) {
			if (pa)
				frame_put(pa);
			unmap_stack(base, i);
			free_slots[nfree++] = slot;
			return 0;
		}
	}
	return base + SLOT_PAGES * PAGE_SIZE;
}

void kstack_free(uintptr_t top)
{
	uintptr_t base = top - SLOT_PAGES * PAGE_SIZE;
	kassert(base >= KSTACK_BASE && (base - KSTACK_BASE) % (SLOT_PAGES * PAGE_SIZE) == 0);
	unmap_stack(base, KSTACK_PAGES);
	free_slots[nfree++] = (base - KSTACK_BASE) / (SLOT_PAGES * PAGE_SIZE);
}
