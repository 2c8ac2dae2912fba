/*
 * Signals, default actions only (no user handlers yet): every signal a
 * program receives terminates it, and wait4 reports "killed by signal N".
 *
 * user_exception turns a CPU exception in ring 3 into a signal;
 * user_page_fault does the same for a page fault the VM could not resolve
 * (kernel/trap.c page_fault decides that). A kill prints one diagnostic line
 * naming the case, in the spirit of Linux's "segfault at ..." line.
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

/* Signals whose default action is to ignore them (signal(7)). */
static bool ignored_by_default(int sig)
{
	return sig == SIGCHLD || sig == SIGURG || sig == SIGWINCH || sig == SIGCONT;
}

void force_sig(struct proc *p, int sig)
{
	if (p->state == PROC_ZOMBIE || p->pending_kill)
		return;
	if (sig != SIGKILL && (p->sigactions[sig].handler == SIG_IGN || (p->sigactions[sig].handler == SIG_DFL &&
									     ignored_by_default(sig))))
		return;
	p->pending_kill = sig;
	if (p->state == PROC_SLEEPING) {   /* every sleep in Pagoda is interruptible */
		p->wait_channel = NULL;
		p->wake_tick = 0;
		sched_make_runnable(p);
	}
}

void deliver_pending(void)
{
	struct proc *p = current_proc();
	if (p->pending_kill)
		do_exit(wstatus_signaled(p->pending_kill, false));
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
	printk("pagoda: pid %d (%s) SIGSEGV at %016lx rip %016lx: %s, %s: %s%s\n", p->pid, p->name, f->addr,
	       tf->rip, e.instr ? "exec" : e.write ? "write" : "read",
	       e.present ? "protection violation" : "page not present", f->case_name, segv_hint(p->mm, f->addr));
	force_sig(p, SIGSEGV);
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

void user_exception(struct trapframe *tf)
{
	struct proc *p = current_proc();
	int sig = signal_for(tf->vector);
	const char *why = tf->vector == T_GP ? ": general protection (non-canonical address or privileged instruction)" : "";
	printk("pagoda: pid %d (%s) %s: %s at rip %016lx%s\n", p->pid, p->name, signal_name(sig),
	       trap_name(tf->vector), tf->rip, why);
	force_sig(p, sig);
}
