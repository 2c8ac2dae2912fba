/*
 * The text of the /proc files (fs/procfs.c serves them), generated when
 * opened, in Linux's formats so the same program reads them on both systems:
 *   /proc/self/maps, /proc/PID/maps    one line per area (proc(5))
 *   /proc/self/smaps, /proc/PID/smaps  each area with its Size and Rss
 *   /proc/vmstat                       fault counters (pgfault as Linux,
 *                                      the rest named pagoda_*)
 *   /proc/faultlog                     the newest page-fault events, one
 *                                      key=value line each (mm/faultlog.c)
 *   /proc/self/vmstat, /proc/PID/vmstat  the same counters, that process's
 *                                      own (Pagoda's: Linux has no such file)
 *   /proc/meminfo                      MemTotal, MemFree, MemAvailable, Cached, Swap*
 *   /proc/self/pagetable, /proc/PID/pagetable   Pagoda's own: one line per
 *                                      present user page-table leaf,
 *                                      "VA PA SIZE FLAGS" (mm/pgtbl.c)
 */
#include "procfs.h"
#include "../kernel/errno.h"
#include "../kernel/printk.h"
#include "../kernel/proc.h"
#include "../kernel/string.h"
#include "../mm/faultlog.h"
#include "../mm/filemap.h"
#include "../mm/frame.h"
#include "../mm/kheap.h"
#include "../mm/mm.h"
#include "../mm/pgtbl.h"
#include "../mm/smaps.h"

enum { TEXT_MAX = 16384 };

struct text {
	char *buf;
	size_t len;
};

static void emit(struct text *t, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static void emit(struct text *t, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	int n = vsnprintf(t->buf + t->len, TEXT_MAX - t->len, fmt, ap);
	va_end(ap);
	t->len += (size_t)n < TEXT_MAX - t->len ? (size_t)n : TEXT_MAX - t->len - 1;
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
			 v->vm_file ? v->vm_pgoff : 0, v->vm_file ? v->vm_file->f_inode->i_ino : 0ul);
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
	emit(t, "pgfault %lu\npgfree %lu\n", c->faults, c->pages_freed);
	emit(t, "pagoda_demand_zero %lu\npagoda_file_fills %lu\npagoda_shared_fills %lu\n", c->demand_zero,
	     c->file_fills, c->shared_fills);
	emit(t, "pagoda_cow_copies %lu\npagoda_cow_reuses %lu\npagoda_stack_grows %lu\npagoda_segv %lu\n",
	     c->cow_copies, c->cow_reuses, c->stack_grows, c->segv);
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
}

static void gen_mounts(struct text *t)
{
	for (struct mount *m = root_mount(); m; m = m->mnt_next)
		emit(t, "%s %s %s %s 0 0\n", m->mnt_sb->s_type->name, m->mnt_path, m->mnt_sb->s_type->name,
		     m->mnt_sb->s_flags & SB_RDONLY ? "ro" : "rw");
}

static void gen_meminfo(struct text *t)
{
	struct frame_stats s;
	frame_get_stats(&s);
	emit(t, "MemTotal:       %8lu kB\nMemFree:        %8lu kB\nMemAvailable:   %8lu kB\n", s.total * 4,
	     s.free * 4, (s.free + filemap_reclaimable()) * 4);
	/* Cached never exceeds what is in use: ramdisk files are cached in place
	 * (their pages are the module's, outside MemTotal). free(1) subtracts it,
	 * and reads it only together with MemAvailable and SReclaimable. */
	uint64_t cached = pagecache_stat.nr_pages < s.total - s.free ? pagecache_stat.nr_pages : s.total - s.free;
	emit(t, "Buffers:        %8lu kB\nCached:         %8lu kB\nSwapCached:     %8lu kB\n", 0ul, cached * 4, 0ul);
	emit(t, "SwapTotal:      %8lu kB\nSwapFree:       %8lu kB\nShmem:          %8lu kB\nSReclaimable:   %8lu kB\n",
	     0ul, 0ul, 0ul, 0ul);
	emit(t, "PageTables:     %8lu kB\nKernelStack:    %8lu kB\n", s.by_use[FRAME_PAGETABLE] * 4,
	     s.by_use[FRAME_KSTACK] * 4);
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
	struct text t = { kmalloc(TEXT_MAX), 0 };
	if (!t.buf) {
		*err = -ENOMEM;
		return NULL;
	}
	switch (kind) {
	case PROC_VMSTAT:
		gen_vmstat(&t, &vm_global);
		cache_lines(&t);
		frame_lines(&t);
		break;
	case PROC_PID_VMSTAT: gen_vmstat(&t, &p->mm->stat); break;
	case PROC_PID_PAGETABLE: pgtbl_walk(p->mm->pgd, pagetable_line, &t); break;
	case PROC_MEMINFO: gen_meminfo(&t); break;
	case PROC_MAPS: gen_maps(&t, p, false); break;
	case PROC_SMAPS: gen_maps(&t, p, true); break;
	case PROC_MOUNTS: gen_mounts(&t); break;
	case PROC_FAULTLOG: gen_faultlog(&t); break;
	default: t.len = proc_pid_text(kind, p, t.buf, TEXT_MAX); break;   /* fs/proc_pid.c */
	}
	*len = t.len;
	return t.buf;
}
