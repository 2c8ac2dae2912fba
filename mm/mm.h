/*
 * A process address space (Linux struct mm_struct) and its areas (struct
 * vm_area_struct; CS:APP calls them "areas" or "segments").
 */
#ifndef PAGODA_MM_H
#define PAGODA_MM_H

#include "../kernel/percpu.h"   /* MAX_CPUS */
#include "pagetable.h"   /* struct pt_leaf_hint */
#include "pte.h"
#include "vma_tree.h"
#include "workingset.h"

/* vm_flags */
#define VM_READ 0x1ul
#define VM_WRITE 0x2ul
#define VM_EXEC 0x4ul
#define VM_SHARED 0x8ul
#define VM_MAYWRITE 0x20ul     /* mprotect may add VM_WRITE (a shared file mapping needs a writable fd) */
#define VM_GROWSDOWN 0x100ul   /* the stack: grows down on a fault just below it */
#define VM_LOCKED 0x2000ul       /* mlock: every page resident (populated when locked) */
#define VM_LOCKONFAULT 0x80000ul  /* mlock2(MLOCK_ONFAULT): pages locked as they are touched */
#define VM_LOCKED_MASK (VM_LOCKED | VM_LOCKONFAULT)
#define VM_SEQ_READ 0x8000ul      /* madvise hints (recorded; no readahead to steer yet) */
#define VM_RAND_READ 0x10000ul
#define VM_DONTCOPY 0x20000ul     /* MADV_DONTFORK: fork's child does not get this area */
#define VM_WIPEONFORK 0x2000000ul /* MADV_WIPEONFORK: fork's child gets it empty (demand-zero) */
#define VM_DONTDUMP 0x4000000ul   /* MADV_DONTDUMP (recorded; Pagoda writes no core dumps) */
#define VM_HUGEPAGE 0x20000000ul  /* MADV_HUGEPAGE / NOHUGEPAGE (recorded; 4 KiB pages only) */
#define VM_NOHUGEPAGE 0x40000000ul
#define VM_MERGEABLE 0x80000000ul /* MADV_MERGEABLE (recorded; no page merging) */
#define VM_ACCOUNT 0x100000ul  /* private writable: its pages were charged against RAM (overcommit) */
#define VM_NORESERVE 0x200000ul  /* MAP_NORESERVE: never charged */
#define VM_PROT_MASK (VM_READ | VM_WRITE | VM_EXEC)

/* What backs an area's pages when they are first touched. */
enum vma_kind {
	VMA_ANON,    /* demand-zero (private) or a shared anonymous object (VM_SHARED) */
	VMA_FILE,    /* a file mapping (mmap or an ELF segment): the page cache's pages, zero past file_end */
	VMA_HEAP,    /* the brk area: demand-zero */
	VMA_STACK,   /* the user stack: demand-zero, VM_GROWSDOWN */
};

struct file;
struct mm;

/* Anonymous MAP_SHARED memory (mm/shmem.c): the pages every sharer maps, by
 * page index. Each entry is 0 (never touched), a frame (the object holds one
 * reference on it) or a swap entry (pte_is_swap: the object holds the slot
 * reference); each VMA using it holds one reference on the object. */
struct shm_object {
	uint32_t refcount;
	uint32_t audit_epoch;   /* mm/audit.c: counted already in this audit? */
	struct vma *i_mmap;     /* the areas using it, through vma->shared_next (rmap) */
	size_t npages;
	paddr_t pages[];
};

struct vma {
	uintptr_t vm_start, vm_end;   /* [vm_start, vm_end), page aligned */
	uint64_t vm_flags;            /* VM_READ | VM_WRITE | VM_EXEC | VM_SHARED | VM_GROWSDOWN */
	enum vma_kind kind;
	struct file *vm_file;         /* VMA_FILE: the open file (one reference per area) */
	uint64_t vm_pgoff;            /* in pages, as Linux: the backing's page at vm_start
	                                 (file page index, or page index in shm) */
	uintptr_t file_end;           /* VMA_FILE: bytes at or above this address are zero (an ELF
	                                 segment's bss); USER_TOP for mmap */
	struct mm *vm_mm;             /* the address space it is in */
	struct vma *shared_next;      /* the file's list of areas (address_space.i_mmap), or the
	                                 shared object's (shm->i_mmap) */
	struct shm_object *shm;       /* VM_SHARED anonymous backing */
	bool soft_dirty;              /* Linux VM_SOFTDIRTY: made or grown since the last
	                                 clear_refs "4": every page reads as soft-dirty */
	struct avl_node node;         /* in mm->vmas (when indexed), keyed by vm_start */
	struct vma *prev, *next;      /* address order (next: the area cache's link when spare) */
};   /* a new field is set in vma.c area_new (zero) and, if a split keeps it, vma_copy */

struct vm_counters {
	uint64_t faults;          /* every page fault taken (Linux pgfault; minor = faults - maj_faults) */
	uint64_t maj_faults;      /* faults that read the page from swap (Linux pgmajfault, ru_majflt) */
	uint64_t swap_cache_hits; /* faults on a swap entry whose page was still in the swap cache (minor) */
	uint64_t demand_zero;     /* anonymous page zero-filled on first touch */
	uint64_t file_fills;      /* file page mapped from the page cache (or copied: bss edge, private write) */
	uint64_t shared_fills;    /* shared anonymous page found or created */
	uint64_t cow_copies;      /* write to a shared COW page: copied */
	uint64_t cow_reuses;      /* write to a COW page no longer shared: made writable */
	uint64_t soft_dirty;      /* write to a page clear_refs write-protected: made writable */
	uint64_t stack_grows;     /* accesses (faults or user copies) that extended a stack area */
	uint64_t segv;            /* faults that ended in SIGSEGV */
	uint64_t pages_freed;     /* frames released by munmap/brk/exit */
};

struct mm {
	pte_t *pgd;                   /* PML4, in the direct map */
	int users;                    /* tasks using it (Linux's mm_users): threads, a vfork child */
	struct vma *vma_list;         /* lowest area first */
	size_t map_count;             /* areas on the list (Linux's map_count) */
	struct avl_tree vmas;         /* the index by vm_start, while vmas_indexed (vma.c) */
	bool vmas_indexed;            /* more than VMA_INDEX_MIN areas since the tree was built */
	struct vma *vma_hint;         /* the area find_vma found last, or NULL */
	struct pt_leaf_hint pt_hint;  /* the PT the fault handler's walk found last (pagetable.h); kernel lock */
	struct vma *vma_spare;        /* the area cache: freed areas for reuse (vma.c); kernel lock */
	unsigned nr_vma_spare;        /* how many, at most VMA_SPARE_MAX */
	uintptr_t start_brk, brk;     /* heap area [start_brk, page_up(brk)) */
	uintptr_t start_stack;        /* initial stack pointer region (top of stack) */
	uintptr_t mmap_base;          /* mmap placement searches down from here */
	struct file *exe_file;        /* the program execve loaded (its areas are ELF segments); referenced */
	uint64_t def_flags;           /* added to every new area: VM_LOCKED after mlockall(MCL_FUTURE) */
	uint32_t anon_id;             /* fork family: its anonymous pages are found through it (rmap.c) */
	struct vm_counters stat;
	struct workingset ws;         /* working set and page-fault frequency (workingset.c) */
	/* TLB coherence (mm/tlbflush.c) and the PCID (mm/pcid.c); kernel lock */
	volatile uint64_t cpumask;    /* CPUs that have pgd loaded (running it, or idle and keeping it) */
	uint64_t tlb_gen;             /* bumped by every flush of this space */
	uint64_t cpu_tlb_gen[MAX_CPUS];   /* the tlb_gen each CPU's TLB has caught up with */
	uint16_t pcid;                /* valid while pcid_gen is the current generation */
	uint64_t pcid_gen;
};

extern struct vm_counters vm_global;   /* system-wide totals */

/* ---- the process layer, as mm/ sees it (implemented in kernel/proc.c) ----
 * mm/ never includes a process header: these two calls are all it knows of
 * processes (see mm/README.md, "Layering"). */
/* The address space of the running process (NULL for a kernel thread). */
struct mm *current_mm(void);
/* Call visit(mm, arg) once for every address space in use (a vfork child
 * borrowing its parent's space does not make it count twice). */
void for_each_mm(void (*visit)(struct mm *mm, void *arg), void *arg);
/* The running process's soft limit for resource (RLIMIT_*), its pid and its
 * name (for diagnostic lines). */
uint64_t current_rlimit(int resource);
int current_pid(void);
const char *current_comm(void);
/* Sleep until wake_up_all(channel) (swap I/O in flight on a page); the
 * caller re-checks what it waited for. Never from the boot thread. */
void sleep_until_woken(const void *channel);
void wake_up_all(const void *channel);
/* Start a kernel thread (kernel/kthread.c) running fn(arg) forever, named
 * name: its pid, or -1 when no process could be made (ENOMEM). */
int start_kernel_thread(void (*fn)(void *), void *arg, const char *name);

/* ---- mm.c ---- */
struct mm *mm_create(void);                      /* NULL on -ENOMEM */
struct mm *mm_dup(struct mm *parent);            /* fork: areas copied, pages COW-shared; NULL on -ENOMEM */
void mm_destroy(struct mm *mm);                  /* frees everything; mm must not be active */
struct mm *mm_get(struct mm *mm);                /* one more user (a thread, a vfork child) */
void mm_put(struct mm *mm);                      /* one user fewer; the last destroys it (CR3 left first) */
uint64_t mm_resident_pages(struct mm *mm, uintptr_t start, uintptr_t end);

/* Map every missing page of the anonymous private areas (and bss pages) in
 * [start, end) now (MAP_POPULATE; mm/fault.c). Best effort: may stop early
 * when memory runs out. */
void mm_populate(struct mm *mm, uintptr_t start, uintptr_t end);
uint64_t mm_table_pages(struct mm *mm);          /* page-table pages below the PML4 */

/* ---- stack.c ---- */
/* Grow the stack area v down to cover addr (addr < v->vm_start): 0, or
 * -ENOMEM past RLIMIT_STACK or into the guard gap above the area below. */
int expand_stack(struct mm *mm, struct vma *v, uintptr_t addr);
/* Does addr lie in the reach of a stack area just below it (within its limit
 * and guard gap)? A fault there that was refused is a stack overflow. */
bool stack_overflow_at(struct mm *mm, uintptr_t addr);

/* ---- vma.c ---- */
/* The first area with vm_end > addr (Linux semantics), or NULL. O(log n)
 * (a walk of at most VMA_INDEX_MIN areas while there are few). */
struct vma *find_vma(struct mm *mm, uintptr_t addr);
/* The highest area, or NULL. */
struct vma *vma_last(struct mm *mm);
/* Put every area in mm->vmas (there are more than VMA_INDEX_MIN). */
void vma_index_build(struct mm *mm);
/* The area containing addr, or NULL. */
struct vma *vma_lookup(struct mm *mm, uintptr_t addr);
/* THE rule for a user access to addr (a page fault's or a user copy's):
 * the area containing addr, after growing a stack area down to addr when
 * addr is just below it, must allow the access. Returns NULL when it does,
 * else the case name for the diagnostic line; *vma gets the area, or NULL
 * when no area covers addr (SEGV_MAPERR rather than SEGV_ACCERR). */
const char *vma_for_access(struct mm *mm, uintptr_t addr, bool write, bool exec, struct vma **vma);
/* A new area of mm (from its area cache, else kmalloc), not yet inserted;
 * NULL on -ENOMEM. */
struct vma *vma_alloc(struct mm *mm, uintptr_t start, uintptr_t end, uint64_t flags, enum vma_kind kind);
/* Give mm's cached spare areas back to kmalloc (mm_destroy). */
void vma_cache_drain(struct mm *mm);
void vma_insert(struct mm *mm, struct vma *v);   /* v must not overlap any area */
/* v's vm_start or its predecessor's vm_end changed in place: the gap below
 * v in the tree follows (v may be NULL). */
void vma_gap_update(struct mm *mm, struct vma *v);
struct vma *vma_of_node(struct avl_node *n);   /* the area of a node of mm->vmas */
/* Split v at addr (vm_start < addr < vm_end): v keeps the low part; the new
 * high part is returned (and inserted), or NULL on -ENOMEM (nothing changed). */
struct vma *split_vma(struct mm *mm, struct vma *v, uintptr_t addr);
/* Merge v with its neighbours where they are adjacent and alike; returns
 * the area that now holds v's range. */
struct vma *vma_merge(struct mm *mm, struct vma *v);
/* Give the part [start, end) of v (start < v->vm_end, end > v->vm_start)
 * the flags newflags (Linux's vma_modify_flags): when the part is at one
 * end of v and the neighbour there has newflags and a continuous backing,
 * their boundary moves and *vp becomes that neighbour (which then covers
 * more than the part); else v is split where the range cuts it and *vp
 * becomes the area covering exactly that part.
 * 0, or -ENOMEM at MAX_MAP_COUNT (a first split may stay: as Linux). */
int vma_modify_flags(struct mm *mm, struct vma **vp, uintptr_t start, uintptr_t end, uint64_t newflags);
/* Merge alike neighbours among the areas touching [start - 1, end]. */
void vma_merge_range(struct mm *mm, uintptr_t start, uintptr_t end);
/* Remove [start, end) from the address space: areas trimmed, split or
 * removed, their pages unmapped and frames released. 0, or -ENOMEM with
 * nothing changed when the range lies inside one area and the process is at
 * MAX_MAP_COUNT (or, the second split, when kmalloc fails). */
int vma_unmap_range(struct mm *mm, uintptr_t start, uintptr_t end);
/* Where the free space below v ends: v's start, less the guard gap when v
 * is the stack (USER_TOP when v is NULL). */
uintptr_t vma_start_gap(const struct vma *v);
/* Move v's start (the stack growing down); v's neighbours must allow it. */
void vma_move_start(struct mm *mm, struct vma *v, uintptr_t start);
/* Drop the pages mapped in [start, end) but keep the areas: the next touch
 * faults them in afresh (zero, file contents, or the shared object's page). */
void vma_zap_range(struct mm *mm, uintptr_t start, uintptr_t end);
/* Is [start, end) free of areas? */
bool vma_range_free(struct mm *mm, uintptr_t start, uintptr_t end);
/* Check the area invariants; prints and returns false on a violation. */
bool vma_check(struct mm *mm);
void vma_free(struct vma *v);
/* The backing's page index at addr in v (a file's page index, or the shared
 * object's), i.e. vm_pgoff for an area of the same backing starting at addr
 * (Linux linear_page_index). */
uint64_t vma_pgoff_at(const struct vma *v, uintptr_t addr);
/* The byte offset in v's file of the byte at addr. */
uint64_t vma_file_offset(const struct vma *v, uintptr_t addr);
/* The shared object's slot for the page at va of v (v->shm set); NULL past
 * the object's end (an area mremap made longer than its object). It holds 0,
 * a frame or a swap entry (mm/shmem.c). */
paddr_t *shm_slot(const struct vma *v, uintptr_t va);
/* A new area like v (flags, backing, a reference on a shared object) for
 * the part of v at addr, placed at [new_start, new_start + len); not
 * inserted. NULL on -ENOMEM. */
struct vma *vma_copy(const struct vma *v, uintptr_t addr, uintptr_t new_start, size_t len);
/* The PTE bits a page of v gets. Inline: every fault asks it. */
static inline uint64_t vma_pte_flags(const struct vma *v)
{
	uint64_t f = 0;
	if (v->vm_flags & VM_PROT_MASK)
		f |= PTE_U;   /* PROT_NONE pages stay present but kernel-only: user access faults */
	if ((v->vm_flags & VM_WRITE) && (v->vm_flags & VM_SHARED))
		f |= PTE_W;   /* private pages get W from the fault handler, page by page (COW) */
	if (!(v->vm_flags & VM_EXEC))
		f |= PTE_NX;
	return f;
}

#endif
