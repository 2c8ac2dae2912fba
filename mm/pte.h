/*
 * The x86-64 page-table entry (Intel SDM vol. 3, 4.5), the same 64-bit format
 * at all four levels:
 *
 *   63  62..52  51 ........................ 12  11..9  8  7  6  5  4   3   2  1  0
 *  +--+--------+--------------------------------+------+--+--+--+--+---+---+--+--+--+
 *  |NX| avail  |  physical frame number (PFN)   |avail |G |PS|D |A |PCD|PWT|US|RW|P |
 *  +--+--------+--------------------------------+------+--+--+--+--+---+---+--+--+--+
 *
 * A virtual address splits 9+9+9+9+12: PML4 index (bits 47..39), PDPT index
 * (38..30), PD index (29..21), PT index (20..12), page offset (11..0).
 * Level numbers below count as the hardware walks: 4 = PML4 (Linux pgd),
 * 3 = PDPT (pud), 2 = PD (pmd), 1 = PT (pte).
 */
#ifndef PAGODA_PTE_H
#define PAGODA_PTE_H

#include "../kernel/types.h"

typedef uint64_t pte_t;

#define PTE_P    (1ull << 0)  /* present: the CPU uses this entry; clear -> #PF "not present" */
#define PTE_W    (1ull << 1)  /* writable: clear -> writes fault (in the kernel too, since CR0.WP) */
#define PTE_U    (1ull << 2)  /* user: ring 3 may access; clear -> user access faults (and SMEP/SMAP
                              make kernel access to U pages fault) */
#define PTE_PWT  (1ull << 3)  /* write-through caching for the page */
#define PTE_PCD  (1ull << 4)  /* cache disable (device memory) */
#define PTE_A    (1ull << 5)  /* accessed: set by the CPU on any access through the entry */
#define PTE_D    (1ull << 6)  /* dirty: set by the CPU on a write (leaf entries only) */
#define PTE_PS   (1ull << 7)  /* page size: in a PD (PDPT) entry, maps a 2 MiB (1 GiB) page directly */
#define PTE_G    (1ull << 8)  /* global: the TLB keeps it across CR3 loads (needs CR4.PGE) */
#define PTE_NX   (1ull << 63)  /* no-execute: instruction fetch faults (needs EFER.NXE) */
/* Software bit (the CPU ignores bits 11..9): Linux's soft-dirty, "written since
 * the last write of 4 to /proc/PID/clear_refs" (mm/pagemap.c). Set by the write
 * fault that makes a page writable; clear_refs clears it and PTE_W together. */
#define PTE_SOFT_DIRTY (1ull << 11)

/*
 * A swap entry (Linux swp_entry_t): a non-present leaf saying where the
 * page went. The CPU ignores every bit of an entry whose P is clear, so the
 * kernel keeps the swap device ("type") and the slot on it ("offset"):
 *
 *   63  62 ......................... 12  11..10  9    8..6   5 .. 1   0
 *  +---+--------------------------------+------+----+------+--------+---+
 *  | 0 |  offset: slot on the device    |  0   |SWP |  0   |  type  | 0 |
 *  +---+--------------------------------+------+----+------+--------+---+
 *
 * Slot 0 holds the device's header and is never handed out, and SWP is
 * set, so a swap entry is never 0 (an empty entry, "pte_none").
 */
#define PTE_SWP (1ull << 9)   /* software: this non-present entry is a swap entry */
#define SWP_TYPE_SHIFT 1
#define SWP_TYPE_MASK 0x1full
#define SWP_OFFSET_SHIFT 12
#define SWP_OFFSET_MASK ((1ull << 39) - 1)

#define PTE_ADDR_MASK 0x000ffffffffff000ull
#define PT_ENTRIES 512
#define PT_LEVELS 4

/* Bits of the virtual address that a level-`level` entry translates. */
static inline unsigned level_shift(int level) { return 12 + 9 * (level - 1); }
static inline uint64_t level_size(int level) { return 1ull << level_shift(level); }
static inline unsigned pt_index(uintptr_t va, int level) { return (va >> level_shift(level)) & (PT_ENTRIES - 1); }

static inline bool pte_present(pte_t e) { return e & PTE_P; }
static inline bool pte_huge(pte_t e) { return e & PTE_PS; }
static inline paddr_t pte_addr(pte_t e) { return e & PTE_ADDR_MASK; }
static inline uint64_t pte_flags(pte_t e) { return e & ~PTE_ADDR_MASK; }
static inline pte_t make_pte(paddr_t pa, uint64_t flags) { return (pa & PTE_ADDR_MASK) | flags; }

static inline bool pte_none(pte_t e) { return e == 0; }
static inline bool pte_is_swap(pte_t e) { return !(e & PTE_P) && (e & PTE_SWP); }
static inline pte_t swp_entry(unsigned type, uint64_t offset)
{
	return (((uint64_t)type & SWP_TYPE_MASK) << SWP_TYPE_SHIFT) | ((offset & SWP_OFFSET_MASK) << SWP_OFFSET_SHIFT) |
	       PTE_SWP;
}
static inline unsigned swp_type(pte_t e) { return (e >> SWP_TYPE_SHIFT) & SWP_TYPE_MASK; }
static inline uint64_t swp_offset(pte_t e) { return (e >> SWP_OFFSET_SHIFT) & SWP_OFFSET_MASK; }

/* Intel names for the levels, for printing (index = level). */
static const char *const pt_level_name[PT_LEVELS + 1] = { "page", "PT", "PD", "PDPT", "PML4" };

#endif
