/* sighandler: user signal handlers, as Linux runs them.
 *
 * sigaction with and without SA_SIGINFO; the frame a handler sees (siginfo,
 * ucontext registers, the mask in force, the FPU state being fresh) and what
 * a handler may change in it (rip, rax) so the interrupted code resumes
 * exactly; SA_NODEFER, SA_RESETHAND, SA_ONSTACK with sigaltstack (a stack
 * overflow caught on the alternate stack); nested handlers; the mask saved
 * and restored across the handler; tkill/tgkill siginfo; a timer signal
 * that arrives while the program computes (delivered on an interrupt's
 * return path, not a syscall's).
 */
#define _GNU_SOURCE
#include "testlib.h"
#include <fenv.h>
#include <setjmp.h>
#include <ucontext.h>
#include <sys/time.h>

static volatile int hits, depth, max_depth;
static volatile int seen_code, seen_pid, seen_signo, seen_masked, seen_round;
static volatile unsigned long seen_xmm;
static char order[64];
static volatile int order_len;

static void note(char c)
{
	if (order_len < (int)sizeof(order) - 1)
		order[order_len++] = c;
}

static void on_plain(int sig)
{
	(void)sig;
	hits++;
}

static void basic(void)
{
	set_handler(SIGUSR1, on_plain, 0);
	hits = 0;
	show_rc("kill_self_handled", kill(getpid(), SIGUSR1));
	say("handler_ran", "%d", hits);
	show_rc("raise_handled", raise(SIGUSR1));
	say("handler_ran_again", "%d", hits);
	signal(SIGUSR1, SIG_IGN);
	show_rc("kill_ignored", kill(getpid(), SIGUSR1));
	say("ignored_not_run", "%d", hits);
	signal(SIGUSR1, SIG_DFL);
}

static void on_info(int sig, siginfo_t *si, void *ctx)
{
	ucontext_t *uc = ctx;

	seen_signo = sig == si->si_signo;
	seen_code = si->si_code;
	seen_pid = si->si_pid == getpid();
	seen_masked = sigismember(&uc->uc_sigmask, SIGUSR2);
}

static void siginfo_cases(void)
{
	sigset_t set, old;

	set_handler(SIGUSR2, on_info, SA_SIGINFO);
	kill(getpid(), SIGUSR2);
	show_yes("siginfo_signo", seen_signo);
	say("siginfo_code_kill", "%s", seen_code == SI_USER ? "SI_USER" : "other");
	show_yes("siginfo_pid_is_sender", seen_pid);
	show_yes("uc_sigmask_is_old_mask_without_sig", !seen_masked);
	syscall(SYS_tgkill, getpid(), sys_gettid(), SIGUSR2);
	say("siginfo_code_tgkill", "%s", seen_code == SI_TKILL ? "SI_TKILL" : "other");
	show_rc("tgkill_wrong_tgid", syscall(SYS_tgkill, getpid() + 100000, sys_gettid(), SIGUSR2));
	/* blocked: pending until unblocked, then delivered before sigprocmask returns */
	sigemptyset(&set);
	sigaddset(&set, SIGUSR2);
	sigprocmask(SIG_BLOCK, &set, &old);
	seen_signo = 0;
	kill(getpid(), SIGUSR2);
	show_yes("blocked_not_delivered", !seen_signo);
	sigpending(&set);
	show_yes("blocked_is_pending", sigismember(&set, SIGUSR2));
	sigprocmask(SIG_SETMASK, &old, NULL);
	show_yes("unblock_delivers", seen_signo);
	sigpending(&set);
	show_yes("no_longer_pending", !sigismember(&set, SIGUSR2));
	signal(SIGUSR2, SIG_DFL);
}

/* A handler that skips a ud2 and sets rax: the interrupted code resumes
 * with the registers the handler left in uc_mcontext. */
static void on_ill(int sig, siginfo_t *si, void *ctx)
{
	ucontext_t *uc = ctx;

	(void)sig;
	seen_code = si->si_code;
	seen_pid = (uintptr_t)si->si_addr == (uintptr_t)uc->uc_mcontext.gregs[REG_RIP];
	seen_signo = (int)uc->uc_mcontext.gregs[REG_TRAPNO];
	uc->uc_mcontext.gregs[REG_RIP] += 2;
	uc->uc_mcontext.gregs[REG_RAX] = 42;
}

static void resume_cases(void)
{
	long r;

	set_handler(SIGILL, on_ill, SA_SIGINFO);
	__asm__ volatile("mov $5, %%rax\n\tud2" : "=a"(r) : : "memory");
	say("resume_after_ud2_rax", "%ld", r);
	say("sigill_code", "%s", seen_code == ILL_ILLOPN ? "ILL_ILLOPN" : "other");
	show_yes("sigill_addr_is_rip", seen_pid);
	say("sigill_trapno", "%d", seen_signo);
	signal(SIGILL, SIG_DFL);
}

/* The FPU state: the handler starts with the default rounding mode and a
 * zero xmm7 whatever the interrupted code had; its changes do not leak back. */
static void on_fpu(int sig)
{
	unsigned long x;

	(void)sig;
	__asm__ volatile("movq %%xmm7, %0" : "=r"(x));
	seen_xmm = x;
	seen_round = fegetround() == FE_TONEAREST;
	fesetround(FE_DOWNWARD);
	x = 0x1111;
	__asm__ volatile("movq %0, %%xmm7" : : "r"(x) : "xmm7");
}

static void fpu_cases(void)
{
	unsigned long x = 0x5a5a5a5a12345678ul, back;

	set_handler(SIGUSR1, on_fpu, 0);
	fesetround(FE_UPWARD);
	__asm__ volatile("movq %0, %%xmm7" : : "r"(x) : "xmm7");
	syscall(SYS_kill, getpid(), SIGUSR1);
	__asm__ volatile("movq %%xmm7, %0" : "=r"(back));
	show_yes("handler_fpu_starts_clean_xmm", seen_xmm == 0);
	show_yes("handler_fpu_starts_round_nearest", seen_round);
	show_yes("xmm7_restored_after_handler", back == x);
	show_yes("rounding_mode_restored", fegetround() == FE_UPWARD);
	fesetround(FE_TONEAREST);
	signal(SIGUSR1, SIG_DFL);
}

static void on_nested(int sig)
{
	depth++;
	if (depth > max_depth)
		max_depth = depth;
	note(sig == SIGUSR1 ? 'a' : 'b');
	if (sig == SIGUSR1 && hits++ == 0)
		raise(SIGUSR1);   /* again, from inside the handler */
	if (sig == SIGUSR1 && hits == 2)
		raise(SIGUSR2);
	note(sig == SIGUSR1 ? 'A' : 'B');
	depth--;
}

static void nesting_cases(void)
{
	set_handler(SIGUSR1, on_nested, 0);
	set_handler(SIGUSR2, on_nested, 0);
	hits = depth = max_depth = order_len = 0;
	raise(SIGUSR1);
	order[order_len] = 0;
	say("deferred_order", "%s", order);   /* the second USR1 waits; USR2 nests */
	set_handler(SIGUSR1, on_nested, SA_NODEFER);
	hits = depth = max_depth = order_len = 0;
	raise(SIGUSR1);
	order[order_len] = 0;
	say("nodefer_order", "%s", order);
	say("nodefer_max_depth", "%d", max_depth);
	set_handler(SIGUSR1, on_plain, SA_RESETHAND);
	hits = 0;
	raise(SIGUSR1);
	struct sigaction now;
	sigaction(SIGUSR1, NULL, &now);
	show_yes("resethand_ran_once", hits == 1);
	show_yes("resethand_now_default", now.sa_handler == SIG_DFL);
	signal(SIGUSR2, SIG_DFL);
}

/* ---- the alternate signal stack ---- */

static char *alt;
static sigjmp_buf jb;
static volatile int on_alt, alt_flags;

static void on_segv_alt(int sig)
{
	char here;
	stack_t cur;

	(void)sig;
	on_alt = &here >= alt && &here < alt + 65536;
	sigaltstack(NULL, &cur);
	alt_flags = cur.ss_flags;
	siglongjmp(jb, 1);
}

static volatile int stop_recursing;

static int recurse(int n)
{
	volatile char buf[1024];

	buf[0] = (char)n;
	if (stop_recursing)
		return 0;
	return recurse(n + 1) + buf[0];
}

static int overflow_child(void *arg)
{
	stack_t ss = { .ss_sp = alt, .ss_size = 65536 };
	struct sigaction sa = { 0 };

	(void)arg;
	sigaltstack(&ss, NULL);
	sa.sa_handler = on_segv_alt;
	sa.sa_flags = SA_ONSTACK;
	sigaction(SIGSEGV, &sa, NULL);
	if (sigsetjmp(jb, 1) == 0)
		recurse(0);
	return on_alt * 10 + (alt_flags == SS_ONSTACK);
}

static void altstack_cases(void)
{
	stack_t ss = { 0 }, old;

	alt = malloc(65536);
	ss.ss_sp = alt;
	ss.ss_size = 1024;
	show_rc("sigaltstack_too_small", sigaltstack(&ss, NULL));
	ss.ss_size = 65536;
	ss.ss_flags = 7;
	show_rc("sigaltstack_bad_flags", sigaltstack(&ss, NULL));
	ss.ss_flags = 0;
	show_rc("sigaltstack_set", sigaltstack(&ss, &old));
	say("sigaltstack_old_flags", "%s", old.ss_flags == SS_DISABLE ? "SS_DISABLE" : "other");
	sigaltstack(NULL, &old);
	show_yes("sigaltstack_reads_back", old.ss_sp == alt && old.ss_size == 65536 && old.ss_flags == 0);
	ss.ss_flags = SS_DISABLE;
	sigaltstack(&ss, NULL);
	show_status("stack_overflow_caught_on_altstack", child_run(overflow_child, NULL));
}

/* ---- a signal that arrives while the program computes ---- */

static volatile int ticked;

static void on_alarm(int sig)
{
	(void)sig;
	ticked = 1;
}

static void timer_cases(void)
{
	struct itimerval it = { { 0, 0 }, { 0, 20000 } };
	unsigned long spins = 0;

	set_handler(SIGALRM, on_alarm, 0);
	setitimer(ITIMER_REAL, &it, NULL);
	while (!ticked)
		spins++;
	show_yes("itimer_interrupts_busy_loop", ticked && spins > 0);
	signal(SIGALRM, SIG_DFL);
}

int main(void)
{
	basic();
	siginfo_cases();
	resume_cases();
	fpu_cases();
	nesting_cases();
	altstack_cases();
	timer_cases();
	return 0;
}
