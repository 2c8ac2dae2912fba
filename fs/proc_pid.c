/*
 * The /proc files ps, top and free read, in Linux's formats (proc(5)):
 *   /proc/PID/stat     one line: pid (comm) state ppid pgrp session ... (52 fields)
 *   /proc/PID/status   "Name:", "State:", "Pid:", "PPid:", signal masks, VmRSS, ...,
 *                      and Pagoda's WsWindows, WsPages, PffFaults, Pff (mm/workingset.c)
 *   /proc/PID/cmdline  argv, each string NUL-terminated
 *   /proc/PID/comm     the name and a newline
 *   /proc/uptime       seconds up and idle
 *   /proc/loadavg      the load averages (0 here), running/total, last pid
 *   /proc/stat         the "cpu" time lines, btime, processes, procs_running
 * Times are in clock ticks (USER_HZ == HZ == 100). Fields Pagoda has no
 * notion of (tty, nice, real-time priority) read as Linux's defaults.
 */
#include "procfs.h"
#include "../kernel/printk.h"
#include "../kernel/proc.h"
#include "../kernel/thread_group.h"
#include "../kernel/rtc.h"
#include "../kernel/string.h"
#include "../kernel/timer.h"
#include "../mm/mlock.h"
#include "../mm/mm.h"
#include "../mm/layout.h"

struct text {
	char *buf;
	size_t len, cap;
};

static void proc_emit(struct text *t, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static void proc_emit(struct text *t, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	int n = vsnprintf(t->buf + t->len, t->cap - t->len, fmt, ap);
	va_end(ap);
	t->len += (size_t)n < t->cap - t->len ? (size_t)n : t->cap - t->len - 1;
}

static char state_char(const struct proc *p)
{
	switch (p->state) {
	case PROC_RUNNING: case PROC_RUNNABLE: return 'R';
	case PROC_ZOMBIE: return 'Z';
	case PROC_STOPPED: return 'T';
	default: return 'S';
	}
}

/* A zombie has no memory left: its sizes read 0, as Linux's. */
static uint64_t vsize_bytes(const struct proc *p)
{
	uint64_t n = 0;
	for (const struct vma *v = p->mm ? p->mm->vma_list : NULL; v; v = v->next)
		n += v->vm_end - v->vm_start;
	return n;
}

static uint64_t rss_pages(const struct proc *p)
{
	return p->mm ? mm_resident_pages(p->mm, 0, USER_TOP) : 0;
}

static int ppid_of(const struct proc *p)
{
	const struct proc *parent = p->tg->leader ? p->tg->leader->parent : NULL;
	return parent ? parent->pid : 0;
}

static void gen_pid_stat(struct text *t, const struct proc *p)
{
	proc_emit(t, "%d (%s) %c %d %d %d 0 -1 4194304 %lu %lu %lu %lu %lu %lu %lu %lu 20 0 1 0 %lu %lu %lu ",
		  p->pid, p->name, state_char(p), ppid_of(p), p->pgid, p->sid, p->minflt, p->cminflt, p->majflt, p->cmajflt,
		  p->utime_ticks, p->stime_ticks, p->cutime_ticks, p->cstime_ticks, p->start_tick,
		  vsize_bytes(p), rss_pages(p));
	proc_emit(t, "%lu 0 0 0 0 0 %lu %lu %lu %lu 0 0 0 %d 0 0 0 0 0 0 0 0 0 0 0 0 0 %d\n", p->rlimits[RLIMIT_AS].rlim_cur,
		  p->sigpending, p->sigmask, sig_ignored_set(p), sig_caught_set(p), p->exit_signal,
		  p->state == PROC_ZOMBIE ? p->exit_status : 0);
}

static void gen_pid_status(struct text *t, const struct proc *p)
{
	static const char *const names[] = { ['R'] = "running", ['S'] = "sleeping", ['Z'] = "zombie", ['T'] = "stopped" };
	char s = state_char(p);
	proc_emit(t, "Name:\t%s\nUmask:\t%04o\nState:\t%c (%s)\nTgid:\t%d\nNgid:\t0\nPid:\t%d\nPPid:\t%d\n", p->name,
		  p->fs ? p->fs->umask : 0, s, names[(int)s], p->tgid, p->pid, ppid_of(p));
	proc_emit(t, "TracerPid:\t0\nUid:\t0\t0\t0\t0\nGid:\t0\t0\t0\t0\nFDSize:\t%d\nGroups:\t", NFILE_PER_PROC);
	for (int i = 0; i < p->ngroups; i++)
		proc_emit(t, "%u ", p->groups[i]);
	proc_emit(t, "\nVmSize:\t%8lu kB\nVmLck:\t%8lu kB\nVmRSS:\t%8lu kB\nVmPTE:\t%8lu kB\nThreads:\t%d\n",
		  vsize_bytes(p) >> 10, p->mm ? mm_locked_pages(p->mm) * 4 : 0, rss_pages(p) * 4,
		  p->mm ? mm_table_pages(p->mm) * 4 : 0, p->tg->nr_threads);
	proc_emit(t, "SigPnd:\t%016lx\nShdPnd:\t%016lx\nSigBlk:\t%016lx\nSigIgn:\t%016lx\nSigCgt:\t%016lx\n",
		  p->sigpending, p->tg->shared_pending, p->sigmask, sig_ignored_set(p), sig_caught_set(p));
	struct workingset ws = p->mm ? p->mm->ws : (struct workingset){ 0 };   /* a zombie's: zeros */
	proc_emit(t, "WsWindows:\t%lu\nWsPages:\t%lu\nPffFaults:\t%lu\nPff:\t%lu\n", ws.windows, ws.pages, ws.faults,
		  workingset_pff(&ws));
}

static void gen_cmdline(struct text *t, const struct proc *p)
{
	size_t n = !p->mm ? 0 : p->cmdline_len < t->cap ? p->cmdline_len : t->cap;   /* a zombie's is empty */
	memcpy(t->buf, p->cmdline, n);
	t->len = n;
}

static void gen_uptime(struct text *t)
{
	uint64_t ticks = timer_ticks(), idle = idle_ticks();
	proc_emit(t, "%lu.%02lu %lu.%02lu\n", ticks / HZ, ticks % HZ, idle / HZ, idle % HZ);
}

static void gen_loadavg(struct text *t)
{
	int running = 0, last = 0;
	for (struct proc *p = proc_first(); p; p = p->all_next) {
		running += p->state == PROC_RUNNING || p->state == PROC_RUNNABLE;
		last = p->pid > last ? p->pid : last;
	}
	proc_emit(t, "0.00 0.00 0.00 %d/%d %d\n", running, proc_count(), last);
}

static void gen_stat(struct text *t)
{
	uint64_t user = 0, sys = 0;
	int running = 0;
	for (struct proc *p = proc_first(); p; p = p->all_next) {
		user += p->utime_ticks;
		sys += p->stime_ticks;
		running += p->state == PROC_RUNNING || p->state == PROC_RUNNABLE;
	}
	proc_emit(t, "cpu  %lu 0 %lu %lu 0 0 0 0 0 0\n", user, sys, idle_ticks());
	proc_emit(t, "cpu0 %lu 0 %lu %lu 0 0 0 0 0 0\n", user, sys, idle_ticks());
	proc_emit(t, "intr 0\nctxt 0\nbtime %lu\nprocesses %d\nprocs_running %d\nprocs_blocked 0\n",
		  rtc_boot_epoch(), proc_count(), running);
}

static void gen_text(enum proc_file kind, struct proc *p, struct text *t)
{
	switch (kind) {
	case PROC_PID_STAT: gen_pid_stat(t, p); break;
	case PROC_PID_STATUS: gen_pid_status(t, p); break;
	case PROC_PID_CMDLINE: gen_cmdline(t, p); break;
	case PROC_PID_COMM: proc_emit(t, "%s\n", p->name); break;
	case PROC_UPTIME: gen_uptime(t); break;
	case PROC_LOADAVG: gen_loadavg(t); break;
	case PROC_STAT: gen_stat(t); break;
	default: break;
	}
}

size_t proc_pid_text(enum proc_file kind, struct proc *p, char *buf, size_t cap)
{
	struct text t = { buf, 0, cap };
	gen_text(kind, p, &t);
	return t.len;
}
