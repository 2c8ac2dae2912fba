/* syscall_exit: what a system call gives back to user mode, on each of the
 * kernel's ways out (kernel/syscall_entry.asm: the fast sysret when no work
 * is pending, the checked return after signal delivery, a restart or
 * rt_sigreturn). The x86-64 ABI: every register but rax, rcx and r11 keeps
 * its value; rcx holds the address after `syscall`, r11 the flags (IF set).
 * A signal that becomes deliverable inside a syscall (kill of oneself,
 * unblocking a pending one, a thread's tgkill while the caller loops in
 * getpid) runs its handler before the caller's next instruction; a handler
 * that changes the saved r12 changes the caller's r12; a read interrupted by
 * a handler restarts with SA_RESTART and fails with EINTR without. Nothing
 * here depends on time: the loops wait for an event that must come.
 */
#define _GNU_SOURCE
#include <pthread.h>
#include <sys/time.h>
#include <ucontext.h>
#include <unistd.h>
#include "testlib.h"

struct regs {
	unsigned long rax, rbx, rbp, rdi, rsi, rdx, r8, r9, r10, r11, r12, r13, r14, r15, rcx, after_syscall;
};

/* probe(nr, a1, a2, a3, a4, out): the syscall with the other registers set
 * to patterns, every register stored into *out right after it. */
long probe(long nr, long a1, long a2, long a3, long a4, struct regs *out);
__asm__(
	".text\n"
	".globl probe\n"
	"probe:\n"
	"	pushq %rbx\n	pushq %rbp\n	pushq %r12\n	pushq %r13\n	pushq %r14\n	pushq %r15\n"
	"	pushq %r9\n"
	"	movq %rdi, %rax\n	movq %rsi, %rdi\n	movq %rdx, %rsi\n	movq %rcx, %rdx\n	movq %r8, %r10\n"
	"	movabsq $0x0808080808080808, %r8\n	movabsq $0x0909090909090909, %r9\n"
	"	movabsq $0x0b0b0b0b0b0b0b0b, %rbx\n	movabsq $0x0c0c0c0c0c0c0c0c, %rbp\n"
	"	movabsq $0x1212121212121212, %r12\n	movabsq $0x1313131313131313, %r13\n"
	"	movabsq $0x1414141414141414, %r14\n	movabsq $0x1515151515151515, %r15\n"
	"	syscall\n"
	"1:	xchgq %rcx, (%rsp)\n"
	"	movq %rax, 0(%rcx)\n	movq %rbx, 8(%rcx)\n	movq %rbp, 16(%rcx)\n	movq %rdi, 24(%rcx)\n"
	"	movq %rsi, 32(%rcx)\n	movq %rdx, 40(%rcx)\n	movq %r8, 48(%rcx)\n	movq %r9, 56(%rcx)\n"
	"	movq %r10, 64(%rcx)\n	movq %r11, 72(%rcx)\n	movq %r12, 80(%rcx)\n	movq %r13, 88(%rcx)\n"
	"	movq %r14, 96(%rcx)\n	movq %r15, 104(%rcx)\n"
	"	popq %rax\n	movq %rax, 112(%rcx)\n"
	"	leaq 1b(%rip), %rax\n	movq %rax, 120(%rcx)\n"
	"	movq 0(%rcx), %rax\n"
	"	popq %r15\n	popq %r14\n	popq %r13\n	popq %r12\n	popq %rbp\n	popq %rbx\n"
	"	ret\n");

#define PAT(b) (0x0101010101010101ul * (b))

/* Every register the ABI keeps, kept; rcx and r11 as sysret leaves them.
 * r12_want: what r12 must hold (a handler may have changed it). */
static int kept(const struct regs *r, long a1, long a2, long a3, long a4, unsigned long r12_want)
{
	return r->rdi == (unsigned long)a1 && r->rsi == (unsigned long)a2 && r->rdx == (unsigned long)a3 &&
	       r->r10 == (unsigned long)a4 && r->r8 == PAT(8) && r->r9 == PAT(9) && r->rbx == PAT(0xb) &&
	       r->rbp == PAT(0xc) && r->r12 == r12_want && r->r13 == PAT(0x13) && r->r14 == PAT(0x14) &&
	       r->r15 == PAT(0x15) && r->rcx == r->after_syscall && (r->r11 & 0x202) == 0x202;
}

static void show_probe(const char *name, long nr, long a1, long a2, long a3, long a4)
{
	struct regs r;
	long rc = probe(nr, a1, a2, a3, a4, &r);
	say(name, "%s %s", rc < 0 && rc > -4096 ? "error" : rc == 0 ? "0" : "nonzero",
	    kept(&r, a1, a2, a3, a4, PAT(0x12)) ? "registers kept" : "registers changed");
}

static volatile sig_atomic_t handled;
static volatile unsigned long new_r12;   /* nonzero: the handler puts it in the saved r12 */
static int pipe_w;

static void on_signal(int sig, siginfo_t *si, void *ucv)
{
	(void)sig, (void)si;
	ucontext_t *uc = ucv;
	handled++;
	if (new_r12)
		uc->uc_mcontext.gregs[REG_R12] = (long long)new_r12;
	if (pipe_w)
		(void)write(pipe_w, "x", 1);
}

static void catch(int sig, int flags)
{
	struct sigaction sa = { .sa_sigaction = on_signal, .sa_flags = SA_SIGINFO | flags };
	sigemptyset(&sa.sa_mask);
	if (sigaction(sig, &sa, NULL))
		setup_fail("sigaction");
}

static void plain_calls(void)
{
	umask(022);
	show_probe("getpid", SYS_getpid, 1, 2, 3, 4);
	show_probe("gettid", SYS_gettid, -1, 0, 0, 0);
	show_probe("close_bad_fd", SYS_close, -1, 2, 3, 4);
	show_probe("no_such_syscall", 511, 1, 2, 3, 4);
	show_probe("umask", SYS_umask, 022, 0, 0, 0);
	show_probe("umask_back", SYS_umask, 022, 0, 0, 0);
}

/* The handler runs on the way out of the very syscall that made the signal
 * deliverable: `handled` is set when probe returns. */
static void delivered_on_return(void)
{
	struct regs r;
	catch(SIGUSR1, 0);
	handled = 0;
	long rc = probe(SYS_kill, getpid(), SIGUSR1, 0, 0, &r);
	say("kill_self", "%ld handled=%d %s", rc, handled, kept(&r, getpid(), SIGUSR1, 0, 0, PAT(0x12)) ? "registers kept" : "registers changed");

	handled = 0;
	long tid = syscall(SYS_gettid);
	rc = probe(SYS_tkill, tid, SIGUSR1, 0, 0, &r);
	say("tkill_self", "%ld handled=%d %s", rc, handled, kept(&r, tid, SIGUSR1, 0, 0, PAT(0x12)) ? "registers kept" : "registers changed");

	sigset_t set;
	sigemptyset(&set);
	sigaddset(&set, SIGUSR1);
	sigprocmask(SIG_BLOCK, &set, NULL);
	handled = 0;
	raise(SIGUSR1);
	say("blocked_waits", "handled=%d", handled);
	rc = probe(SYS_rt_sigprocmask, SIG_UNBLOCK, (long)&set, 0, 8, &r);
	say("unblock_delivers", "%ld handled=%d %s", rc, handled,
	    kept(&r, SIG_UNBLOCK, (long)&set, 0, 8, PAT(0x12)) ? "registers kept" : "registers changed");

	handled = 0;
	new_r12 = 0x4242424242424242ul;
	rc = probe(SYS_kill, getpid(), SIGUSR1, 0, 0, &r);
	say("handler_sets_r12", "%ld handled=%d %s", rc, handled,
	    kept(&r, getpid(), SIGUSR1, 0, 0, 0x4242424242424242ul) ? "r12 changed, the rest kept" : "wrong registers");
	new_r12 = 0;
}

static volatile int ready;
static pid_t main_tid;

static void *sender(void *arg)
{
	(void)arg;
	while (!ready)
		sched_yield();
	syscall(SYS_tgkill, getpid(), main_tid, SIGUSR2);
	return NULL;
}

/* Another thread's signal reaches a thread that only makes fast syscalls. */
static void from_another_thread(void)
{
	struct regs r;
	pthread_t t;
	catch(SIGUSR2, 0);
	handled = 0;
	main_tid = (pid_t)syscall(SYS_gettid);
	if (pthread_create(&t, NULL, sender, NULL))
		setup_fail("pthread_create");
	ready = 1;
	int all_kept = 1;
	while (!handled) {
		probe(SYS_getpid, 1, 2, 3, 4, &r);
		all_kept &= kept(&r, 1, 2, 3, 4, PAT(0x12));
	}
	pthread_join(t, NULL);
	say("thread_signal_delivered", "handled=%d %s", handled, all_kept ? "registers kept" : "registers changed");
}

/* A read interrupted by a handler: restarted (SA_RESTART: the handler's
 * byte is read) or EINTR. The interval timer is the interrupting event. */
static void interrupted_read(int flags, const char *name)
{
	struct regs r;
	int p[2];
	char buf[4] = { 0 };
	if (pipe(p))
		setup_fail("pipe");
	catch(SIGALRM, flags);
	handled = 0;
	pipe_w = p[1];
	struct itimerval it = { .it_value = { .tv_usec = 20000 } };
	setitimer(ITIMER_REAL, &it, NULL);
	long rc = probe(SYS_read, p[0], (long)buf, 1, 0, &r);
	pipe_w = 0;
	say(name, "%s handled=%d %s", rc == 1 ? "1 byte" : rc == -EINTR ? "-EINTR" : "other", handled,
	    kept(&r, p[0], (long)buf, 1, 0, PAT(0x12)) ? "registers kept" : "registers changed");
	close(p[0]);
	close(p[1]);
}

int main(void)
{
	plain_calls();
	delivered_on_return();
	from_another_thread();
	interrupted_read(SA_RESTART, "read_restarted");
	interrupted_read(0, "read_eintr");
	return 0;
}
