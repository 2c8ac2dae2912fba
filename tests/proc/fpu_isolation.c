/* fpu_isolation: each process has its own x87/SSE registers.
 *
 * Two children keep distinct values in all 16 XMM registers, MXCSR and the
 * x87 control word (FCW) while the other runs: inside one assembly window
 * each loads its values, gives up the CPU (it is preempted while it spins
 * until the other has entered a window, or it calls sched_yield, or it
 * sleeps), then stores the registers back, and C compares them. Then each
 * loads a "secret" into every register and execs itself: the new program
 * must start with Linux's clean state (MXCSR 0x1f80, FCW 0x37f, no secret in
 * any XMM register), and keeps new values across more switches. A raw fork
 * gives the child the parent's registers.
 *
 * Regression (issue 19): Pagoda shared one set of FPU registers among all
 * processes, so B read A's values after a switch and the secret survived exec.
 */
#include <stdint.h>
#include <sys/syscall.h>
#include "testlib.h"

struct fpregs {
	uint8_t xmm[16][16];
	uint32_t mxcsr;
	uint16_t fcw;
} __attribute__((aligned(16)));

enum wait_kind { WAIT_PREEMPT, WAIT_YIELD, WAIT_SLEEP, WAIT_SPIN };
enum { N_PREEMPT = 10, N_YIELD = 60, N_SLEEP = 10, N_SPIN = 4 };
enum { BAD_XMM = 1, BAD_MXCSR = 2, BAD_FCW = 4, BAD_EXEC_CONTROL = 8, BAD_EXEC_SECRET = 16,
       BAD_AFTER_EXEC = 32, BAD_EXEC_FAILED = 64 };

/* Shared by the two children: windows entered, and "no more preempt windows". */
struct shared {
	volatile long entered[2];
	volatile int done[2];
};

#define LOAD_REGS \
	"movdqu 0(%[in]), %%xmm0\n\t" \
	"movdqu 16(%[in]), %%xmm1\n\t" \
	"movdqu 32(%[in]), %%xmm2\n\t" \
	"movdqu 48(%[in]), %%xmm3\n\t" \
	"movdqu 64(%[in]), %%xmm4\n\t" \
	"movdqu 80(%[in]), %%xmm5\n\t" \
	"movdqu 96(%[in]), %%xmm6\n\t" \
	"movdqu 112(%[in]), %%xmm7\n\t" \
	"movdqu 128(%[in]), %%xmm8\n\t" \
	"movdqu 144(%[in]), %%xmm9\n\t" \
	"movdqu 160(%[in]), %%xmm10\n\t" \
	"movdqu 176(%[in]), %%xmm11\n\t" \
	"movdqu 192(%[in]), %%xmm12\n\t" \
	"movdqu 208(%[in]), %%xmm13\n\t" \
	"movdqu 224(%[in]), %%xmm14\n\t" \
	"movdqu 240(%[in]), %%xmm15\n\t" \
	"ldmxcsr 256(%[in])\n\t" \
	"fldcw 260(%[in])\n\t"
#define STORE_REGS \
	"movdqu %%xmm0, 0(%[out])\n\t" \
	"movdqu %%xmm1, 16(%[out])\n\t" \
	"movdqu %%xmm2, 32(%[out])\n\t" \
	"movdqu %%xmm3, 48(%[out])\n\t" \
	"movdqu %%xmm4, 64(%[out])\n\t" \
	"movdqu %%xmm5, 80(%[out])\n\t" \
	"movdqu %%xmm6, 96(%[out])\n\t" \
	"movdqu %%xmm7, 112(%[out])\n\t" \
	"movdqu %%xmm8, 128(%[out])\n\t" \
	"movdqu %%xmm9, 144(%[out])\n\t" \
	"movdqu %%xmm10, 160(%[out])\n\t" \
	"movdqu %%xmm11, 176(%[out])\n\t" \
	"movdqu %%xmm12, 192(%[out])\n\t" \
	"movdqu %%xmm13, 208(%[out])\n\t" \
	"movdqu %%xmm14, 224(%[out])\n\t" \
	"movdqu %%xmm15, 240(%[out])\n\t" \
	"stmxcsr 256(%[out])\n\t" \
	"fnstcw 260(%[out])\n\t"

/* Load in, wait as `kind` says, store the registers into out. Nothing
 * between the load and the store is compiled C. */
static void window(const struct fpregs *in, struct fpregs *out, long kind, long *mine, const long *other,
		   const int *other_done)
{
	static const struct timespec ms = { 0, 1000000 };

	__asm__ volatile(LOAD_REGS
			 "cmp $1, %[kind]\n\t"
			 "je 3f\n\t"
			 "cmp $2, %[kind]\n\t"
			 "je 4f\n\t"
			 "cmp $3, %[kind]\n\t"
			 "je 5f\n\t"
			 "lock incq (%[mine])\n\t"        /* preempt: spin until the other enters a window */
			 "mov (%[other]), %%rax\n"
			 "1:\n\t"
			 "pause\n\t"
			 "cmp (%[other]), %%rax\n\t"
			 "jne 9f\n\t"
			 "cmpl $0, (%[done])\n\t"
			 "je 1b\n\t"
			 "jmp 9f\n"
			 "3:\n\t"
			 "mov $24, %%eax\n\t"               /* sched_yield */
			 "syscall\n\t"
			 "jmp 9f\n"
			 "4:\n\t"
			 "mov $35, %%eax\n\t"               /* nanosleep(1 ms) */
			 "mov %[ts], %%rdi\n\t"
			 "xor %%esi, %%esi\n\t"
			 "syscall\n\t"
			 "jmp 9f\n"
			 "5:\n\t"
			 "mov $3000000, %%ecx\n"            /* a plain spin */
			 "6:\n\t"
			 "dec %%rcx\n\t"
			 "jnz 6b\n"
			 "9:\n\t"
			 STORE_REGS
			 :
			 : [in] "r"(in), [out] "r"(out), [kind] "r"(kind), [mine] "r"(mine), [other] "r"(other),
			   [done] "r"(other_done), [ts] "r"(&ms)
			 : "rax", "rcx", "rdx", "rdi", "rsi", "r11", "memory", "cc");
}

static uint64_t rng;

static uint64_t next_random(void)
{
	rng ^= rng << 13;
	rng ^= rng >> 7;
	rng ^= rng << 17;
	return rng;
}

/* Distinct values per (role, phase); control words keep every exception
 * masked but change rounding and precision, so each role's differ from the
 * defaults and from each other. */
static void make_values(struct fpregs *r, int role, int phase)
{
	static const uint32_t mxcsr[2][3] = { { 0x3f80, 0x5f80, 0x7f80 }, { 0x9f80, 0xbf80, 0xdf80 } };
	static const uint16_t fcw[2][3] = { { 0x077f, 0x0b7f, 0x0f7f }, { 0x027f, 0x067f, 0x0e7f } };

	rng = 0x9e3779b97f4a7c15ull * (uint64_t)(role * 3 + phase + 1);
	for (int i = 0; i < 16; i++)
		for (int k = 0; k < 16; k += 8) {
			uint64_t v = next_random();
			memcpy(&r->xmm[i][k], &v, 8);
		}
	r->mxcsr = mxcsr[role][phase];
	r->fcw = fcw[role][phase];
}

static int compare(const struct fpregs *want, const struct fpregs *got)
{
	int bad = 0;

	if (memcmp(want->xmm, got->xmm, sizeof(want->xmm)))
		bad |= BAD_XMM;
	if (want->mxcsr != got->mxcsr)
		bad |= BAD_MXCSR;
	if (want->fcw != got->fcw)
		bad |= BAD_FCW;
	return bad;
}

static int windows(const struct fpregs *in, long kind, int n, struct shared *sh, int role)
{
	static long dummy_mine, dummy_other;
	static int dummy_done = 1;
	long *mine = sh ? (long *)&sh->entered[role] : &dummy_mine;
	const long *other = sh ? (const long *)&sh->entered[!role] : &dummy_other;
	const int *done = sh ? (const int *)&sh->done[!role] : &dummy_done;
	struct fpregs out;
	int bad = 0;

	for (int i = 0; i < n; i++) {
		memset(&out, 0, sizeof(out));
		window(in, &out, kind, mine, other, done);
		bad |= compare(in, &out);
	}
	return bad;
}

static void exec_with_secret(const char *self, int role, int bad)
{
	char role_s[4], bad_s[8];
	struct fpregs secret;

	snprintf(role_s, sizeof(role_s), "%d", role);
	snprintf(bad_s, sizeof(bad_s), "%d", bad);
	char *argv[] = { (char *)self, "--after-exec", role_s, bad_s, NULL };
	char *envp[] = { NULL };
	make_values(&secret, role, 2);
	register long rdi __asm__("rdi") = (long)self;
	register long rsi __asm__("rsi") = (long)argv;
	register long rdx __asm__("rdx") = (long)envp;
	__asm__ volatile(LOAD_REGS
			 "mov $59, %%eax\n\t"
			 "syscall\n\t"
			 :
			 : [in] "r"(&secret), "r"(rdi), "r"(rsi), "r"(rdx)
			 : "rax", "rcx", "r11", "memory", "cc");
	_exit(bad | BAD_EXEC_FAILED);
}

static int child(const char *self, struct shared *sh, int role)
{
	struct fpregs in;
	int bad;

	make_values(&in, role, 0);
	bad = windows(&in, WAIT_PREEMPT, N_PREEMPT, sh, role);
	sh->done[role] = 1;
	bad |= windows(&in, WAIT_YIELD, N_YIELD, NULL, role);
	bad |= windows(&in, WAIT_SLEEP, N_SLEEP, NULL, role);
	exec_with_secret(self, role, bad);
	return 0;
}

/* The program after exec: first its registers as exec left them. */
static int after_exec(int role, int bad)
{
	struct fpregs now, secret, in;

	__asm__ volatile(STORE_REGS : : [out] "r"(&now) : "memory");
	make_values(&secret, role, 2);
	if (now.mxcsr != 0x1f80 || now.fcw != 0x37f)
		bad |= BAD_EXEC_CONTROL;
	for (int i = 0; i < 16; i++)
		for (int k = 0; k < 16; k++)
			if (!memcmp(now.xmm[i], secret.xmm[k], 16))
				bad |= BAD_EXEC_SECRET;
	make_values(&in, role, 1);
	int later = windows(&in, WAIT_YIELD, N_YIELD, NULL, role) | windows(&in, WAIT_SLEEP, N_SLEEP, NULL, role) |
		    windows(&in, WAIT_SPIN, N_SPIN, NULL, role);
	return bad | (later ? BAD_AFTER_EXEC : 0);
}

static void show_role(const char *who, int st)
{
	char name[64];
	int bad = WIFEXITED(st) ? WEXITSTATUS(st) : -1;

	if (bad < 0) {
		snprintf(name, sizeof(name), "%s_status", who);
		show_status(name, st);
		return;
	}
	static const struct { int bit; const char *what; } cases[] = {
		{ BAD_XMM, "xmm0_15_kept_across_switches" },
		{ BAD_MXCSR, "mxcsr_kept_across_switches" },
		{ BAD_FCW, "x87_control_word_kept_across_switches" },
		{ BAD_EXEC_CONTROL, "exec_starts_with_default_mxcsr_fcw" },
		{ BAD_EXEC_SECRET, "exec_leaves_no_secret_in_xmm" },
		{ BAD_AFTER_EXEC, "values_kept_after_exec" },
		{ BAD_EXEC_FAILED, "exec_succeeded" },
	};
	for (size_t i = 0; i < ARRAY_SIZE(cases); i++) {
		snprintf(name, sizeof(name), "%s_%s", who, cases[i].what);
		show_yes(name, !(bad & cases[i].bit));
	}
}

/* fork from inside one window: the child's registers right after the
 * syscall must be the parent's. */
static void fork_copies_state(void)
{
	struct fpregs in, out, clean;
	long ret;

	make_values(&in, 0, 1);
	fflush(stdout);
	__asm__ volatile("stmxcsr 256(%[out])\n\tfnstcw 260(%[out])" : : [out] "r"(&clean) : "memory");
	register long rax __asm__("rax");
	__asm__ volatile(LOAD_REGS
			 "mov $57, %%eax\n\t"
			 "syscall\n\t"
			 STORE_REGS
			 : "=a"(rax)
			 : [in] "r"(&in), [out] "r"(&out)
			 : "rcx", "r11", "memory", "cc");
	ret = rax;
	if (ret == 0)
		_exit(compare(&in, &out));
	__asm__ volatile("ldmxcsr 256(%[in])\n\tfldcw 260(%[in])" : : [in] "r"(&clean) : "memory");
	if (ret < 0)
		setup_fail("fork");
	show_yes("parent_keeps_its_registers_over_fork", compare(&in, &out) == 0);
	int st = reap(ret);
	show_yes("fork_child_starts_with_parent_registers", WIFEXITED(st) && WEXITSTATUS(st) == 0);
}

int main(int argc, char **argv)
{
	if (argc == 4 && !strcmp(argv[1], "--after-exec"))
		return after_exec(atoi(argv[2]), atoi(argv[3]));
	const char *self = self_exe(argv[0]);
	struct shared *sh = (struct shared *)map_shared(PAGE);
	pid_t pid[2];

	for (int role = 0; role < 2; role++) {
		pid[role] = fork_flushed();
		if (pid[role] == 0)
			_exit(child(self, sh, role));
	}
	show_role("a", reap(pid[0]));
	show_role("b", reap(pid[1]));
	fork_copies_state();
	return 0;
}
