/*
 * 2 MiB pages for private anonymous memory (Linux's transparent huge pages,
 * CS:APP 9.7's "large pages"): when a fault maps one (mm/huge_page.c), the
 * boot switch, and the counters /proc/vmstat shows.
 */
#ifndef PAGODA_HUGE_PAGE_H
#define PAGODA_HUGE_PAGE_H

#include "mm.h"

struct fault;

enum { HPAGE_SHIFT = 21, HPAGE_ORDER = HPAGE_SHIFT - 12 };
#define HPAGE_SIZE (1ull << HPAGE_SHIFT)   /* a PD entry's reach: 512 frames */

/* transparent_hugepage= on the command line, as Linux's sysfs "enabled". */
enum thp_mode { THP_NEVER, THP_MADVISE, THP_ALWAYS };

/* Linux's names: /proc/vmstat thp_fault_alloc, thp_fault_fallback,
 * thp_split_pmd; nr_anon is AnonHugePages (in 2 MiB pages). */
struct thp_counters {
	uint64_t fault_alloc;     /* faults that mapped a new 2 MiB page */
	uint64_t fault_fallback;  /* faults that wanted one but got 4 KiB (no free aligned 2 MiB run) */
	uint64_t split_pmd;       /* 2 MiB entries made into page tables of 512 entries */
	uint64_t nr_anon;         /* 2 MiB entries mapped now, in every address space */
};
extern struct thp_counters thp_stat;

/* From the command line's transparent_hugepage= (NULL: absent): the mode,
 * printed once. */
void thp_boot(const char *word);
enum thp_mode thp_mode(void);
const char *thp_mode_name(enum thp_mode m);   /* "always", "madvise", "never" */

/* May faults in v use 2 MiB pages (the mode, MADV_HUGEPAGE/NOHUGEPAGE,
 * private anonymous memory)? mmap's placement asks it too. */
bool thp_vma_allowed(const struct vma *v);
/* Should an anonymous private mapping of len bytes be placed 2 MiB-aligned
 * (get_unmapped_area)? */
bool thp_align_wanted(size_t len, unsigned long map_flags);

/* transparent_hugepage=always (set once at boot): for thp_fault_candidate. */
extern bool thp_always;

/* The first test of every anonymous fault, inline so that a 4 KiB area
 * pays only it: false when no 2 MiB page can be mapped in v wherever the
 * fault is (the mode does not apply to v's flags, or v is smaller than
 * 2 MiB); true leaves the whole rule to do_huge_anonymous_page. */
static inline bool thp_fault_candidate(const struct vma *v)
{
	return (thp_always || (v->vm_flags & VM_HUGEPAGE)) && v->vm_end - v->vm_start >= HPAGE_SIZE;
}

/* The fault at f->addr in anonymous area v, not mapped: map the 2 MiB page
 * around it with flags (a 4 KiB page's, mm/fault.c) if the rule in
 * mm/huge_page.c allows; true if it did (f->frame, f->case_name set). false:
 * nothing changed, the caller maps a 4 KiB page. */
bool do_huge_anonymous_page(struct mm *mm, struct vma *v, struct fault *f, uint64_t flags);

#endif
