/*
 * The fault log: what each page fault was and how the VM resolved it.
 *
 * Owns a ring of the last FAULTLOG_SIZE events, numbered from 1 in the order
 * they happened:
 *
 *   ring[seq % FAULTLOG_SIZE]   holds event seq for next - FAULTLOG_SIZE <= seq < next
 *
 * An event is copied out of struct fault (mm/fault.c) when the handler ends:
 * who (pid, program), where (address, rip, the area with its permissions and
 * backing), which access (read/write/exec, by the program itself or by the
 * kernel copying for it), the outcome with its CS:APP case name, and the
 * frame now mapped with its reference count. Each event goes to up to three
 * places: the ring (always; /proc/faultlog reads it), the console when
 * traced (trace=fault, or trace=fault:PROG for one program), and COM2 when
 * streamed (faultlog=serial; tools/pagoda-run --faultlog turns it into JSON).
 *
 * Always true: first <= next, next - first <= FAULTLOG_SIZE; an event's
 * strings are copies or constants (the area or process may be gone when it
 * is read); only a file area's name is formatted when a fault is recorded,
 * the rest when an event is read or traced.
 * Lock: faultlog_lock (a leaf: nothing is taken while holding it).
 */
#include "faultlog.h"
#include "frame.h"
#include "pf_error.h"
#include "../kernel/printk.h"
#include "../kernel/serial.h"
#include "../kernel/spinlock.h"
#include "../kernel/string.h"
#include "../fs/vfs.h"

struct fault_event {
	uint64_t seq;
	int pid;
	char comm[TASK_COMM_LEN];
	uintptr_t addr, rip;
	uint32_t error;          /* PF_* as the access was judged */
	bool kernel_copy;        /* the kernel touched user memory for the program */
	bool grew_stack;
	enum fault_result result;
	uintptr_t vm_start, vm_end;   /* 0, 0: no area */
	uint64_t vm_flags;       /* the area's VM_READ ... VM_SHARED, printed "rw-p" */
	const char *kind;        /* anon, heap, stack, shared-anon, none: a string constant; or */
	char backing[72];        /* when kind is NULL: file:PATH@OFF, elf:PATH@OFF */
	const char *case_name;   /* a string constant of mm/ */
	uint64_t pfn;            /* the frame now mapped (0: none) */
	uint32_t refcount;
};

static struct fault_event ring[FAULTLOG_SIZE];
static uint64_t next_seq = 1;
static struct spinlock faultlog_lock = SPINLOCK_INIT("faultlog_lock");
static bool trace_all, to_com2;
static char trace_prog[16];   /* trace=fault:PROG */
static bool emitting;         /* trace_all || trace_prog[0] || to_com2 */

void faultlog_configure(const char *trace, bool to_serial)
{
	to_com2 = emitting = to_serial;
	if (!trace || strncmp(trace, "fault", 5) || (trace[5] && trace[5] != ':'))
		return;
	if (trace[5] == ':')
		strlcpy(trace_prog, trace + 6, sizeof trace_prog);
	else
		trace_all = true;
	emitting = true;
}

/* Only a file area's name is formatted now (the file may be gone when the
 * event is read); the rest is kept raw and printed when read: a fault pays
 * for no formatting. */
static void describe_area(struct fault_event *ev, const struct vma *v, const struct mm *mm)
{
	ev->vm_start = v->vm_start;
	ev->vm_end = v->vm_end;
	ev->vm_flags = v->vm_flags;
	if (v->kind != VMA_FILE) {
		ev->kind = v->kind == VMA_HEAP ? "heap" : v->kind == VMA_STACK ? "stack" : v->shm ? "shared-anon" : "anon";
		return;
	}
	char path[64];
	if (file_path_name(v->vm_file, path, sizeof path) < 0)
		strlcpy(path, "?", sizeof path);
	ev->kind = NULL;
	snprintf(ev->backing, sizeof ev->backing, "%s:%s@0x%lx", v->vm_file == mm->exe_file ? "elf" : "file", path,
	         vma_file_offset(v, page_round_down(ev->addr)));
}

static void no_area(struct fault_event *ev)
{
	ev->vm_start = ev->vm_end = ev->vm_flags = 0;
	ev->kind = "none";
}

static void fill_event(struct fault_event *ev, const struct fault *f, enum fault_result r)
{
	ev->pid = f->pid;
	static const char no_comm[TASK_COMM_LEN] = "?";
	__builtin_memcpy(ev->comm, f->comm ? f->comm : no_comm, TASK_COMM_LEN);   /* two words, not a string copy */
	ev->comm[TASK_COMM_LEN - 1] = 0;
	ev->addr = f->addr;
	ev->rip = f->rip;
	ev->error = (uint32_t)f->error;
	ev->kernel_copy = f->kernel_copy;
	ev->grew_stack = f->grew_stack;
	ev->result = r;
	ev->case_name = f->case_name;
	if (f->vma)
		describe_area(ev, f->vma, f->mm);
	else
		no_area(ev);
	ev->pfn = f->frame >> PAGE_SHIFT;
	ev->refcount = f->frame ? pa_to_page(f->frame)->refcount : 0;
}

/* The area's permissions as maps prints them: "rw-p". */
static void prot_name(const struct fault_event *ev, char prot[5])
{
	prot[0] = ev->vm_flags & VM_READ ? 'r' : '-';
	prot[1] = ev->vm_flags & VM_WRITE ? 'w' : '-';
	prot[2] = ev->vm_flags & VM_EXEC ? 'x' : '-';
	prot[3] = ev->vm_flags & VM_SHARED ? 's' : 'p';
	prot[4] = 0;
}

static const char *backing_name(const struct fault_event *ev)
{
	return ev->kind ? ev->kind : ev->backing;
}

static const char *access_name(uint32_t error)
{
	return error & PF_INSTR ? "exec" : error & PF_WRITE ? "write" : "read";
}

static const char *const result_names[] = {
	[FAULT_HANDLED] = "handled", [FAULT_SEGV_MAPERR] = "segv-maperr",
	[FAULT_SEGV_ACCERR] = "segv-accerr", [FAULT_OOM] = "oom",
};

static const char *result_name(enum fault_result r)
{
	return (unsigned)r < sizeof result_names / sizeof result_names[0] && result_names[r] ? result_names[r]
	                                                                                     : "other";
}

/* The machine-readable line: /proc/faultlog and COM2. */
static void format_event(const struct fault_event *ev, char *buf, size_t len)
{
	char prot[5];
	prot_name(ev, prot);
	snprintf(buf, len,
	         "seq=%lu pid=%d comm=%s addr=0x%lx rip=0x%lx access=%s mode=%s present=%d area=0x%lx-0x%lx "
	         "prot=%s backing=%s result=%s stack_grew=%d pfn=0x%lx ref=%u case=%s",
	         ev->seq, ev->pid, ev->comm, ev->addr, ev->rip, access_name(ev->error),
	         ev->kernel_copy ? "kernel-copy" : "user", !!(ev->error & PF_PROT), ev->vm_start, ev->vm_end,
	         ev->vm_start ? prot : "----", backing_name(ev), result_name(ev->result), ev->grew_stack, ev->pfn,
	         ev->refcount, ev->case_name ? ev->case_name : "?");
}

/* The console line a student reads (trace=fault). */
static void trace_event(const struct fault_event *ev)
{
	char line[FAULTLOG_LINE];
	size_t n = snprintf(line, sizeof line, "fault #%lu: pid %d (%s) %s%s at %016lx rip %lx", ev->seq, ev->pid,
	                    ev->comm, access_name(ev->error), ev->kernel_copy ? " by the kernel for it" : "",
	                    ev->addr, ev->rip);
	char prot[5];
	prot_name(ev, prot);
	if (n < sizeof line && ev->vm_start)
		n += snprintf(line + n, sizeof line - n, " in [%lx-%lx %s %s]", ev->vm_start, ev->vm_end, prot,
		              backing_name(ev));
	else if (n < sizeof line)
		n += snprintf(line + n, sizeof line - n, " outside any area");
	if (n < sizeof line)
		n += snprintf(line + n, sizeof line - n, " -> %s%s", ev->grew_stack ? "stack growth, " : "",
		              ev->case_name ? ev->case_name : "?");
	if (n < sizeof line && ev->pfn)
		snprintf(line + n, sizeof line - n, ", frame 0x%lx ref %u", ev->pfn, ev->refcount);
	printk("%s\n", line);
}

static bool traced(const struct fault_event *ev)
{
	return trace_all || (trace_prog[0] && !strcmp(trace_prog, ev->comm));
}

static void com2_puts(const char *s)
{
	while (*s)
		serial_log_putc(*s++);
	serial_log_putc('\n');
}

/* The event to the console and COM2 when asked, from a copy taken under
 * the lock (the ring slot may be reused once unlocked). Apart from the
 * record so that a fault that is neither traced nor streamed pays only a
 * test. */
static __attribute__((noinline)) void emit_event(const struct fault_event *ev)
{
	struct fault_event copy = *ev;
	spin_unlock(&faultlog_lock);
	if (traced(&copy))
		trace_event(&copy);
	if (to_com2) {
		char line[FAULTLOG_LINE];
		format_event(&copy, line, sizeof line);
		com2_puts(line);
	}
}

void faultlog_record(const struct fault *f, enum fault_result r)
{
	spin_lock(&faultlog_lock);
	uint64_t seq = next_seq++;
	struct fault_event *ev = &ring[seq % FAULTLOG_SIZE];
	fill_event(ev, f, r);
	ev->seq = seq;
	if (emitting)
		emit_event(ev);   /* unlocks */
	else
		spin_unlock(&faultlog_lock);
}

void faultlog_range(uint64_t *first, uint64_t *next)
{
	spin_lock(&faultlog_lock);
	*next = next_seq;
	*first = next_seq > FAULTLOG_SIZE ? next_seq - FAULTLOG_SIZE : 1;
	spin_unlock(&faultlog_lock);
}

bool faultlog_format(uint64_t seq, char *buf, size_t len)
{
	spin_lock(&faultlog_lock);
	struct fault_event ev = ring[seq % FAULTLOG_SIZE];
	spin_unlock(&faultlog_lock);
	if (ev.seq != seq)
		return false;
	format_event(&ev, buf, len);
	return true;
}
