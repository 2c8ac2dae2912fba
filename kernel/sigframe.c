/*
 * The signal frame: what the kernel pushes on the user stack to run a
 * handler, and rt_sigreturn(2), which pops it. The layout is Linux's x86-64
 * rt_sigframe, so a handler may read (and change) uc_mcontext exactly as it
 * would on Linux, and libc's sigreturn trampolines (SA_RESTORER) work:
 *
 *   higher addresses
 *   +-------------------------+  <- the interrupted rsp - 128 (red zone), or
 *   |                         |     the top of the sigaltstack (SA_ONSTACK)
 *   | FPU state (kernel/fpu.c)|  <- uc_mcontext.fpstate, 64-byte aligned:
 *   |                         |     fxsave's 512 bytes, or the xsave area
 *   +-------------------------+
 *   | siginfo_t info (128)    |  <- rsi (SA_SIGINFO's second argument)
 *   | ucontext_t uc (304)     |  <- rdx (third argument): uc_mcontext holds
 *   |                         |     every general register, rip, rflags
 *   | pretcode = sa_restorer  |  <- rsp at the handler's first instruction,
 *   +-------------------------+     so rsp + 8 is 16-byte aligned (ABI)
 *
 * The handler "returns" into sa_restorer, which calls rt_sigreturn with rsp
 * pointing at uc: the registers, FPU state, mask and sigaltstack come back
 * from the frame, and the interrupted code resumes exactly (through iretq:
 * sysret could not restore rcx and r11).
 *
 * Invariant: every value loaded from a user frame is checked before the CPU
 * sees it (rip canonical, MXCSR reserved bits clear), so a forged frame gets
 * SIGSEGV, never a kernel fault.
 */
#include "errno.h"
#include "exit_work.h"
#include "fpu.h"
#include "gdt.h"
#include "linux_abi.h"
#include "proc.h"
#include "syscalls.h"
#include "string.h"
#include "uaccess.h"
#include "x86.h"
#include "../mm/layout.h"

struct rt_sigframe {
	uintptr_t pretcode;
	struct linux_ucontext uc;
	struct linux_siginfo info;
};

_Static_assert(sizeof(struct linux_sigcontext) == 256, "asm/sigcontext.h layout");
_Static_assert(sizeof(struct linux_ucontext) == 304, "kernel ucontext layout");
_Static_assert(sizeof(struct linux_siginfo) == 128, "siginfo_t layout");

enum {
	RED_ZONE = 128,
	UC_FP_XSTATE = 0x1,                 /* the FPU area is the xsave form */
	RFLAGS_USER_CHANGEABLE = 0x50dd5,   /* CF PF AF ZF SF TF DF OF RF AC: what sigreturn may set */
	RFLAGS_HANDLER_CLEAR = 0x10500,     /* DF TF RF: cleared for the handler, as Linux */
};

/* ---- the alternate stack (sigaltstack(2)) ---- */

static bool on_sig_stack(const struct proc *p, uintptr_t sp)
{
	const struct linux_stack *s = &p->altstack;
	if (s->ss_flags & SS_AUTODISARM)
		return false;
	return sp > s->ss_sp && sp - s->ss_sp <= s->ss_size;
}

static int sas_ss_flags(const struct proc *p, uintptr_t sp)
{
	if (!p->altstack.ss_size)
		return SS_DISABLE;
	return on_sig_stack(p, sp) ? SS_ONSTACK : 0;
}

static long do_sigaltstack(struct proc *p, const struct linux_stack *ss, uintptr_t sp)
{
	uint32_t mode = (uint32_t)ss->ss_flags & ~SS_AUTODISARM;
	if (on_sig_stack(p, sp))
		return -EPERM;
	if (mode != SS_DISABLE && mode != SS_ONSTACK && mode != 0)
		return -EINVAL;
	struct linux_stack n = { .ss_sp = ss->ss_sp, .ss_size = ss->ss_size, .ss_flags = ss->ss_flags };
	if (mode == SS_DISABLE)
		n.ss_sp = n.ss_size = 0;
	else if (n.ss_size < MINSIGSTKSZ)
		return -ENOMEM;
	p->altstack = n;
	return 0;
}

long sys_sigaltstack(uintptr_t uss, uintptr_t uoss)
{
	struct proc *p = current_proc();
	uintptr_t sp = p->tf->rsp;
	struct linux_stack ss, old = {
		.ss_sp = p->altstack.ss_sp, .ss_size = p->altstack.ss_size,
		.ss_flags = sas_ss_flags(p, sp) | (p->altstack.ss_flags & (int32_t)SS_AUTODISARM),
	};
	if (uss) {
		if (copy_from_user(&ss, uss, sizeof(ss)))
			return -EFAULT;
		long err = do_sigaltstack(p, &ss, sp);
		if (err)
			return err;
	}
	if (uoss && copy_to_user(uoss, &old, sizeof(old)))
		return -EFAULT;
	return 0;
}

/* ---- building the frame ---- */

void fill_siginfo(struct linux_siginfo *si, int sig, const struct ksiginfo *info)
{
	memset(si, 0, sizeof(*si));
	si->si_signo = sig;
	si->si_code = info->code;
	bool fault = sig == SIGSEGV || sig == SIGBUS || sig == SIGILL || sig == SIGFPE || sig == SIGTRAP;
	if (fault && info->code > 0) {
		si->fault.addr = info->addr;
	} else if (sig == SIGCHLD && info->code > 0) {
		si->child.pid = info->pid;
		si->child.status = info->status;
		si->child.utime = (int64_t)info->utime;
		si->child.stime = (int64_t)info->stime;
	} else {
		si->kill.pid = info->pid;
	}
}

static void save_sigcontext(struct linux_sigcontext *sc, const struct trapframe *tf,
			    const struct ksiginfo *info, uint64_t oldmask)
{
	*sc = (struct linux_sigcontext){
		.r8 = tf->r8, .r9 = tf->r9, .r10 = tf->r10, .r11 = tf->r11,
		.r12 = tf->r12, .r13 = tf->r13, .r14 = tf->r14, .r15 = tf->r15,
		.rdi = tf->rdi, .rsi = tf->rsi, .rbp = tf->rbp, .rbx = tf->rbx,
		.rdx = tf->rdx, .rax = tf->rax, .rcx = tf->rcx, .rsp = tf->rsp,
		.rip = tf->rip, .eflags = tf->rflags, .cs = SEL_UCODE, .ss = SEL_UDATA,
		.err = info->err, .trapno = info->trapno, .oldmask = oldmask,
		.cr2 = info->trapno == 14 ? info->addr : 0,   /* 14: #PF */
	};
}

/* Where the frame goes: below the red zone, or at the top of the
 * alternate stack for an SA_ONSTACK handler not already running on it. */
static uintptr_t frame_top(struct proc *p, const struct k_sigaction *act)
{
	uintptr_t sp = p->tf->rsp - RED_ZONE;
	if ((act->flags & SA_ONSTACK) && sas_ss_flags(p, sp) == 0)
		sp = p->altstack.ss_sp + p->altstack.ss_size;
	return sp;
}

static void enter_handler(struct trapframe *tf, int sig, uintptr_t frame, const struct k_sigaction *act)
{
	tf->rdi = (uint64_t)sig;
	tf->rsi = frame + __builtin_offsetof(struct rt_sigframe, info);
	tf->rdx = frame + __builtin_offsetof(struct rt_sigframe, uc);
	tf->rax = 0;
	tf->rsp = frame;
	tf->rip = act->handler;
	tf->rflags &= ~(uint64_t)RFLAGS_HANDLER_CLEAR;
	tf->cs = SEL_UCODE;
	tf->ss = SEL_UDATA;
	fpu_reset_for_handler(current_proc());   /* the handler starts with Linux's default FPU state */
}

/* 0, or -EFAULT when the frame cannot be written (the caller sends SIGSEGV). */
int setup_rt_frame(struct proc *p, int sig, const struct k_sigaction *act, const struct ksiginfo *info,
		   uint64_t oldmask)
{
	if (!(act->flags & SA_RESTORER) || !is_canonical(act->handler))
		return -EFAULT;   /* x86-64 Linux requires a restorer */
	uintptr_t fx = (frame_top(p, act) - fpu_sigframe_size()) & ~63ul;
	uintptr_t frame = ((fx - sizeof(struct rt_sigframe)) & ~15ul) - 8;
	struct rt_sigframe f;
	memset(&f, 0, sizeof(f));
	f.pretcode = act->restorer;
	f.uc.uc_flags = UC_SIGCONTEXT_SS | UC_STRICT_RESTORE_SS | (fpu_sigframe_xstate() ? UC_FP_XSTATE : 0);
	f.uc.uc_stack = (struct linux_stack){ .ss_sp = p->altstack.ss_sp, .ss_size = p->altstack.ss_size,
					      .ss_flags = p->altstack.ss_flags };
	save_sigcontext(&f.uc.uc_mcontext, p->tf, info, oldmask);
	f.uc.uc_mcontext.fpstate = fx;
	f.uc.uc_sigmask = oldmask;
	fill_siginfo(&f.info, sig, info);
	if (fpu_save_sigframe(p, fx) || copy_to_user(frame, &f, sizeof(f)))
		return -EFAULT;
	if (p->altstack.ss_flags & SS_AUTODISARM)
		p->altstack = (struct linux_stack){ .ss_flags = SS_DISABLE };
	enter_handler(p->tf, sig, frame, act);
	return 0;
}

/* ---- rt_sigreturn(2) ---- */

static int restore_sigcontext(struct trapframe *tf, const struct linux_sigcontext *sc)
{
	if (!is_canonical(sc->rip))
		return -EINVAL;   /* iretq would fault in the kernel */
	if (sc->fpstate && fpu_restore_sigframe(current_proc(), sc->fpstate))
		return -EFAULT;
	tf->r8 = sc->r8, tf->r9 = sc->r9, tf->r10 = sc->r10, tf->r11 = sc->r11;
	tf->r12 = sc->r12, tf->r13 = sc->r13, tf->r14 = sc->r14, tf->r15 = sc->r15;
	tf->rdi = sc->rdi, tf->rsi = sc->rsi, tf->rbp = sc->rbp, tf->rbx = sc->rbx;
	tf->rdx = sc->rdx, tf->rax = sc->rax, tf->rcx = sc->rcx, tf->rsp = sc->rsp;
	tf->rip = sc->rip;
	tf->rflags = (tf->rflags & ~(uint64_t)RFLAGS_USER_CHANGEABLE) | (sc->eflags & RFLAGS_USER_CHANGEABLE);
	tf->cs = SEL_UCODE;
	tf->ss = SEL_UDATA;
	return 0;
}

/* Returns the restored rax, so the dispatcher's store of the "result" puts
 * back the interrupted code's rax. A bad frame is SIGSEGV, as Linux. */
long sys_rt_sigreturn(void)
{
	struct proc *p = current_proc();
	struct trapframe *tf = p->tf;
	struct linux_ucontext uc;
	set_work(p, WORK_FRAME | WORK_SIGPENDING);   /* every register and the mask come back */
	if (copy_from_user(&uc, tf->rsp, sizeof(uc)) || restore_sigcontext(tf, &uc.uc_mcontext)) {
		force_sig(p, SIGSEGV);
		return (long)tf->rax;
	}
	p->sigmask = uc.uc_sigmask & ~((1ull << (SIGKILL - 1)) | (1ull << (SIGSTOP - 1)));
	do_sigaltstack(p, &uc.uc_stack, tf->rsp);   /* errors ignored, as Linux's restore_altstack */
	return (long)tf->rax;
}
