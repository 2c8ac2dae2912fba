/*
 * The x86-64 address map of Pagoda: one picture, and every boundary constant.
 * README diagrams and ptdump output are made from these constants.
 *
 *  0xffffffffffffffff +-----------------------------+
 *                     | kernel image (.text .rodata |  KERNEL_VMA = -2 GiB, linked at
 *  0xffffffff80000000 |  .data .bss), W^X           |  KERNEL_VMA + physical address
 *                     +-----------------------------+
 *                     |           unused            |
 *  0xffffff0000000000 | kernel stacks, each with an |  KSTACK_BASE (PML4 slot 510)
 *                     | unmapped guard page below   |
 *                     +-----------------------------+
 *                     |           unused            |
 *                     +-----------------------------+
 *                     | direct map: all physical    |  pa_to_kva(pa) = DIRECT_MAP_BASE + pa
 *  0xffff800000000000 | memory, RW, NX, global      |  (PML4 slot 256)
 *                     +-----------------------------+
 *                     | non-canonical hole: any     |  an access raises #GP, not #PF
 *                     | access faults               |
 *  0x0000800000000000 +-----------------------------+
 *  0x00007ffffffff000 | USER_TOP (2^47 - one page)  |
 *                     | user stack (grows down,     |  STACK_LIMIT = 8 MiB
 *                     |  8 MiB limit, guard gap)    |
 *                     | mmap area (grows down)      |  MMAP_BASE
 *                     |          ...                |
 *                     | heap (brk, grows up)        |
 *                     | ELF data, bss               |
 *                     | ELF text                    |  0x400000 for ET_EXEC programs
 *  0x0000000000001000 | (NULL guard below)          |
 *  0x0000000000000000 +-----------------------------+  never mapped: catches NULL
 *
 * Glossary (Intel / Linux / CS:APP):
 *   PML4, PDPT, PD, PT        pgd, pud, pmd, pte          level 4..1 page table
 *   page-table entry          pte_t                        PTE
 *   page frame                struct page / pfn            physical page (PP)
 *   linear address            virtual address              virtual address (VA)
 *   #PF                       page fault                   page fault
 *   (no term)                 vma / vm_area_struct         area (segment)
 *   (no term)                 mm_struct                    process address space
 *
 * Physical and virtual addresses never mix silently: paddr_t is physical,
 * pointers are virtual, and only the helpers below convert between them.
 */
#ifndef PAGODA_LAYOUT_H
#define PAGODA_LAYOUT_H

#include "../kernel/types.h"

#define PAGE_SHIFT 12
#define PAGE_SIZE (1ul << PAGE_SHIFT)
#define PAGE_MASK (~(PAGE_SIZE - 1))

#define KERNEL_VMA 0xffffffff80000000ul
#define DIRECT_MAP_BASE 0xffff800000000000ul
#define DIRECT_MAP_MAX (64ul << 30)            /* we map at most 64 GiB of RAM */
#define KERNEL_HALF_START 0xffff800000000000ul
#define KSTACK_BASE 0xffffff0000000000ul        /* kernel stacks with guard pages */
#define USER_TOP 0x00007ffffffff000ul          /* first byte above user space */
#define USER_MIN 0x0000000000001000ul          /* lowest mappable user page */
#define MMAP_BASE 0x00007ffff0000000ul         /* mmap areas are placed below this */
#define ELF_ET_DYN_BASE 0x0000555555554000ul   /* where static-PIE programs load, as Linux */
#define STACK_TOP USER_TOP                     /* the stack's highest page ends here */
#define STACK_LIMIT (8ul << 20)                /* RLIMIT_STACK, as Linux's default */
#define STACK_GUARD_GAP (256 * PAGE_SIZE)      /* Linux's stack_guard_gap: nothing is mapped
                                                  this close below the stack */

static inline uintptr_t page_round_down(uintptr_t a) { return a & PAGE_MASK; }
static inline uintptr_t page_round_up(uintptr_t a) { return (a + PAGE_SIZE - 1) & PAGE_MASK; }
static inline bool page_aligned(uintptr_t a) { return (a & (PAGE_SIZE - 1)) == 0; }

/* The direct map: physical memory seen at a fixed virtual offset (Linux __va). */
static inline void *pa_to_kva(paddr_t pa) { return (void *)(DIRECT_MAP_BASE + pa); }

/* Linux __pa: works for direct-map and kernel-image addresses. */
static inline paddr_t kva_to_pa(const void *kva)
{
	uintptr_t va = (uintptr_t)kva;
	if (va >= KERNEL_VMA)
		return va - KERNEL_VMA;
	return va - DIRECT_MAP_BASE;
}

static inline bool is_user_addr(uintptr_t va) { return va < USER_TOP; }
/* Bits 63..47 all equal: the only addresses the CPU will translate. */
static inline bool is_canonical(uintptr_t va) { return (uintptr_t)((intptr_t)(va << 16) >> 16) == va; }

#endif
