/* sigfault: CPU faults as signals a program can handle.
 *
 * SIGSEGV's siginfo (si_addr, SEGV_MAPERR for no mapping, SEGV_ACCERR for a
 * protection violation) and the sigcontext fields a handler reads (trapno,
 * err, cr2); the handler fixing the fault with mprotect so the access is
 * retried; SIGFPE (FPE_INTDIV), SIGTRAP from int3; and the rule that a fault
 * signal cannot be ignored or blocked: it kills instead of faulting forever,
 * and so does a second fault inside the handler.
 */
#define _GNU_SOURCE
#include "testlib.h"
#include <setjmp.h>
#include <ucontext.h>

static volatile uintptr_t seen_addr;
static volatile long seen_code, seen_trapno, seen_err, seen_cr2;
static char *fixme;
static volatile int *volatile null_ptr;   /* volatile: the compiler must emit the access */
static sigjmp_buf jb;

static void record(siginfo_t *si, void *ctx)
{
	ucontext_t *uc = ctx;

	seen_addr = (uintptr_t)si->si_addr;
	seen_code = si->si_code;
	seen_trapno = uc->uc_mcontext.gregs[REG_TRAPNO];
	seen_err = uc->uc_mcontext.gregs[REG_ERR];
	seen_cr2 = uc->uc_mcontext.gregs[REG_CR2];
}

static void on_segv_fix(int sig, siginfo_t *si, void *ctx)
{
	(void)sig;
	record(si, ctx);
	mprotect(fixme, PAGE, PROT_READ | PROT_WRITE);
}

static void on_segv_jump(int sig, siginfo_t *si, void *ctx)
{
	(void)sig;
	record(si, ctx);
	siglongjmp(jb, 1);
}

static const char *code_name(long c)
{
	switch (c) {
	case SEGV_MAPERR: return "SEGV_MAPERR";   /* also FPE_INTDIV, BUS_ADRALN, TRAP_BRKPT */
	case SEGV_ACCERR: return "SEGV_ACCERR";
	case SI_KERNEL: return "SI_KERNEL";
	default: return "other";
	}
}

static void segv_cases(void)
{
	fixme = map_anon(PAGE, PROT_NONE);
	set_handler(SIGSEGV, on_segv_fix, SA_SIGINFO);
	fixme[10] = 7;   /* faults once; the handler makes it writable; retried */
	show_yes("accerr_write_retried", fixme[10] == 7);
	say("accerr_code", "%s", code_name(seen_code));
	show_yes("accerr_addr", seen_addr == (uintptr_t)fixme + 10);
	say("accerr_trapno", "%ld", seen_trapno);
	say("accerr_err", "%ld", seen_err);
	show_yes("accerr_cr2", seen_cr2 == (long)fixme + 10);

	char *hole = unmapped_page();
	set_handler(SIGSEGV, on_segv_jump, SA_SIGINFO);
	if (sigsetjmp(jb, 1) == 0)
		(void)*(volatile char *)(hole + 5);
	say("maperr_code", "%s", code_name(seen_code));
	show_yes("maperr_addr", seen_addr == (uintptr_t)hole + 5);
	say("maperr_err_read", "%ld", seen_err);
	if (sigsetjmp(jb, 1) == 0)
		*(volatile char *)(hole + 6) = 1;
	say("maperr_err_write", "%ld", seen_err);
	char *ro = map_anon(PAGE, PROT_READ);
	if (sigsetjmp(jb, 1) == 0)
		*(volatile char *)ro = 1;
	say("accerr_readonly_code", "%s", code_name(seen_code));
	say("accerr_readonly_err", "%ld", seen_err);
	signal(SIGSEGV, SIG_DFL);
}

static int divide(int a, int b)
{
	int q;

	__asm__ volatile("cltd\n\tidivl %2" : "=a"(q) : "a"(a), "r"(b) : "edx");
	return q;
}

static void other_faults(void)
{
	set_handler(SIGFPE, on_segv_jump, SA_SIGINFO);
	if (sigsetjmp(jb, 1) == 0)
		divide(1, 0);
	say("sigfpe_code", "%s", seen_code == FPE_INTDIV ? "FPE_INTDIV" : "other");
	say("sigfpe_trapno", "%ld", seen_trapno);
	set_handler(SIGTRAP, on_segv_jump, SA_SIGINFO);
	if (sigsetjmp(jb, 1) == 0)
		__asm__ volatile("int3");
	say("sigtrap_int3_code", "%s", code_name(seen_code));
	say("sigtrap_trapno", "%ld", seen_trapno);
	signal(SIGFPE, SIG_DFL);
	signal(SIGTRAP, SIG_DFL);
}

/* ---- faults that must kill ---- */

static int segv_ignored(void *arg)
{
	(void)arg;
	signal(SIGSEGV, SIG_IGN);
	return *null_ptr;
}

static int segv_blocked(void *arg)
{
	sigset_t set;

	(void)arg;
	sigemptyset(&set);
	sigaddset(&set, SIGSEGV);
	sigprocmask(SIG_BLOCK, &set, NULL);
	return *null_ptr;
}

static void on_segv_faults_again(int sig)
{
	(void)sig;
	null_ptr[2] = 0;   /* SIGSEGV is blocked in its own handler */
}

static int segv_in_handler(void *arg)
{
	(void)arg;
	signal(SIGSEGV, on_segv_faults_again);
	return *null_ptr;
}

static int fpe_ignored(void *arg)
{
	(void)arg;
	signal(SIGFPE, SIG_IGN);
	return divide(1, 0);
}

static int handler_returns_to_fault(void *arg)
{
	(void)arg;
	set_handler(SIGSEGV, on_segv_fix, SA_SIGINFO);   /* fixes nothing: fixme is not this page */
	fixme = map_anon(PAGE, PROT_NONE);
	static volatile int n;
	signal(SIGSEGV, SIG_DFL);
	return *(volatile int *)(fixme + 0) + n;
}

static int no_restorer(void *arg)
{
	(void)arg;
	struct { void *h; unsigned long flags; void *restorer; unsigned long mask; } ka = { (void *)1234, 0, 0, 0 };
	ka.h = (void *)handler_returns_to_fault;
	syscall(SYS_rt_sigaction, SIGUSR1, &ka, NULL, 8);
	raise(SIGUSR1);
	return 0;
}

static void fatal_cases(void)
{
	show_child("segv_ignored_kills", segv_ignored, NULL);
	show_child("segv_blocked_kills", segv_blocked, NULL);
	show_child("segv_in_handler_kills", segv_in_handler, NULL);
	show_child("fpe_ignored_kills", fpe_ignored, NULL);
	show_child("default_after_handler_reset", handler_returns_to_fault, NULL);
	show_child("handler_without_restorer", no_restorer, NULL);
}

int main(void)
{
	segv_cases();
	other_faults();
	fatal_cases();
	return 0;
}
