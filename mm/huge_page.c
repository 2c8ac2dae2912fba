/*
 * 2 MiB pages for private anonymous memory (Linux's transparent huge pages;
 * CS:APP 9.7.1: the Core i7's PD entry with PS set maps 2 MiB, and one TLB
 * entry then covers 512 times what a 4 KiB entry does). Owns the rule for
 * when a fault maps one, the boot switch and the thp_* counters; the
 * entries themselves are written by mm/pagetable.c (pt_map_huge_anon,
 * pt_split_huge).
 *
 * When. At fault time, not later: a not-present fault at va in an area
 * thp_vma_allowed() accepts maps the 2 MiB page around va when
 *   - the aligned 2 MiB [haddr, haddr + 2 MiB) lies wholly inside the area
 *     (one area: the same protections and backing throughout),
 *   - no page table covers it yet (no 4 KiB page there was ever mapped, or
 *     all went again): Pagoda has no khugepaged to collapse 4 KiB pages
 *     into a 2 MiB one later, so a range starts huge or stays small,
 *   - a free 2 MiB-aligned run of 512 frames exists (frame_alloc_order),
 *     a page table for its later split can be had, and taking them leaves
 *     more than kswapd's high watermark free;
 * otherwise the fault maps a 4 KiB page as always (thp_fault_fallback
 * counts the faults that met the rule but found no run). The fault path
 * asks thp_fault_candidate (huge_page.h, inline) first: under madvise an
 * area without MADV_HUGEPAGE, or any area under 2 MiB, costs one test. Mapping at the
 * first touch rather than "when the whole 2 MiB has been touched" needs no
 * record of touches and gives the common case (a large array written from
 * its start) one fault per 2 MiB; the price is up to 2 MiB of zeroed memory
 * for a single touched byte, which is why the default is madvise.
 * mmap places an anonymous private mapping whose length is a multiple of
 * 2 MiB on a 2 MiB boundary (thp_align_wanted, as Linux's
 * thp_get_unmapped_area since 6.12), so such an area is all 2 MiB pages.
 *
 * The frames. A 2 MiB page is 512 frames, each with its own struct page
 * exactly as if 4 KiB entries mapped it: refcount 1 (the 2 MiB entry's
 * reference), PG_anon with rmap_va its own address, on the replacement
 * policy's lists. (Linux makes them one compound page with one refcount;
 * here every rule about frames stays as it is.) So a split changes only
 * page tables: 512 entries for the same frames, flags, dirty and accessed
 * bits, and the frame audit, rmap and reclaim see the pieces with nothing
 * to fix. The page table for the split is allocated with the page and kept
 * in the first frame's huge_deposit (Linux's pgtable_trans_huge_deposit),
 * so a split never fails and no munmap or mprotect needs a new error path.
 *
 * Splits (mm/pagetable.c, at every walker operation that needs 4 KiB
 * entries): a munmap, mprotect or madvise(DONTNEED) range splits the
 * 2 MiB pages it covers in part (at its ends) and keeps whole the ones it
 * covers whole; a single-page operation (reclaim's swap-out, the COW and
 * soft-dirty write faults, mprotect of one page) splits the page it falls
 * in; mremap splits every 2 MiB page it moves (entries move one by one);
 * fork splits the parent's 2 MiB pages before sharing them. Why fork
 * splits rather than sharing the 2 MiB entry: a write after fork would
 * otherwise copy 2 MiB (Linux stopped doing that in 5.8: it splits at the
 * COW fault and copies 4 KiB), and one shared entry would need a deposit
 * per address space; the parent loses its 2 MiB TLB entries, which a
 * process that forks once (a shell) pays once. mlock needs no split: a
 * 2 MiB page is as resident as its 4 KiB pieces. An area split that
 * changes no entry (mlock or madvise of part) may leave a 2 MiB entry
 * across two areas: every later range operation splits it at its own
 * ends, so that is harmless.
 * The accessed bit: one for all 512 frames (pt_test_clear_young answers
 * and clears the 2 MiB entry's, as Linux's pmdp_test_and_clear_young).
 *
 * The switch: transparent_hugepage=always|madvise|never on the kernel
 * command line (Linux's word and values; Pagoda has no /sys, so no
 * /sys/kernel/mm/transparent_hugepage/enabled). Default madvise, Debian's:
 * only areas given MADV_HUGEPAGE get 2 MiB pages, so every program that
 * does not ask keeps Linux's 4 KiB behaviour, page counts and frame usage
 * (the differential tests compare exactly those); `always` shows the
 * feature to every program, and the thp test suite boots with it.
 * MADV_NOHUGEPAGE keeps an area on 4 KiB pages under `always` too.
 *
 * Always true: a 2 MiB user entry maps a 2 MiB-aligned run of FRAME_USER
 * frames that each count it once; its first frame's huge_deposit is an
 * unlinked page table with count 0 (and only such a first frame has one);
 * thp_stat.nr_anon is the number of 2 MiB user entries in every space.
 * Lock: the kernel lock (the page tables, the frames and the counters are
 * all changed under it); frame_alloc_order takes the frame allocator's.
 */
#include "huge_page.h"
#include "fault.h"
#include "frame.h"
#include "pagetable.h"
#include "rmap.h"
#include "vmscan.h"
#include "../kernel/linux_abi.h"
#include "../kernel/printk.h"
#include "../kernel/string.h"

struct thp_counters thp_stat;
static enum thp_mode mode = THP_MADVISE;
bool thp_always;   /* mode == THP_ALWAYS */

static const char *const mode_names[] = { "never", "madvise", "always" };

const char *thp_mode_name(enum thp_mode m)
{
	return mode_names[m];
}

enum thp_mode thp_mode(void)
{
	return mode;
}

void thp_boot(const char *word)
{
	for (unsigned m = THP_NEVER; word && m <= THP_ALWAYS; m++)
		if (!strcmp(word, mode_names[m]))
			mode = m;
	thp_always = mode == THP_ALWAYS;
	if (word && strcmp(word, mode_names[mode]))
		printk("transparent_hugepage=%s: not always, madvise or never; using %s\n", word, mode_names[mode]);
	pr_info("thp: transparent huge pages %s\n", mode_names[mode]);
}

bool thp_vma_allowed(const struct vma *v)
{
	if (v->kind == VMA_FILE || v->shm || (v->vm_flags & (VM_SHARED | VM_GROWSDOWN | VM_NOHUGEPAGE)))
		return false;
	return mode == THP_ALWAYS || (mode == THP_MADVISE && (v->vm_flags & VM_HUGEPAGE));
}

bool thp_align_wanted(size_t len, unsigned long map_flags)
{
	bool anon_private = (map_flags & MAP_ANONYMOUS) && (map_flags & MAP_TYPE) == MAP_PRIVATE;
	return mode != THP_NEVER && anon_private && len >= HPAGE_SIZE && len % HPAGE_SIZE == 0;
}

/* No page table below the PD entry for haddr (and no 2 MiB page there). */
static bool pd_entry_free(pte_t *root, uintptr_t haddr)
{
	struct pt_walk w;
	pt_walk(root, haddr, 2, false, &w);
	return w.level > 2 || pte_none(*w.slot[2]);
}

static void put_frames(paddr_t pa)
{
	for (unsigned i = 0; i < PT_ENTRIES; i++)
		frame_put(pa + i * PAGE_SIZE);
}

/* 512 zeroed frames in a 2 MiB-aligned run and an empty page table for
 * their split (*deposit); 0 if either cannot be had (nothing kept). Never
 * from the last free memory: the high watermark's worth stays free after
 * it (as Linux checks an order-9 allocation against the zone watermarks),
 * so kswapd is not woken by 2 MiB pages and reclaim's reserve stays for
 * 4 KiB faults. */
static paddr_t alloc_huge_frames(paddr_t *deposit)
{
	if (frame_free_count() < PT_ENTRIES + 1 + reclaim_stat.high_watermark)
		return 0;
	paddr_t pa = frame_alloc_order(HPAGE_ORDER, FRAME_USER);
	if (!pa)
		return 0;
	if (!(*deposit = frame_alloc_zeroed(FRAME_PAGETABLE))) {
		put_frames(pa);
		return 0;
	}
	memset(pa_to_kva(pa), 0, HPAGE_SIZE);
	return pa;
}

bool do_huge_anonymous_page(struct mm *mm, struct vma *v, struct fault *f, uint64_t flags)
{
	uintptr_t haddr = f->addr & ~(HPAGE_SIZE - 1);
	if (!thp_vma_allowed(v) || haddr < v->vm_start || haddr + HPAGE_SIZE > v->vm_end || !pd_entry_free(mm->pgd, haddr))
		return false;
	paddr_t deposit, pa = alloc_huge_frames(&deposit);
	if (pa && pt_map_huge_anon(mm->pgd, haddr, pa, flags, deposit)) {
		frame_put(deposit);
		put_frames(pa);
		pa = 0;
	}
	if (!pa) {
		thp_stat.fault_fallback++;
		return false;
	}
	for (unsigned i = 0; i < PT_ENTRIES; i++)
		page_add_anon_rmap(pa + i * PAGE_SIZE, mm, haddr + i * PAGE_SIZE);
	thp_stat.fault_alloc++;
	f->frame = pa + page_round_down(f->addr - haddr);
	f->case_name = "demand-zero 2 MiB page (huge)";
	return true;
}
