/*
 * trap(): every interrupt and exception arrives here from trapentry.asm.
 *
 * This is the one place that decides policy for a fault:
 *   - a device interrupt goes to its driver;
 *   - an exception in user mode becomes a signal (kernel/signal.c);
 *   - an exception in the kernel at an instruction listed in the exception
 *     table (a user copy) resumes at its fixup, which returns -EFAULT;
 *   - an exception a ktest asked for goes back to that test;
 *   - anything else in the kernel is a bug: panic with a full report.
 */
#include "trap.h"
#include "extable.h"
#include "ksyms.h"
#include "ktest.h"
#include "signal.h"
#include "panic.h"
#include "printk.h"
#include "timer.h"
#include "proc.h"
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

/* A fault in copy_*_user on a user address: resolve it like the user's own
 * access would be (demand zero, COW); true if the copy can be retried. If
 * not, the caller's extable_fixup makes the copy return -EFAULT. */
static bool uaccess_fault(struct trapframe *tf, uint64_t cr2)
{
	struct proc *p = current_proc();
	if (!extable_contains(tf->rip) || cr2 >= USER_TOP || !p->mm)
		return false;
	struct fault f = { .addr = cr2, .error = tf->error | PF_USER, .pid = p->pid };
	p->minflt++;
	return handle_page_fault(p->mm, &f) == FAULT_HANDLED;
}

/* A kernel-mode exception. #BP is reported and execution continues after the
 * int3 (it is a trap, not a fault); everything else is fatal unless a fixup
 * or a ktest claims it. */
static void kernel_exception(struct trapframe *tf)
{
	uint64_t cr2 = tf->vector == T_PF ? read_cr2() : 0;
	if (tf->vector == T_BP) {
		printk("kernel breakpoint: ");
		report(tf, 0);
		return;
	}
	if (tf->vector == T_PF && uaccess_fault(tf, cr2))
		return;
	if (extable_fixup(tf))
		return;
	if (ktest_catch(tf, cr2))   /* does not return when a test claims it */
		return;
	panic_trap(tf, cr2);
}

static void interrupt(struct trapframe *tf)
{
	unsigned irq = tf->vector - T_IRQ0;
	if (irq < 16)
		irq_dispatch(irq, tf);
}

void trap(struct trapframe *tf)
{
	if (tf->vector < 32) {
		if (tf_from_user(tf))
			user_exception(tf);
		else
			kernel_exception(tf);
	} else if (tf->vector != T_SPURIOUS) {
		interrupt(tf);
	}
	if (tf_from_user(tf))
		deliver_pending();   /* a kill takes effect on the way back to ring 3 */
}
