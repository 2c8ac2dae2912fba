/* sigcalls: rt_sigaction and rt_sigprocmask as bookkeeping. Pagoda stores
 * dispositions and masks and only ever takes default actions, so this test
 * installs no handler that could run: it stores values, reads them back, and
 * checks the argument errors, inheritance by fork and the execve rules
 * (handlers reset to SIG_DFL, SIG_IGN and the mask kept).
 * Raw syscalls: the kernel's struct sigaction has an 8-byte mask.
 */
#include "testlib.h"

struct ksigaction {
	void (*handler)(int);
	unsigned long flags;
	void (*restorer)(void);
	unsigned long mask;
};

enum { KSA_RESTART = 0x10000000, KSA_RESTORER = 0x04000000 };

static unsigned long bit(int sig)
{
	return 1ul << (sig - 1);
}

static long sigaction_raw(int sig, const struct ksigaction *act,
			  struct ksigaction *old, size_t size)
{
	return syscall(SYS_rt_sigaction, sig, act, old, size);
}

static long sigmask_raw(int how, const unsigned long *set, unsigned long *old,
			size_t size)
{
	return syscall(SYS_rt_sigprocmask, how, set, old, size);
}

static void never_called(int sig)
{
	(void)sig;
}

static void action_cases(void)
{
	struct ksigaction old, act = { SIG_IGN, KSA_RESTART, NULL, bit(SIGUSR2) };

	show_rc("query_sigsegv", sigaction_raw(SIGSEGV, NULL, &old, 8));
	show_yes("sigsegv_default", old.handler == SIG_DFL);
	show_rc("set_sigusr1_ignore", sigaction_raw(SIGUSR1, &act, NULL, 8));
	sigaction_raw(SIGUSR1, NULL, &old, 8);
	show_yes("ignore_stored", old.handler == SIG_IGN);
	show_yes("flags_stored", (old.flags & KSA_RESTART) != 0);
	show_yes("mask_stored", old.mask == bit(SIGUSR2));
	act = (struct ksigaction){ never_called, KSA_RESTORER, NULL, 0 };
	show_rc("set_sigusr2_handler", sigaction_raw(SIGUSR2, &act, NULL, 8));
	sigaction_raw(SIGUSR2, NULL, &old, 8);
	show_yes("handler_stored", old.handler == never_called);
	act.handler = SIG_DFL;
	show_rc("set_sigkill", sigaction_raw(SIGKILL, &act, NULL, 8));
	show_rc("set_sigstop", sigaction_raw(SIGSTOP, &act, NULL, 8));
	show_rc("query_sigkill", sigaction_raw(SIGKILL, NULL, &old, 8));
	show_rc("signal_0", sigaction_raw(0, NULL, &old, 8));
	show_rc("signal_65", sigaction_raw(65, NULL, &old, 8));
	show_rc("sigsetsize_4", sigaction_raw(SIGUSR1, NULL, &old, 4));
	show_rc("act_kernel_ptr", sigaction_raw(SIGUSR1, (void *)KERNEL_ADDR, NULL, 8));
	show_rc("oldact_kernel_ptr", sigaction_raw(SIGUSR1, NULL, (void *)KERNEL_ADDR, 8));
}

static void mask_cases(void)
{
	unsigned long set = bit(SIGUSR1), old = 0;

	show_rc("block_sigusr1", sigmask_raw(SIG_BLOCK, &set, NULL, 8));
	sigmask_raw(SIG_BLOCK, NULL, &old, 8);
	show_yes("sigusr1_blocked", (old & bit(SIGUSR1)) != 0);
	set = bit(SIGUSR1);
	show_rc("unblock_sigusr1", sigmask_raw(SIG_UNBLOCK, &set, &old, 8));
	sigmask_raw(SIG_BLOCK, NULL, &old, 8);
	show_yes("sigusr1_unblocked", (old & bit(SIGUSR1)) == 0);
	set = bit(SIGKILL) | bit(SIGSTOP) | bit(SIGUSR2);
	show_rc("setmask_with_kill_stop", sigmask_raw(SIG_SETMASK, &set, NULL, 8));
	sigmask_raw(SIG_BLOCK, NULL, &old, 8);
	show_yes("kill_stop_never_blocked", old == bit(SIGUSR2));
	show_rc("bad_how", sigmask_raw(7, &set, NULL, 8));
	show_rc("bad_how_null_set", sigmask_raw(7, NULL, &old, 8));
	show_rc("mask_sigsetsize_16", sigmask_raw(SIG_BLOCK, &set, NULL, 16));
	show_rc("mask_set_kernel_ptr", sigmask_raw(SIG_BLOCK, (void *)KERNEL_ADDR, NULL, 8));
	show_rc("mask_old_kernel_ptr", sigmask_raw(SIG_BLOCK, NULL, (void *)KERNEL_ADDR, 8));
}

/* check_inherited: SIGUSR2 blocked, SIGUSR1 ignored; for exec, SIGUSR2's
 * handler must be back to SIG_DFL, otherwise still never_called. */
static int check_inherited(int after_exec)
{
	struct ksigaction usr1, usr2;
	unsigned long mask = 0;

	sigmask_raw(SIG_BLOCK, NULL, &mask, 8);
	sigaction_raw(SIGUSR1, NULL, &usr1, 8);
	sigaction_raw(SIGUSR2, NULL, &usr2, 8);
	if (mask != bit(SIGUSR2))
		return 1;
	if (usr1.handler != SIG_IGN)
		return 2;
	if (after_exec ? usr2.handler != SIG_DFL : usr2.handler != never_called)
		return 3;
	return 0;
}

static int child_check(void *arg)
{
	(void)arg;
	return check_inherited(0);
}

static void inheritance(const char *self)
{
	char *argv[] = { (char *)self, "--after-exec", NULL };
	pid_t pid;

	show_child("fork_inherits_actions_and_mask", child_check, NULL);
	pid = fork_flushed();
	if (pid == 0) {
		execve(self, argv, NULL);
		_exit(99);
	}
	show_status("exec_resets_handlers_keeps_ignore_and_mask", reap(pid));
}

int main(int argc, char **argv)
{
	if (argc > 1)
		return check_inherited(1);
	action_cases();
	mask_cases();
	inheritance(self_exe(argv[0]));
	return 0;
}
