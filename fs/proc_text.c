/*
 * The text of the /proc files (fs/procfs.c serves them), generated when
 * opened, in Linux's formats so the same program reads them on both systems:
 *   /proc/self/maps, /proc/PID/maps    one line per area (proc(5))
 *   /proc/self/smaps, /proc/PID/smaps  each area with its Size and Rss
 *   /proc/vmstat                       fault, swap and reclaim counters (Linux's
 *                                      names where Linux has them: pgfault,
 *                                      pgmajfault, pswpin, pswpout, ...; the rest
 *                                      named pagoda_*)
 *   /proc/faultlog                     the newest page-fault events, one
 *                                      key=value line each (mm/faultlog.c)
 *   /proc/self/vmstat, /proc/PID/vmstat  the same counters, that process's
 *                                      own (Pagoda's: Linux has no such file)
 *   /proc/meminfo                      every field Linux always prints (MemTotal ... Hugetlb)
 *   /proc/self/pagetable, /proc/PID/pagetable   Pagoda's own: one line per
 *                                      present user page-table leaf,
 *                                      "VA PA SIZE FLAGS" (mm/pgtbl.c)
 */
#include "procfs.h"
#include "../kernel/cpuinfo.h"
#include "../kernel/errno.h"
#include "../kernel/printk.h"
#include "../kernel/proc.h"
#include "../kernel/string.h"
#include "../mm/pcid.h"
#include "../mm/tlbflush.h"
#include "../mm/faultlog.h"
#include "../mm/filemap.h"
#include "../mm/shmem.h"
#include "../mm/tmpfs_swap.h"
#include "../mm/frame.h"
#include "../mm/huge_page.h"
#include "../mm/kheap.h"
#include "../mm/mlock.h"
#include "../mm/mm.h"
#include "../mm/mmap.h"
#include "../mm/pgtbl.h"
#include "../mm/smaps.h"
#include "../mm/replace.h"
#include "../mm/swap_readahead.h"
#include "../mm/swap_state.h"
#include "../mm/swapfile.h"
#include "../mm/vmscan.h"

enum { TEXT_MAX = 16384, TEXT_FIRST = 4096 };   /* the first buffer: one frame, no run needed */

/* The text grows (doubling) as lines are added, so a file of any length
 * is whole: /proc/self/maps of 65530 areas too (regression, issue 19: cut
 * at 16 KiB). Only when kmalloc fails is it cut, at a line boundary. */
struct text {
	char *buf;
	size_t len, cap;
};

static bool text_grow(struct text *t)
{
	char *bigger = kmalloc(t->cap * 2);
	if (!bigger)
		return false;
	memcpy(bigger, t->buf, t->len);
	kfree(t->buf);
	t->buf = bigger;
	t->cap *= 2;
	return true;
}

static void emit(struct text *t, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static void emit(struct text *t, const char *fmt, ...)
{
	for (;;) {
		va_list ap;
		va_start(ap, fmt);
		int n = vsnprintf(t->buf + t->len, t->cap - t->len, fmt, ap);
		va_end(ap);
		if ((size_t)n < t->cap - t->len) {
			t->len += n;
			return;
		}
		if (!text_grow(t)) {
			t->buf[t->len] = 0;   /* this line does not fit: leave it out */
			return;
		}
	}
}

static const char *vma_name(const struct vma *v)
{
	static char path[80];
	if (v->kind == VMA_HEAP)
		return "[heap]";
	if (v->kind == VMA_STACK)
		return "[stack]";
	if (v->vm_file) {
		long n = file_path_name(v->vm_file, path, sizeof(path));
		return n < 0 ? "" : path;
	}
	return "";
}

static void maps_line(struct text *t, const struct vma *v)
{
	char head[128];
	int n = snprintf(head, sizeof(head), "%08lx-%08lx %c%c%c%c %08lx 00:00 %lu", v->vm_start, v->vm_end,
			 v->vm_flags & VM_READ ? 'r' : '-', v->vm_flags & VM_WRITE ? 'w' : '-',
			 v->vm_flags & VM_EXEC ? 'x' : '-', v->vm_flags & VM_SHARED ? 's' : 'p',
			 v->vm_file ? v->vm_pgoff << PAGE_SHIFT : 0, v->vm_file ? v->vm_file->f_inode->i_ino : 0ul);
	const char *name = vma_name(v);
	emit(t, "%s%*s%s\n", head, *name ? 73 - n : 0, "", name);
}

/* smaps(5)'s first lines for one area, in Linux's order and layout. */
static void smaps_lines(struct text *t, struct mm *mm, const struct vma *v)
{
	struct smaps s;
	smaps_account(mm, v, &s);
	emit(t, "Size:           %8lu kB\nKernelPageSize: %8u kB\nMMUPageSize:    %8u kB\n",
	     (v->vm_end - v->vm_start) >> 10, 4, 4);
	emit(t, "Rss:            %8lu kB\nPss:            %8lu kB\n", s.rss >> 10, s.pss_x1000 / 1000 >> 10);
	emit(t, "Shared_Clean:   %8lu kB\nShared_Dirty:   %8lu kB\n", s.shared_clean >> 10, s.shared_dirty >> 10);
	emit(t, "Private_Clean:  %8lu kB\nPrivate_Dirty:  %8lu kB\n", s.private_clean >> 10, s.private_dirty >> 10);
	emit(t, "Referenced:     %8lu kB\nAnonHugePages:  %8lu kB\n", s.referenced >> 10, s.anon_huge >> 10);
	emit(t, "Swap:           %8lu kB\nSwapPss:        %8lu kB\n", s.swap >> 10, s.swap_pss_x1000 / 1000 >> 10);
}

static void gen_maps(struct text *t, struct proc *p, bool smaps)
{
	for (struct vma *v = p->mm->vma_list; v; v = v->next) {
		maps_line(t, v);
		if (smaps)
			smaps_lines(t, p->mm, v);
	}
}

/* System-wide (/proc/vmstat) or one process's own (/proc/PID/vmstat, Pagoda's). */
static void gen_vmstat(struct text *t, const struct vm_counters *c)
{
	emit(t, "pgfault %lu\npgmajfault %lu\npgfree %lu\n", c->faults, c->maj_faults, c->pages_freed);
	emit(t, "pagoda_demand_zero %lu\npagoda_file_fills %lu\npagoda_shared_fills %lu\n", c->demand_zero,
	     c->file_fills, c->shared_fills);
	emit(t, "pagoda_cow_copies %lu\npagoda_cow_reuses %lu\npagoda_stack_grows %lu\npagoda_segv %lu\n",
	     c->cow_copies, c->cow_reuses, c->stack_grows, c->segv);
	emit(t, "pagoda_soft_dirty %lu\npagoda_swap_cache_hits %lu\n", c->soft_dirty, c->swap_cache_hits);
}

/* Swap and reclaim (mm/swapfile.c, mm/vmscan.c, mm/replace.c): Linux's
 * names where Linux has the counter, pagoda_* for the rest. */
static void swap_lines(struct text *t)
{
	const struct reclaim_counters *r = &reclaim_stat;
	emit(t, "pswpin %lu\npswpout %lu\n", swap_stat.pswpin, swap_stat.pswpout);
	emit(t, "pgscan %lu\npgsteal %lu\nallocstall %lu\npageoutrun %lu\n", r->scanned, r->stolen, r->direct,
	     r->pageoutrun);
	emit(t, "pgscan_kswapd %lu\npgscan_direct %lu\npgsteal_kswapd %lu\npgsteal_direct %lu\n", r->scanned_kswapd,
	     r->scanned - r->scanned_kswapd, r->stolen_kswapd, r->stolen - r->stolen_kswapd);
	emit(t, "swap_ra %lu\nswap_ra_hit %lu\n", swap_ra_stat.ra, swap_ra_stat.ra_hit);
	emit(t, "pagoda_reclaim_runs %lu\npagoda_reclaim_putback %lu\npagoda_swap_full %lu\npagoda_lumpy_reclaims %lu\n",
	     r->runs, r->putback, r->swap_full, r->lumpy);
	emit(t, "pagoda_kmalloc_reclaims %lu\npagoda_tmpfs_swapped %lu\n", r->kmalloc_reclaims, tmpfs_swapped);
	emit(t, "pagoda_swap_read_errors %lu\npagoda_swap_write_errors %lu\n", swap_stat.read_errors,
	     swap_stat.write_errors);
	emit(t, "pagoda_replace_pages %lu\npagoda_watermark_min %lu\npagoda_watermark_low %lu\npagoda_watermark_high %lu\n",
	     replace_nr_pages(), r->min_watermark, r->low_watermark, r->high_watermark);
}

/* TLB shootdowns (mm/tlbflush.c) and PCIDs (mm/pcid.c). Linux counts
 * nr_tlb_remote_flush (IPI rounds sent) and nr_tlb_remote_flush_received
 * (per target CPU); the rest are Pagoda's. */
static void tlb_lines(struct text *t)
{
	emit(t, "nr_tlb_remote_flush %lu\nnr_tlb_remote_flush_received %lu\n", tlb_stat.shootdowns, tlb_stat.ipis);
	emit(t, "pagoda_tlb_shootdown_pages %lu\npagoda_tlb_shootdown_full %lu\npagoda_tlb_lazy_leaves %lu\n",
	     tlb_stat.pages, tlb_stat.full, tlb_stat.lazy_leaves);
	emit(t, "pagoda_pcid_kept %lu\npagoda_pcid_flushed %lu\npagoda_pcid_rollovers %lu\n", pcid_stat.kept,
	     pcid_stat.flushed, pcid_stat.rollovers);
}

/* 2 MiB user pages (mm/huge_page.c), Linux's names. */
static void thp_lines(struct text *t)
{
	emit(t, "thp_fault_alloc %lu\nthp_fault_fallback %lu\nthp_split_pmd %lu\n", thp_stat.fault_alloc,
	     thp_stat.fault_fallback, thp_stat.split_pmd);
}

static void pagetable_line(const struct pgtbl_leaf *leaf, void *arg)
{
	char flags[8];
	pgtbl_flags(leaf->pte, flags);
	emit(arg, "%016lx %012lx %s %s\n", leaf->va, leaf->pa, leaf->level == 1 ? "4K" : leaf->level == 2 ? "2M" : "1G",
	     flags);
}

/* What the frames are doing now (/proc/vmstat's last lines). */
static void frame_lines(struct text *t)
{
	struct frame_stats s;
	frame_get_stats(&s);
	emit(t, "pagoda_free_frames %lu\npagoda_user_frames %lu\npagoda_pagetable_frames %lu\n", frame_free_count(),
	     s.by_use[FRAME_USER], s.by_use[FRAME_PAGETABLE]);
	emit(t, "pagoda_pagecache_frames %lu\n", pagecache_stat.nr_pages);   /* of the user frames */
}

/* The page cache (mm/filemap.c): Linux's names where Linux has the
 * counter (nr_file_pages, nr_dirty, pgpgin/pgpgout in KiB), pagoda_* for
 * the rest. */
static void cache_lines(struct text *t)
{
	const struct pagecache_counters *c = &pagecache_stat;
	emit(t, "nr_file_pages %lu\nnr_dirty %lu\npgpgin %lu\npgpgout %lu\n", c->nr_pages, c->nr_dirty,
	     c->pages_read * 4, c->pages_written * 4);
	emit(t, "pagoda_pagecache_hits %lu\npagoda_pagecache_misses %lu\n", c->hits, c->misses);
	emit(t, "pagoda_pages_read %lu\npagoda_pages_written %lu\npagoda_pagecache_dropped %lu\n", c->pages_read,
	     c->pages_written, c->dropped);
	emit(t, "pagoda_dirty_throttled %lu\n", c->throttled);
}

/* /proc/swaps, in Linux's layout (mm/swapfile.c swap_show): one line per
 * area in type order, the name padded to 40 columns, sizes in KiB. */
static void gen_swap_area(struct text *t, int type)
{
	struct swap_area_info a;
	if (!swap_get_info(type, &a))
		return;
	uint64_t size = a.pages * (PAGE_SIZE / 1024), used = a.inuse * (PAGE_SIZE / 1024);
	int len = (int)strlen(a.name);
	emit(t, "%s%*s%s\t%lu\t%s%lu\t%s%d\n", a.name, len < 40 ? 40 - len : 1, " ", a.is_file ? "file\t" : "partition",
	     size, size < 10000000 ? "\t" : "", used, used < 10000000 ? "\t" : "", a.prio);
}

static void gen_swaps(struct text *t)
{
	emit(t, "Filename\t\t\t\tType\t\tSize\t\tUsed\t\tPriority\n");
	for (int type = 0; type < MAX_SWAPFILES; type++)
		gen_swap_area(t, type);
}

static void gen_mounts(struct text *t)
{
	for (struct mount *m = root_mount(); m; m = m->mnt_next)
		emit(t, "%s %s %s %s 0 0\n", m->mnt_sb->s_type->name, m->mnt_path, m->mnt_sb->s_type->name,
		     m->mnt_sb->s_flags & SB_RDONLY ? "ro" : "rw");
}

/* Over every process: locked pages (Mlocked) and charged pages (Committed_AS). */
static void sum_processes(uint64_t *locked, uint64_t *committed)
{
	*locked = *committed = 0;
	for (struct proc *p = proc_first(); p; p = p->all_next)
		if (p->mm && p->state != PROC_ZOMBIE) {
			*locked += mm_locked_pages(p->mm);
			*committed += mm_committed_pages(p->mm);
		}
}

/* Every field Linux always prints, in its order (fs/proc/meminfo.c), in kB.
 * Pagoda has no LRU lists (the replacement policy's are its own), highmem, vmalloc area or huge pages: those
 * are 0 (VmallocTotal is x86-64's constant); Active is every user page,
 * Inactive none. Cached never exceeds what is in use: ramdisk files are
 * cached in place (their pages are the module's, outside MemTotal). */
enum { VMALLOC_TOTAL_KB = 34359738367ul };   /* x86-64's vmalloc area, 32 TiB - 1 KiB */

static void gen_meminfo(struct text *t)
{
	struct frame_stats s;
	frame_get_stats(&s);
	uint64_t cached = pagecache_stat.nr_pages < s.total - s.free ? pagecache_stat.nr_pages : s.total - s.free;
	uint64_t user = s.by_use[FRAME_USER], anon = user > cached ? user - cached : 0, locked, committed;
	sum_processes(&locked, &committed);
	const struct { const char *name; uint64_t pages; } rows[] = {
		{ "MemTotal", s.total }, { "MemFree", s.free }, { "MemAvailable", s.free + filemap_reclaimable() },
		{ "Buffers", 0 }, { "Cached", cached }, { "SwapCached", swap_cache_pages() }, { "Active", anon + cached },
		{ "Inactive", 0 }, { "Active(anon)", anon }, { "Inactive(anon)", 0 }, { "Active(file)", cached },
		{ "Inactive(file)", 0 }, { "Unevictable", locked }, { "Mlocked", locked }, { "SwapTotal", total_swap_pages() },
		{ "SwapFree", nr_swap_pages() }, { "Dirty", pagecache_stat.nr_dirty }, { "Writeback", 0 }, { "AnonPages", anon },
		{ "Mapped", 0 }, { "Shmem", pagecache_stat.nr_shmem + shm_resident_pages }, { "KReclaimable", 0 }, { "Slab", s.by_use[FRAME_KHEAP] },
		{ "SReclaimable", 0 }, { "SUnreclaim", s.by_use[FRAME_KHEAP] }, { "KernelStack", s.by_use[FRAME_KSTACK] },
		{ "PageTables", s.by_use[FRAME_PAGETABLE] }, { "SecPageTables", 0 }, { "NFS_Unstable", 0 },
		{ "Bounce", 0 }, { "WritebackTmp", 0 }, { "CommitLimit", s.total / 2 + total_swap_pages() }, { "Committed_AS", committed },
		{ "VmallocTotal", VMALLOC_TOTAL_KB }, { "VmallocUsed", 0 }, { "VmallocChunk", 0 }, { "Percpu", 0 },
		{ "HardwareCorrupted", 0 }, { "AnonHugePages", thp_stat.nr_anon << HPAGE_ORDER }, { "ShmemHugePages", 0 }, { "ShmemPmdMapped", 0 },
		{ "FileHugePages", 0 }, { "FilePmdMapped", 0 },
	};
	for (size_t i = 0; i < ARRAY_SIZE(rows); i++) {
		char label[24];
		snprintf(label, sizeof(label), "%s:", rows[i].name);
		uint64_t kb = rows[i].pages == VMALLOC_TOTAL_KB ? VMALLOC_TOTAL_KB : rows[i].pages * 4;
		emit(t, "%-15s %8lu kB\n", label, kb);
	}
	emit(t, "HugePages_Total:       0\nHugePages_Free:        0\nHugePages_Rsvd:        0\n"
		"HugePages_Surp:        0\nHugepagesize:       2048 kB\nHugetlb:               0 kB\n");
}

/* Physical memory as runs of frames with the same use and reference count:
 * "FIRST_PFN COUNT REFCOUNT USE" (Pagoda's; tools/vmview and memview draw it). */
static void gen_frames(struct text *t)
{
	uint64_t n = frame_max_pa() >> PAGE_SHIFT, start = 0;
	for (uint64_t pfn = 1; pfn <= n; pfn++) {
		const struct page *a = pa_to_page(start << PAGE_SHIFT);
		const struct page *b = pfn < n ? pa_to_page(pfn << PAGE_SHIFT) : NULL;
		if (b && b->use == a->use && b->refcount == a->refcount)
			continue;
		emit(t, "0x%lx %lu %u %s\n", start, pfn - start, a->refcount, frame_use_name(a->use));
		start = pfn;
	}
}

/* The newest fault events that fit, oldest first (mm/faultlog.c). */
static void gen_faultlog(struct text *t)
{
	uint64_t first, next;
	faultlog_range(&first, &next);
	uint64_t fit = TEXT_MAX / FAULTLOG_LINE - 1;
	if (next - first > fit)
		first = next - fit;
	char line[FAULTLOG_LINE];
	for (uint64_t seq = first; seq < next; seq++)
		if (faultlog_format(seq, line, sizeof line))
			emit(t, "%s\n", line);
}

char *proc_text(enum proc_file kind, struct proc *p, size_t *len, int *err)
{
	struct text t = { kmalloc(TEXT_FIRST), 0, TEXT_FIRST };
	if (!t.buf) {
		*err = -ENOMEM;
		return NULL;
	}
	switch (kind) {
	case PROC_VMSTAT:
		gen_vmstat(&t, &vm_global);
		cache_lines(&t);
		frame_lines(&t);
		swap_lines(&t);
		tlb_lines(&t);
		thp_lines(&t);
		break;
	case PROC_PID_VMSTAT: gen_vmstat(&t, &p->mm->stat); break;
	case PROC_PID_PAGETABLE: pgtbl_walk(p->mm->pgd, pagetable_line, &t); break;
	case PROC_MEMINFO: gen_meminfo(&t); break;
	case PROC_MAPS: gen_maps(&t, p, false); break;
	case PROC_SMAPS: gen_maps(&t, p, true); break;
	case PROC_MOUNTS: gen_mounts(&t); break;
	case PROC_FAULTLOG: gen_faultlog(&t); break;
	case PROC_FRAMES: gen_frames(&t); break;
	case PROC_SWAPS: gen_swaps(&t); break;
	case PROC_CPUINFO: t.len = cpuinfo_text(t.buf, TEXT_MAX); break;   /* kernel/cpuinfo.c */
	default: t.len = proc_pid_text(kind, p, t.buf, TEXT_MAX); break;   /* fs/proc_pid.c */
	}
	*len = t.len;
	return t.buf;
}
