/*
 * The page-fault handler: CS:APP 9.3.4 (page faults), 9.5 (protection) and
 * 9.8 (memory mapping, copy-on-write), top-down.
 *
 *   handle_page_fault
 *     1. decode the error code
 *     2-4. vma_for_access (mm/vma.c), the rule user copies share:
 *        user access above user space        -> SEGV_MAPERR "user access to the kernel half"
 *        find_vma; below a stack: grow it     -> SEGV_MAPERR "outside any VMA"
 *        access_error(vma, access)            -> SEGV_ACCERR "write to read-only VMA", ...
 *     5. resolve:
 *          present, write, not writable -> do_wp_page: soft-dirty (clear_refs
 *                                          protected it), cow_reuse (last
 *                                          reference) or cow_copy
 *          present, otherwise           -> spurious_fault: a stale TLB entry
 *                                          (flush), or a corrupt table (panic)
 *          swap entry                   -> do_swap_page    (the page from swap: a
 *                                          major fault, or a minor one when
 *                                          the swap cache still has it)
 *          not present, file area       -> do_file_page    (the page cache's frame; SIGBUS
 *                                                       past the end of the file)
 *          not present, shared area     -> do_shared_page  (the shared object's frame)
 *          not present, otherwise       -> do_huge_anonymous_page (a demand-zero
 *                                          2 MiB page, when mm/huge_page.c's rule
 *                                          allows), else do_anonymous_page
 *                                          (demand-zero page)
 *          a write to a 2 MiB page that is write-protected (clear_refs, a
 *          swapped-in copy...) splits it first: the cases above then see
 *          its 4 KiB entry
 *
 * Soft-dirty (Linux's, mm/pagemap.c): a page made writable here is marked
 * PTE_SOFT_DIRTY, so after clear_refs write-protected every page, the first
 * write to each one is seen. A read fault after clear_refs maps the page
 * read-only and clean (Linux maps the zero page), so a later write faults.
 *
 * Each branch names its case and bumps its counter; every fault, resolved
 * or not, becomes one event of the fault log (mm/faultlog.c: trace=fault,
 * /proc/faultlog). What follows an unresolved fault (signal, -EFAULT, panic) is
 * decided by its only caller, kernel/trap.c page_fault; the one panic here is
 * for a page table the kernel itself corrupted.
 */
#include "tlbflush.h"
#include "fault.h"
#include "faultlog.h"
#include "filemap.h"
#include "frame.h"
#include "huge_page.h"
#include "kheap.h"
#include "pagetable.h"
#include "pf_error.h"
#include "replace.h"
#include "rmap.h"
#include "shmem.h"
#include "swap_readahead.h"
#include "swap_state.h"
#include "swapfile.h"
#include "kswapd.h"
#include "vmscan.h"
#include "ptdump.h"
#include "../kernel/debug.h"
#include "../kernel/errno.h"
#include "../kernel/panic.h"
#include "../kernel/printk.h"
#include "../kernel/string.h"

/* Every case has a counter, per process and system-wide. */
static void count(uint64_t *mine, uint64_t *global)
{
	(*mine)++;
	(*global)++;
}

static enum fault_result done(struct fault *f, enum fault_result r, const char *case_name)
{
	f->case_name = case_name;
	return r;
}

/* ---- step 5: the resolvers ---- */

static uint64_t private_flags(const struct vma *v)
{
	uint64_t flags = vma_pte_flags(v);
	return v->vm_flags & VM_WRITE ? flags | PTE_W | PTE_SOFT_DIRTY : flags;   /* owned alone */
}

/* A new page's flags: writable (and soft-dirty) unless this is a read fault
 * in an area that clear_refs cleaned, where the first write must be seen. */
static uint64_t new_page_flags(const struct vma *v, uint64_t flags, const struct fault *f)
{
	bool write = pf_decode(f->error).write;
	if ((flags & PTE_W) && !write && !v->soft_dirty)
		return flags & ~(PTE_W | PTE_SOFT_DIRTY);
	return flags & PTE_W ? flags | PTE_SOFT_DIRTY : flags;
}

static enum fault_result map_new_frame(struct mm *mm, struct fault *f, paddr_t pa, uint64_t flags)
{
	if (pt_map_slot(mm->pgd, page_round_down(f->addr), f->slot, f->slot_tables_freed, pa, flags)) {
		frame_put(pa);
		return done(f, FAULT_OOM, "out of memory for a page table");
	}
	f->frame = pa;
	return FAULT_HANDLED;
}

/* A new private anonymous frame: mapped, and known to rmap and the
 * replacement policy (evictable to swap from now on). */
static enum fault_result map_anon_frame(struct mm *mm, struct fault *f, paddr_t pa, uint64_t flags)
{
	enum fault_result r = map_new_frame(mm, f, pa, flags);
	if (r == FAULT_HANDLED)
		page_add_anon_rmap(pa, mm, f->addr);
	return r;
}

/* A private copy replaced a shared frame at the fault's page. */
static void remap_anon_copy(struct mm *mm, struct vma *v, struct fault *f, paddr_t copy)
{
	pt_remap_slot(mm->pgd, page_round_down(f->addr), f->slot, f->slot_tables_freed, copy, private_flags(v));
	page_add_anon_rmap(copy, mm, f->addr);
}

/* CS:APP 9.8: "demand-zero page" */
/* LAB lazy: BEGIN */
static enum fault_result do_anonymous_page(struct mm *mm, struct vma *v, struct fault *f)
{
	paddr_t pa = frame_alloc_reclaim_zeroed(FRAME_USER);
	if (!pa)
		return done(f, FAULT_OOM, "out of memory for a demand-zero page");
	count(&mm->stat.demand_zero, &vm_global.demand_zero);
	enum fault_result r = map_anon_frame(mm, f, pa, new_page_flags(v, private_flags(v), f));
	return r == FAULT_HANDLED ? done(f, r, "demand-zero page") : r;
}
/* LAB lazy: END */
/* LAB lazy: STUB
static enum fault_result do_anonymous_page(struct mm *mm, struct vma *v, struct fault *f)
{
	(void)mm, (void)v, (void)map_new_frame;
	// Lab lazy: give the page a zeroed frame here. Until then every anonymous
	// page is allocated when it is mapped (mm_populate, the marked fallbacks),
	// and a fault on a missing one is fatal.
	return done(f, FAULT_SEGV_MAPERR, "anonymous page not present (lab lazy: no demand paging yet)");
}
*/

/* ---- file pages (CS:APP 9.8: an area backed by a regular file) ---- */

/* A private copy of the page's file bytes, zeros after the end of the
 * area's file part: the page where an ELF segment's file part ends and its
 * bss begins (any other page is copied whole). */
static enum fault_result file_edge_page(struct mm *mm, struct vma *v, struct fault *f, paddr_t cached,
					uintptr_t page)
{
	paddr_t pa = frame_alloc_reclaim_zeroed(FRAME_USER);
	if (!pa) {
		frame_put(cached);
		return done(f, FAULT_OOM, "out of memory for a file page");
	}
	memcpy(pa_to_kva(pa), pa_to_kva(cached), v->file_end - page < PAGE_SIZE ? v->file_end - page : PAGE_SIZE);
	frame_put(cached);
	count(&mm->stat.file_fills, &vm_global.file_fills);
	enum fault_result r = map_anon_frame(mm, f, pa, new_page_flags(v, private_flags(v), f));
	return r == FAULT_HANDLED ? done(f, r, "file page: private copy up to the end of the segment's file part") : r;
}

/* LAB mmap: BEGIN */
/* A write to a private file page not yet mapped: copy the cached frame. */
static enum fault_result file_private_copy(struct mm *mm, struct vma *v, struct fault *f, paddr_t cached)
{
	paddr_t copy = frame_alloc_reclaim(FRAME_USER);
	if (!copy) {
		frame_put(cached);
		return done(f, FAULT_OOM, "out of memory for a copy-on-write copy");
	}
	page_copy(pa_to_kva(copy), pa_to_kva(cached));
	frame_put(cached);
	count(&mm->stat.cow_copies, &vm_global.cow_copies);
	enum fault_result r = map_anon_frame(mm, f, copy, private_flags(v));
	return r == FAULT_HANDLED ? done(f, r, "file page: private copy of the cached page (write)") : r;
}

static const char *cache_case(bool hit, const struct address_space *m)
{
	if (hit)
		return "file page: page cache hit";
	return m->a_ops && m->a_ops->readpage ? "file page: read from the file" : "file page: zero page";
}

/* The cached frame itself: every process mapping the page shares it. A
 * shared page is writable only once dirty (write-back write-protects it). */
static enum fault_result file_cached_page(struct mm *mm, struct vma *v, struct fault *f, paddr_t pa, bool hit)
{
	uint64_t flags = vma_pte_flags(v) & ~PTE_W;
	if ((v->vm_flags & VM_SHARED) && pf_decode(f->error).write) {
		set_page_dirty(pa);
		flags |= PTE_W | PTE_SOFT_DIRTY;
	}
	count(&mm->stat.file_fills, &vm_global.file_fills);
	enum fault_result r = map_new_frame(mm, f, pa, flags);
	return r == FAULT_HANDLED ? done(f, r, cache_case(hit, v->vm_file->f_inode->i_mapping)) : r;
}
/* LAB mmap: END */

/* A page of an ELF segment wholly past its file bytes (bss): zeros. */
static enum fault_result file_bss_page(struct mm *mm, struct vma *v, struct fault *f)
{
	paddr_t pa = frame_alloc_reclaim_zeroed(FRAME_USER);
	if (!pa)
		return done(f, FAULT_OOM, "out of memory for a file page");
	count(&mm->stat.file_fills, &vm_global.file_fills);
	enum fault_result r = map_anon_frame(mm, f, pa, private_flags(v));
	return r == FAULT_HANDLED ? done(f, r, "file page past the segment's file bytes (bss): zeroed") : r;
}

/* LAB mmap: BEGIN */
/* Linux's fault-around (fault_around_bytes = 64 KiB): a read fault in a
 * mapped file also maps the pages of its aligned 16-page window (within the
 * area and the page table) that are cached already, read-only, without
 * reading anything. Only for mmap areas: ELF segments keep one fault per
 * page, which the demand-paging demos show. */
enum { FAULT_AROUND_PAGES = 16 };

static void fault_around(struct mm *mm, struct vma *v, uintptr_t page)
{
	uintptr_t lo = page & ~(FAULT_AROUND_PAGES * PAGE_SIZE - 1);
	lo = lo > v->vm_start ? lo : v->vm_start;
	uintptr_t hi = lo + FAULT_AROUND_PAGES * PAGE_SIZE, pt_end = (page | (level_size(2) - 1)) + 1;
	hi = hi < v->vm_end ? hi : v->vm_end;
	hi = hi < pt_end ? hi : pt_end;
	struct inode *inode = v->vm_file->f_inode;
	uint64_t npages = page_round_up(inode->i_size) >> PAGE_SHIFT;
	for (uintptr_t va = lo; va < hi; va += PAGE_SIZE) {
		uint64_t idx = vma_pgoff_at(v, va);
		paddr_t pa;
		if (va == page || idx >= npages || !pte_none(pt_get(mm->pgd, va)))
			continue;
		if (!(pa = filemap_find_page(inode->i_mapping, idx)))
			continue;
		frame_get(pa);
		if (pt_map(mm->pgd, va, pa, vma_pte_flags(v) & ~PTE_W))
			frame_put(pa);
	}
}

static enum fault_result do_file_page(struct mm *mm, struct vma *v, struct fault *f)
{
	uintptr_t page = page_round_down(f->addr);
	if (page >= v->file_end)
		return file_bss_page(mm, v, f);
	struct inode *inode = v->vm_file->f_inode;
	uint64_t off = vma_file_offset(v, page);
	if (off >= page_round_up(inode->i_size))
		return done(f, FAULT_SIGBUS, "file page beyond the end of the file");
	bool hit;
	int err = 0;
	paddr_t pa = filemap_get_page(inode->i_mapping, off >> PAGE_SHIFT, &hit, &err);
	if (!pa)
		return done(f, err == -ENOMEM ? FAULT_OOM : FAULT_SIGBUS, "file page: read failed");
	if (v->file_end < page + PAGE_SIZE)
		return file_edge_page(mm, v, f, pa, page);
	if (!(v->vm_flags & VM_SHARED) && pf_decode(f->error).write)
		return file_private_copy(mm, v, f, pa);
	if (!pf_decode(f->error).write && v->file_end == USER_TOP)
		fault_around(mm, v, page);
	return file_cached_page(mm, v, f, pa, hit);
}
/* LAB mmap: END */
/* LAB mmap: STUB
// Lab mmap: this fallback gives every fault in a file area a private copy of
// the page's bytes, so programs load and run; but no two mappings of a file
// share a frame, a MAP_SHARED write never reaches the file, a MAP_PRIVATE
// page never sees the file change, and nothing raises SIGBUS. Replace it:
// map the page cache's frame itself (file_cached_page), copy it only when a
// private mapping writes (file_private_copy), SIGBUS past the end of the file.
static enum fault_result do_file_page(struct mm *mm, struct vma *v, struct fault *f)
{
	uintptr_t page = page_round_down(f->addr);
	if (page >= v->file_end)
		return file_bss_page(mm, v, f);
	struct inode *inode = v->vm_file->f_inode;
	bool hit;
	int err = 0;
	paddr_t cached = filemap_get_page(inode->i_mapping, vma_file_offset(v, page) >> PAGE_SHIFT, &hit, &err);
	if (!cached)
		return done(f, err == -ENOMEM ? FAULT_OOM : FAULT_SIGBUS, "file page: read failed");
	return file_edge_page(mm, v, f, cached, page);
}
*/

/* The shared object's page at *slot, which is in swap (mm/shmem.c): 0 and
 * the case when it could not be brought back. */
static paddr_t shared_swap_in(struct mm *mm, struct vma *v, struct fault *f, paddr_t *slot, enum fault_result *r)
{
	int err = 0;
	paddr_t pa = shm_swap_in(v->shm, slot, &f->major, &err);
	if (!pa)
		*r = err == -EAGAIN ? done(f, FAULT_HANDLED, "shared page: swap-in raced with another sharer's: retry")
		     : err == -ENOMEM ? done(f, FAULT_OOM, "out of memory for a swap-in")
				      : done(f, FAULT_SIGBUS, "shared page: the swap device failed the read (page lost)");
	else if (f->major)
		count(&mm->stat.maj_faults, &vm_global.maj_faults);
	return pa;
}

/* CS:APP 9.8.1: a shared object: every sharer maps the same frame. */
static enum fault_result do_shared_page(struct mm *mm, struct vma *v, struct fault *f)
{
	enum fault_result r;
	paddr_t pa, *slot = shm_slot(v, f->addr);
	if (!slot)   /* an area mremap made longer than its object: as Linux's shmem */
		return done(f, FAULT_SIGBUS, "shared page beyond the object's end");
	if (pte_is_swap(*slot) && !shared_swap_in(mm, v, f, slot, &r))
		return r;
	if (!*slot) {
		if (!(pa = frame_alloc_reclaim_zeroed(FRAME_USER)))
			return done(f, FAULT_OOM, "out of memory for a shared page");
		shm_add_page(v->shm, slot, pa);
	}
	frame_get(*slot);   /* the page table's reference; the object keeps its own */
	count(&mm->stat.shared_fills, &vm_global.shared_fills);
	r = map_new_frame(mm, f, *slot, new_page_flags(v, vma_pte_flags(v), f));
	return r == FAULT_HANDLED ? done(f, r, f->major ? "shared page: major fault (read from swap)" : "shared page") : r;
}

/* LAB mmap: BEGIN */
/* A write to a page-cache frame mapped read-only: through a shared
 * mapping the page becomes dirty and writable (write-back will store it);
 * through a private one the writer gets its own copy, always (the cache
 * keeps the file's bytes, so a cached frame is never reused). */
static enum fault_result do_file_write(struct mm *mm, struct vma *v, struct fault *f, pte_t *pte)
{
	uintptr_t page = page_round_down(f->addr);
	paddr_t old = pte_addr(*pte);
	f->frame = old;
	if (v->vm_flags & VM_SHARED) {
		set_page_dirty(old);
		pt_protect(mm->pgd, page, vma_pte_flags(v));
		return done(f, FAULT_HANDLED, "shared file page made writable (dirty)");
	}
	paddr_t copy = frame_alloc_reclaim(FRAME_USER);
	if (!copy)
		return done(f, FAULT_OOM, "out of memory for a copy-on-write copy");
	page_copy(pa_to_kva(copy), pa_to_kva(old));
	remap_anon_copy(mm, v, f, copy);
	frame_put(old);
	count(&mm->stat.cow_copies, &vm_global.cow_copies);
	f->frame = copy;
	return done(f, FAULT_HANDLED, "copy-on-write: copy of a cached file page");
}
/* LAB mmap: END */
/* LAB mmap: STUB
static enum fault_result do_file_write(struct mm *mm, struct vma *v, struct fault *f, pte_t *pte)
{
	// Lab mmap: a write to a page-cache frame mapped read-only. Through a
	// MAP_SHARED mapping the page becomes dirty (set_page_dirty) and
	// writable; through a MAP_PRIVATE one the writer gets its own copy
	// (remap_anon_copy puts a copy in place of the cached frame).
	(void)mm, (void)v, (void)pte, (void)remap_anon_copy;
	return done(f, FAULT_SIGBUS, "lab mmap: do_file_write is not written yet");
}
*/

/* CS:APP 9.8.2: write to a private copy-on-write page. */
/* LAB cow: BEGIN */
static enum fault_result do_wp_page(struct mm *mm, struct vma *v, struct fault *f, pte_t *pte)
{
	uintptr_t page = page_round_down(f->addr);
	paddr_t old = pte_addr(*pte);
	if (v->vm_flags & VM_SHARED) {   /* shared pages are never copied */
		pt_protect_entry(pte, page, vma_pte_flags(v) | PTE_SOFT_DIRTY);
		f->frame = old;
		return done(f, FAULT_HANDLED, "shared page made writable");
	}
	if (pa_to_page(old)->refcount == 1 && !(*pte & PTE_SOFT_DIRTY) && !v->soft_dirty) {   /* clear_refs did */
		pt_protect_entry(pte, page, private_flags(v));
		count(&mm->stat.soft_dirty, &vm_global.soft_dirty);
		return done(f, FAULT_HANDLED, "soft-dirty: first write since clear_refs");
	}
	if (pa_to_page(old)->refcount == 1) {   /* cow_reuse: nobody else has it any more */
		pt_protect_entry(pte, page, private_flags(v));
		count(&mm->stat.cow_reuses, &vm_global.cow_reuses);
		f->frame = old;
		return done(f, FAULT_HANDLED, "copy-on-write: reuse (last reference)");
	}
	paddr_t copy = frame_alloc_reclaim(FRAME_USER);   /* cow_copy */
	if (!copy)
		return done(f, FAULT_OOM, "out of memory for a copy-on-write copy");
	page_copy(pa_to_kva(copy), pa_to_kva(old));
	remap_anon_copy(mm, v, f, copy);
	frame_put(old);
	count(&mm->stat.cow_copies, &vm_global.cow_copies);
	f->frame = copy;
	return done(f, FAULT_HANDLED, "copy-on-write: copy");
}
/* LAB cow: END */
/* LAB cow: STUB
static enum fault_result do_wp_page(struct mm *mm, struct vma *v, struct fault *f, pte_t *pte)
{
	// Lab cow: fork copies every page (mm_dup), so a private page is never
	// shared and a write to a read-only one only needs its W bit back.
	pt_protect(mm->pgd, page_round_down(f->addr), v->vm_flags & VM_SHARED ? vma_pte_flags(v) : private_flags(v));
	f->frame = pte_addr(*pte);
	return done(f, FAULT_HANDLED, "write to a read-only page of a writable area: made writable");
}
*/

/* The page is present and its area allows the access. If the entries allow
 * it too, the fault came from a stale TLB entry and a flush fixes it. If not
 * (a reserved bit, an entry that contradicts its area), the table is corrupt:
 * retrying would fault forever, so stop with the decoded walk. Only a kernel
 * bug gets here; no user input can. */
static enum fault_result spurious_fault(struct mm *mm, struct fault *f, struct pf_error e)
{
	if (e.rsvd || !pt_allows(mm->pgd, f->addr, e.write, e.user, e.instr)) {
		ptdump_va(mm->pgd, f->addr);
		panic("page table contradicts its area at %lx (error %lx%s): corrupt entry", f->addr, f->error,
		      e.rsvd ? ", reserved bit set" : "");
	}
	local_flush_tlb_page(f->addr);
	return done(f, FAULT_HANDLED, "spurious (stale TLB entry)");
}

/* ---- swap (CS:APP 9.3.4: the page is on disk; Linux do_swap_page) ---- */

/* The frame holding swp's data is mapped at the fault's page in place of
 * the swap entry. The last PTE naming the slot takes the page for itself
 * (out of the swap cache, writable); otherwise the page stays cached and is
 * mapped read-only, shared with the slot's other holders until a write
 * copies it (do_wp_page). */
static bool map_swapped_page(struct mm *mm, struct vma *v, struct fault *f, pte_t swp, paddr_t pa)
{
	struct page *p = pa_to_page(pa);
	bool exclusive = swap_count(swp) == 1 && p->refcount == 2;   /* ours + the cache's */
	uint64_t flags = new_page_flags(v, private_flags(v), f);
	if (!pt_swap_in(mm->pgd, page_round_down(f->addr), swp, pa, exclusive ? flags : flags & ~PTE_W)) {
		frame_put(pa);   /* the entry changed while we slept: the retry sees what it is now */
		return false;
	}
	swap_free(swp);   /* the last one drops the page from the cache */
	if (p->flags & PG_lru)
		replace_page_referenced(p);
	else
		page_add_anon_rmap(pa, mm, f->addr);
	f->frame = pa;
	return true;
}

bool swap_in_resident(struct mm *mm, uintptr_t va, pte_t swp)
{
	struct page *p = lookup_swap_cache(swp);
	struct vma *v = vma_lookup(mm, va);
	if (!p || (p->flags & PG_locked) || !v)
		return false;
	struct fault f = { .addr = va, .error = PF_USER, .mm = mm, .vma = v, .pid = current_pid(), .comm = (const char[TASK_COMM_LEN]){"swapoff"} };
	frame_get(page_to_pa(p));   /* as read_swap_cache gives it: passes to the table */
	return map_swapped_page(mm, v, &f, swp, page_to_pa(p));
}

static enum fault_result do_swap_page(struct mm *mm, struct vma *v, struct fault *f, pte_t swp)
{
	bool major;
	int err = 0;
	paddr_t pa = read_swap_cache(swp, &major, &err);
	if (!pa && err == -EAGAIN)
		return done(f, FAULT_HANDLED, "swap-in raced with a failed read: retry");
	if (!pa)
		return done(f, err == -ENOMEM ? FAULT_OOM : FAULT_SIGBUS,
			    err == -ENOMEM ? "out of memory for a swap-in" : "swap-in: the swap device failed the read (page lost)");
	if (major)
		replace_page_refault(pa_to_page(pa), swp);   /* lru2: evicted recently? (a shadow entry) */
	if (!map_swapped_page(mm, v, f, swp, pa))
		return done(f, FAULT_HANDLED, "swap entry changed during the read: retry");
	f->major = major;
	swap_readahead(swp, pa_to_page(pa), major);   /* swap_readahead=N: the next slots, into the cache */
	if (major)
		count(&mm->stat.maj_faults, &vm_global.maj_faults);
	else
		count(&mm->stat.swap_cache_hits, &vm_global.swap_cache_hits);
	return done(f, FAULT_HANDLED, major ? "swap-in: major fault (read from swap)" : "swap-in: minor fault (found in the swap cache)");
}

/* A demand-zero 2 MiB page if mm/huge_page.c's rule allows, else 4 KiB
 * (a 4 KiB area, or one the mode leaves out, pays one inline test). */
static enum fault_result do_anonymous_fault(struct mm *mm, struct vma *v, struct fault *f)
{
	if (thp_fault_candidate(v) && do_huge_anonymous_page(mm, v, f, new_page_flags(v, private_flags(v), f))) {
		count(&mm->stat.demand_zero, &vm_global.demand_zero);
		return FAULT_HANDLED;
	}
	return do_anonymous_page(mm, v, f);
}

static enum fault_result resolve(struct mm *mm, struct vma *v, struct fault *f, struct pf_error e)
{
	int level;
	pte_t *slot = pt_slot_hinted(mm->pgd, f->addr, &level, &mm->pt_hint);   /* the one walk: present, swapped or empty */
	if (slot && level == 2 && e.write && !(*slot & PTE_W) && pt_split_huge(mm->pgd, f->addr))
		slot = pt_slot(mm->pgd, f->addr, &level);   /* a write-protected 2 MiB page: 4 KiB from here */
	pte_t entry = slot ? *slot : 0;
	f->slot = slot && level == 1 ? slot : NULL;
	f->slot_tables_freed = pt_tables_freed;
	if (pte_is_swap(entry))
		return do_swap_page(mm, v, f, entry);
	pte_t *pte = pte_present(entry) ? slot : NULL;
	if (pte && e.write && !(*pte & PTE_W) && !e.rsvd)
		return pa_to_page(pte_addr(*pte))->mapping ? do_file_write(mm, v, f, pte) : do_wp_page(mm, v, f, pte);
	if (pte)
		return spurious_fault(mm, f, e);
	if (v->kind == VMA_FILE)
		return do_file_page(mm, v, f);
	if (v->shm)
		return do_shared_page(mm, v, f);
	return do_anonymous_fault(mm, v, f);
}

static enum fault_result classify_and_resolve(struct mm *mm, struct fault *f)
{
	struct pf_error e = pf_decode(f->error);
	count(&mm->stat.faults, &vm_global.faults);
	struct vma *v;
	uint64_t grows = mm->stat.stack_grows;
	const char *denied = vma_for_access(mm, f->addr, e.write, e.instr, &v);   /* steps 2-4 */
	f->vma = v;
	f->grew_stack = mm->stat.stack_grows != grows;
	if (denied) {
		count(&mm->stat.segv, &vm_global.segv);
		return done(f, v ? FAULT_SEGV_ACCERR : FAULT_SEGV_MAPERR, denied);
	}
	return resolve(mm, v, f, e);
}

enum fault_result handle_page_fault(struct mm *mm, struct fault *f)
{
	wakeup_kswapd();   /* free frames low: kswapd reclaims in the background */
	f->mm = mm;
	f->frame = 0;   /* the out fields not every case sets (the caller need not zero them) */
	f->major = false;
	f->case_name = NULL;
	enum fault_result r = classify_and_resolve(mm, f);
	faultlog_record(f, r);
	return r;
}

/* ---- populate: map a range's pages now rather than at first touch ---- */

/* Every page of [start, end) that an anonymous private area (or the bss part
 * of a file area: wholly past file_end) covers and that is not mapped yet
 * gets a zeroed frame, as mmap(MAP_POPULATE) on Linux.
 * Best effort: stops quietly when memory runs out (the pages come later, by
 * fault). The lazy lab's handout calls it wherever an area is created or
 * grown, in place of demand paging. */
void mm_populate(struct mm *mm, uintptr_t start, uintptr_t end)
{
	for (uintptr_t va = page_round_down(start); va < end; va += PAGE_SIZE) {
		struct vma *v = find_vma(mm, va);
		bool file_page = v && v->kind == VMA_FILE && va < v->file_end;
		if (!v || v->vm_start > va || file_page || v->shm || !pte_none(pt_get(mm->pgd, va)))
			continue;
		paddr_t pa = frame_alloc_reclaim_zeroed(FRAME_USER);
		if (!pa)
			return;
		if (pt_map(mm->pgd, va, pa, private_flags(v))) {
			frame_put(pa);
			return;
		}
		page_add_anon_rmap(pa, mm, va);
	}
}
