/*
 * The fault log: what each page fault was and how the VM resolved it.
 *
 * Owns one ring per CPU of FAULTLOG_SIZE events, numbered from 1 in the
 * order they happened (one counter for all CPUs, next_seq):
 *
 *   rings[cpu][seq % FAULTLOG_SIZE]   event seq, if cpu recorded it
 *
 * Each CPU writes only its own ring, so recording takes no lock: a fault
 * pays for one atomic increment and a few stores. An event's slot reads 0 in
 * seq while it is being written and its number once it is complete; a
 * reader (/proc/faultlog, on any CPU) copies the slot and keeps the copy
 * only if seq read the same before and after (a seqcount). Of the events
 * numbered next - FAULTLOG_SIZE .. next - 1, each is in its CPU's ring: no
 * later event of that CPU has its index yet.
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
 * is read); the event is raw values (the area's kind as a number, the
 * program's name as two words): only a file area's name is formatted when
 * a fault is recorded, everything else when an event is read or traced.
 * Lock: none (per-CPU rings, the seqcount above; docs/locking.md). A CPU
 * records one event at a time: no interrupt handler records, and kernel code
 * is not preempted.
 */
#include "faultlog.h"
#include "frame.h"
#include "pf_error.h"
#include "../kernel/percpu.h"
#include "../kernel/printk.h"
#include "../kernel/serial.h"
#include "../kernel/string.h"
#include "../kernel/x86.h"
#include "../fs/vfs.h"

/* The area's backing, kept as a number and named when read. */
enum area_kind { AREA_NONE, AREA_ANON, AREA_HEAP, AREA_STACK, AREA_SHARED_ANON, AREA_FILE };

struct fault_event {
	uint64_t seq;            /* 0 while the slot is being written */
	uintptr_t addr, rip;
	char comm[TASK_COMM_LEN];
	int pid;
	uint32_t error;          /* PF_* as the access was judged */
	uint8_t result;          /* enum fault_result */
	uint8_t area;            /* enum area_kind */
	bool kernel_copy;        /* the kernel touched user memory for the program */
	bool grew_stack;
	uint32_t refcount;
	uintptr_t vm_start, vm_end;   /* 0, 0: no area */
	uint64_t vm_flags;       /* the area's VM_READ ... VM_SHARED, printed "rw-p" */
	const char *case_name;   /* a string constant of mm/ */
	uint64_t pfn;            /* the frame now mapped (0: none) */
	char backing[72];        /* AREA_FILE: file:PATH@OFF, elf:PATH@OFF */
};

static struct fault_event rings[MAX_CPUS][FAULTLOG_SIZE];
static uint64_t next_seq = 1;
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
 * event is read). */
static __attribute__((noinline)) void describe_file(struct fault_event *ev, const struct vma *v, const struct mm *mm)
{
	char path[64];
	if (file_path_name(v->vm_file, path, sizeof path) < 0)
		strlcpy(path, "?", sizeof path);
	snprintf(ev->backing, sizeof ev->backing, "%s:%s@0x%lx", v->vm_file == mm->exe_file ? "elf" : "file", path,
	         vma_file_offset(v, page_round_down(ev->addr)));
}

static enum area_kind area_kind(const struct vma *v)
{
	static const uint8_t by_kind[] = { [VMA_ANON] = AREA_ANON, [VMA_FILE] = AREA_FILE,
	                                   [VMA_HEAP] = AREA_HEAP, [VMA_STACK] = AREA_STACK };
	return v->shm && v->kind == VMA_ANON ? AREA_SHARED_ANON : by_kind[v->kind];
}

static void describe_area(struct fault_event *ev, const struct vma *v, const struct mm *mm)
{
	ev->vm_start = v->vm_start;
	ev->vm_end = v->vm_end;
	ev->vm_flags = v->vm_flags;
	ev->area = area_kind(v);
	if (ev->area == AREA_FILE)
		describe_file(ev, v, mm);
}

static void no_area(struct fault_event *ev)
{
	ev->vm_start = ev->vm_end = ev->vm_flags = 0;
	ev->area = AREA_NONE;
}

/* Out of line, so that ev is one register here (inline, the compiler
 * recomputed its address from the ring's indices at every store). */
static __attribute__((noinline)) void fill_event(struct fault_event *ev, const struct fault *f, enum fault_result r)
{
	static const char no_comm[TASK_COMM_LEN] = "?";
	__builtin_memcpy(ev->comm, f->comm ? f->comm : no_comm, TASK_COMM_LEN);   /* two words, not a string copy */
	ev->pid = f->pid;
	ev->addr = f->addr;
	ev->rip = f->rip;
	ev->error = (uint32_t)f->error;
	ev->kernel_copy = f->kernel_copy;
	ev->grew_stack = f->grew_stack;
	ev->result = (uint8_t)r;
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
	static const char *const names[] = { [AREA_NONE] = "none", [AREA_ANON] = "anon", [AREA_HEAP] = "heap",
	                                     [AREA_STACK] = "stack", [AREA_SHARED_ANON] = "shared-anon" };
	return ev->area == AREA_FILE ? ev->backing : names[ev->area];
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

/* The event to the console and COM2 when asked. Apart from the record so
 * that a fault that is neither traced nor streamed pays only a test. */
static __attribute__((noinline)) void emit_event(const struct fault_event *ev)
{
	if (traced(ev))
		trace_event(ev);
	if (to_com2) {
		char line[FAULTLOG_LINE];
		format_event(ev, line, sizeof line);
		com2_puts(line);
	}
}

/* Slot seq's event, copied out whole: false if the slot holds another
 * event or was being written meanwhile (the seqcount in the header). */
static bool copy_event(const struct fault_event *slot, uint64_t seq, struct fault_event *copy)
{
	if (__atomic_load_n(&slot->seq, __ATOMIC_ACQUIRE) != seq)
		return false;
	*copy = *slot;
	barrier();   /* x86 keeps loads in order: the copy is read before seq again */
	copy->comm[TASK_COMM_LEN - 1] = 0;
	return __atomic_load_n(&slot->seq, __ATOMIC_ACQUIRE) == seq && copy->seq == seq;
}

/* Out of line: a fault that is neither traced nor streamed pays a test. */
static __attribute__((noinline)) void emit_recorded(const struct fault_event *ev, uint64_t seq)
{
	struct fault_event copy;
	if (copy_event(ev, seq, &copy))
		emit_event(&copy);
}

void faultlog_record(const struct fault *f, enum fault_result r)
{
	uint64_t seq = __atomic_fetch_add(&next_seq, 1, __ATOMIC_RELAXED);
	struct fault_event *ev = &rings[smp_processor_id()][seq % FAULTLOG_SIZE];
	__atomic_store_n(&ev->seq, 0, __ATOMIC_RELAXED);
	barrier();   /* x86 keeps stores in order: a reader sees 0 before any new field */
	fill_event(ev, f, r);
	__atomic_store_n(&ev->seq, seq, __ATOMIC_RELEASE);
	if (emitting)
		emit_recorded(ev, seq);
}

void faultlog_range(uint64_t *first, uint64_t *next)
{
	uint64_t n = __atomic_load_n(&next_seq, __ATOMIC_RELAXED);
	*next = n;
	*first = n > FAULTLOG_SIZE ? n - FAULTLOG_SIZE : 1;
}

bool faultlog_format(uint64_t seq, char *buf, size_t len)
{
	struct fault_event ev;
	for (int cpu = 0; cpu < MAX_CPUS; cpu++) {
		if (!copy_event(&rings[cpu][seq % FAULTLOG_SIZE], seq, &ev))
			continue;
		format_event(&ev, buf, len);
		return true;
	}
	return false;
}
