/*
 * trap(): every interrupt and exception arrives here from trapentry.asm.
 *
 * This is the one place that decides policy for a fault:
 *   - a device interrupt goes to its driver;
 *   - a page fault, from either mode, goes to page_fault below: the VM
 *     (mm/fault.c handle_page_fault, called from there only) resolves it
 *     if it can, and page_fault decides what follows when it cannot;
 *   - an exception in user mode becomes a signal (kernel/signal.c);
 *   - an exception in the kernel at an instruction listed in the exception
 *     table (a user copy) resumes at its fixup, which returns -EFAULT;
 *   - an exception a ktest asked for goes back to that test;
 *   - anything else in the kernel is a bug: panic with a full report.
 */
#include "trap.h"
#include "exit_work.h"
#include "extable.h"
#include "ksyms.h"
#include "kernel_lock.h"
#include "ktest.h"
#include "lapic.h"
#include "oom_kill.h"
#include "signal.h"
#include "panic.h"
#include "printk.h"
#include "timer.h"
#include "proc.h"
#include "sched_hooks.h"
#include "smp.h"
#include "x86.h"
#include "../mm/fault.h"
#include "../mm/layout.h"
#include "../mm/pf_error.h"

static const char *const exception_names[32] = {
	[T_DE] = "#DE divide error",
	[T_DB] = "#DB debug",
	[T_NMI] = "NMI",
	[T_BP] = "#BP breakpoint",
	[T_OF] = "#OF overflow",
	[T_BR] = "#BR bound range exceeded",
	[T_UD] = "#UD invalid opcode",
	[T_NM] = "#NM device not available",
	[T_DF] = "#DF double fault",
	[9] = "coprocessor segment overrun",
	[T_TS] = "#TS invalid TSS",
	[T_NP] = "#NP segment not present",
	[T_SS] = "#SS stack-segment fault",
	[T_GP] = "#GP general protection",
	[T_PF] = "#PF page fault",
	[T_MF] = "#MF x87 floating-point error",
	[T_AC] = "#AC alignment check",
	[T_MC] = "#MC machine check",
	[T_XM] = "#XM SIMD floating-point",
	[T_VE] = "#VE virtualization",
	[T_CP] = "#CP control protection",
};

const char *trap_name(uint64_t vector)
{
	if (vector < 32)
		return exception_names[vector] ? exception_names[vector] : "reserved exception";
	if (vector >= T_IRQ0 && vector < T_IRQ0 + 16)
		return "device interrupt";
	return "interrupt";
}

int trap_format(const struct trapframe *tf, uint64_t cr2, char *buf, size_t size)
{
	int n = snprintf(buf, size,
			 "%s (vector %lu) in %s mode\n"
			 "  error code 0x%lx  RIP %016lx <%s>\n"
			 "  CS %04lx  RFLAGS %016lx  RSP %016lx  SS %04lx\n",
			 trap_name(tf->vector), tf->vector, tf_from_user(tf) ? "user" : "kernel",
			 tf->error, tf->rip, ksym_name(tf->rip), tf->cs, tf->rflags, tf->rsp, tf->ss);
	if (tf->vector == T_PF && (size_t)n < size) {
		struct pf_error e = pf_decode(tf->error);
		n += snprintf(buf + n, size - n,
			      "  CR2 %016lx  P=%d (%s) W/R=%d (%s) U/S=%d (%s) RSVD=%d I/D=%d (%s)\n",
			      cr2, e.present, e.present ? "protection violation" : "page not present",
			      e.write, e.write ? "write" : "read", e.user, e.user ? "user" : "kernel",
			      e.rsvd, e.instr, e.instr ? "instruction fetch" : "data access");
	}
	return n;
}

void trap_print_registers(const struct trapframe *tf)
{
	printk("  RAX %016lx  RBX %016lx  RCX %016lx  RDX %016lx\n", tf->rax, tf->rbx, tf->rcx, tf->rdx);
	printk("  RSI %016lx  RDI %016lx  RBP %016lx  R8  %016lx\n", tf->rsi, tf->rdi, tf->rbp, tf->r8);
	printk("  R9  %016lx  R10 %016lx  R11 %016lx  R12 %016lx\n", tf->r9, tf->r10, tf->r11, tf->r12);
	printk("  R13 %016lx  R14 %016lx  R15 %016lx\n", tf->r13, tf->r14, tf->r15);
	printk("  CR0 %016lx  CR3 %016lx  CR4 %016lx\n", read_cr0(), read_cr3(), read_cr4());
}

static void report(const struct trapframe *tf, uint64_t cr2)
{
	char buf[512];
	trap_format(tf, cr2, buf, sizeof(buf));
	printk("%s", buf);
}

/* A kernel-mode exception. #BP is reported and execution continues after the
 * int3 (it is a trap, not a fault); everything else is fatal unless a fixup
 * (a user copy: -EFAULT) or a ktest claims it. */
static void kernel_exception(struct trapframe *tf, uint64_t cr2)
{
	if (tf->vector == T_BP) {
		printk("kernel breakpoint: ");
		report(tf, 0);
		return;
	}
	if (extable_fixup(tf))
		return;
	if (ktest_catch(tf, cr2))   /* does not return when a test claims it */
		return;
	panic_trap(tf, cr2);
}

/* Is this fault the VM's to resolve? Any fault in user mode; in the kernel,
 * only a user copy (an exception-table instruction) touching a user address.
 * (p is NULL for a fault early in boot, before proc_init.) */
static bool vm_resolves(const struct trapframe *tf, const struct proc *p, uint64_t cr2)
{
	if (!p || !p->mm)
		return false;
	return tf_from_user(tf) || (extable_contains(tf->rip) && cr2 < USER_TOP);
}

/* The fault policy, for both modes: the VM tries once (handle_page_fault);
 * what it cannot resolve becomes a signal in user mode, and in the kernel a
 * fixup (-EFAULT from the user copy), a ktest's catch, or a panic. */
static void page_fault(struct trapframe *tf)
{
	uint64_t cr2 = read_cr2();
	struct proc *p = current_proc();
	if (!vm_resolves(tf, p, cr2)) {
		kernel_exception(tf, cr2);
		return;
	}
	/* PF_USER: a user copy is judged as the program's own access would be.
	 * Field by field: handle_page_fault sets every out field, and an
	 * initialiser would clear the whole struct first (a counted rep stos). */
	struct fault f;
	f.addr = cr2;
	f.error = tf->error | PF_USER;
	f.rip = tf->rip;
	f.kernel_copy = !tf_from_user(tf);
	f.pid = p->pid;
	f.comm = p->name;
	enum fault_result r = handle_page_fault(p->mm, &f);
	if (f.major)
		p->majflt++;   /* the page came from swap (CS:APP 9.3.4's disk read) */
	else
		p->minflt++;
	if (r == FAULT_HANDLED)
		return;
	if (tf_from_user(tf))
		user_page_fault(p, tf, &f, r);
	else if (r != FAULT_OOM || !out_of_memory(p, cr2))   /* OOM in a user copy: retry unless the victim */
		kernel_exception(tf, cr2);
}

static void interrupt(struct trapframe *tf)
{
	unsigned irq = tf->vector - T_IRQ0;
	if (irq < 16) {
		irq_dispatch(irq, tf);
	} else if (tf->vector == T_LAPIC_TIMER) {
		lapic_eoi();
		sched_tick(tf);
	} else if (tf->vector == T_IPI_RESCHEDULE) {
		lapic_eoi();   /* wakes the idle loop's halt, or moves a thread (sched_ipi) */
		sched_ipi(tf);
	}
}

/* An IPI call (a TLB shootdown) runs without the kernel lock: its sender
 * holds it and waits for this CPU. */
void trap(struct trapframe *tf)
{
	if (tf->vector == T_IPI_TLB) {
		smp_call_interrupt();
		return;
	}
	if (tf->vector < 32 && this_cpu()->call_running)
		smp_call_exception(tf);   /* its sender holds the lock and waits for us */
	bool taken = kernel_lock_enter();
	if (tf->vector == T_PF) {
		page_fault(tf);
	} else if (tf->vector < 32) {
		if (tf_from_user(tf))
			user_exception(tf);
		else
			kernel_exception(tf, 0);
	} else if (tf->vector != T_SPURIOUS) {
		interrupt(tf);
	}
	if (tf_from_user(tf))
		trap_exit_work();   /* signals take effect on the way back to ring 3 */
	kernel_lock_leave(taken);
}
