/*
 * Signal names, and the CPU exceptions of user programs as signals.
 *
 * user_exception turns a CPU exception in ring 3 into a signal with Linux's
 * siginfo (si_code, si_addr); user_page_fault does the same for a page
 * fault the VM could not resolve (kernel/trap.c page_fault decides that).
 * When the signal will kill (no handler, or the signal is blocked or
 * ignored: a fault cannot be), one diagnostic line names the case, in the
 * spirit of Linux's "segfault at ..." line. Generation is in sigpending.c,
 * delivery in sigaction.c.
 */
#include "signal.h"
#include "errno.h"
#include "linux_abi.h"
#include "oom_kill.h"
#include "printk.h"
#include "proc.h"
#include "trap.h"
#include "x86.h"
#include "../mm/fault.h"
#include "../mm/layout.h"
#include "../mm/pf_error.h"

static const char *const names[32] = {
	[SIGHUP] = "SIGHUP", [SIGINT] = "SIGINT", [SIGQUIT] = "SIGQUIT", [SIGILL] = "SIGILL",
	[SIGTRAP] = "SIGTRAP", [SIGABRT] = "SIGABRT", [SIGBUS] = "SIGBUS", [SIGFPE] = "SIGFPE",
	[SIGKILL] = "SIGKILL", [SIGUSR1] = "SIGUSR1", [SIGSEGV] = "SIGSEGV", [SIGUSR2] = "SIGUSR2",
	[SIGPIPE] = "SIGPIPE", [SIGALRM] = "SIGALRM", [SIGTERM] = "SIGTERM", [SIGCHLD] = "SIGCHLD",
	[SIGCONT] = "SIGCONT", [SIGSTOP] = "SIGSTOP", [SIGTSTP] = "SIGTSTP", [SIGSYS] = "SIGSYS",
};

const char *signal_name(int sig)
{
	return sig > 0 && sig < 32 && names[sig] ? names[sig] : "signal";
}

/* A hint for the patterns students meet most. */
static const char *segv_hint(struct mm *mm, uintptr_t addr)
{
	if (addr < PAGE_SIZE)
		return " (likely a NULL pointer dereference)";
	if (stack_overflow_at(mm, addr))
		return " (just below the stack: stack overflow?)";
	if (!is_canonical(addr))
		return " (non-canonical address)";
	return "";
}

void user_page_fault(struct proc *p, const struct trapframe *tf, const struct fault *f, enum fault_result r)
{
	struct pf_error e = pf_decode(tf->error);
	if (r == FAULT_OOM) {
		out_of_memory(p, f->addr);
		return;
	}
	if (r == FAULT_SIGBUS) {   /* a file page past the end of the file */
		force_sig_fault(SIGBUS, BUS_ADRERR, f->addr, tf);
		if (!sig_handled(p, SIGBUS))
			printk("pagoda: pid %d (%s) SIGBUS at %016lx rip %016lx: %s\n", p->pid, p->name, f->addr,
			       tf->rip, f->case_name);
		return;
	}
	int code = r == FAULT_SEGV_ACCERR ? SEGV_ACCERR : SEGV_MAPERR;
	force_sig_fault(SIGSEGV, code, f->addr, tf);
	if (sig_handled(p, SIGSEGV))
		return;
	printk("pagoda: pid %d (%s) SIGSEGV at %016lx rip %016lx: %s, %s: %s%s\n", p->pid, p->name, f->addr,
	       tf->rip, e.instr ? "exec" : e.write ? "write" : "read",
	       e.present ? "protection violation" : "page not present", f->case_name, segv_hint(p->mm, f->addr));
}

static int signal_for(uint64_t vector)
{
	switch (vector) {
	case T_DE: case T_MF: case T_XM: return SIGFPE;
	case T_UD: return SIGILL;
	case T_BP: case T_DB: return SIGTRAP;
	case T_AC: return SIGBUS;
	default: return SIGSEGV;
	}
}

/* si_code and si_addr for a non-#PF exception (Linux's do_trap callers). */
static int code_for(uint64_t vector, uintptr_t *addr, const struct trapframe *tf)
{
	*addr = tf->rip;
	switch (vector) {
	case T_DE: return FPE_INTDIV;
	case T_UD: return ILL_ILLOPN;
	case T_AC: return BUS_ADRALN;
	case T_DB: return TRAP_BRKPT;
	default: *addr = 0; return SI_KERNEL;   /* #GP, #BP (int3), ...: no address */
	}
}

void user_exception(struct trapframe *tf)
{
	struct proc *p = current_proc();
	int sig = signal_for(tf->vector);
	uintptr_t addr;
	int code = code_for(tf->vector, &addr, tf);
	force_sig_fault(sig, code, addr, tf);
	if (sig_handled(p, sig))
		return;
	const char *why = tf->vector == T_GP ? ": general protection (non-canonical address or privileged instruction)" : "";
	printk("pagoda: pid %d (%s) %s: %s at rip %016lx%s\n", p->pid, p->name, signal_name(sig),
	       trap_name(tf->vector), tf->rip, why);
}
