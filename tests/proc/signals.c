/* signals: the default actions Pagoda implements, seen from the parent.
 *
 * kill() and tkill() with SIGKILL, SIGSEGV and SIGABRT terminate the target;
 * the faults that raise SIGSEGV kill only the faulting child and the parent
 * goes on; kill's error cases (bad signal, no such process) and signal 0.
 * Handlers are tested in sighandler.c, sigwait.c and sigfault.c.
 */
#include "testlib.h"

static void kill_children(void)
{
	pid_t pid = spawn_blocked();

	show_rc("kill_sigkill", kill(pid, SIGKILL));
	show_status("kill_sigkill_status", reap(pid));
	pid = spawn_blocked();
	show_rc("kill_sigsegv", kill(pid, SIGSEGV));
	show_status("kill_sigsegv_status", reap(pid));
	pid = spawn_blocked();
	show_rc("kill_sigabrt", kill(pid, SIGABRT));
	show_status("kill_sigabrt_status", reap(pid));
}

static void kill_errors(void)
{
	pid_t pid = spawn_blocked();

	show_rc("kill_sig0_live_child", kill(pid, 0));
	show_rc("kill_bad_signal", kill(pid, 65));
	show_rc("kill_negative_signal", kill(pid, -1));
	kill(pid, SIGKILL);
	reap(pid);
	show_rc("kill_reaped_pid", kill(pid, SIGKILL));
	show_rc("kill_reaped_pid_sig0", kill(pid, 0));
	show_rc("kill_self_sig0", kill(getpid(), 0));
}

static int tkill_self(void *arg)
{
	syscall(SYS_tkill, sys_gettid(), (int)(intptr_t)arg);
	sleep_ms(10000);
	return 0;
}

static void tkill_cases(void)
{
	show_child("tkill_self_sigsegv", tkill_self, (void *)SIGSEGV);
	show_child("tkill_self_sigkill", tkill_self, (void *)SIGKILL);
	show_rc("tkill_bad_tid", syscall(SYS_tkill, -5, SIGKILL));
	show_rc("tkill_zero_tid", syscall(SYS_tkill, 0, SIGKILL));
	show_rc("tkill_bad_signal", syscall(SYS_tkill, sys_gettid(), 99));
	show_rc("tkill_self_sig0", syscall(SYS_tkill, sys_gettid(), 0));
}

static int deref(void *p)
{
	return *(volatile int *)p;
}

static int jump_noncanonical(void *arg)
{
	/* an instruction fetch from a non-canonical address: #GP, not #PF */
	(void)arg;
	((void (*)(void))NONCANON_ADDR)();
	return 0;
}

static void faults_kill_only_the_child(void)
{
	int survivors = 0;

	show_child("segv_null_read", deref, NULL);
	show_child("segv_kernel_read", deref, (void *)KERNEL_ADDR);
	show_child("segv_noncanonical_read", deref, (void *)NONCANON_ADDR);
	show_child("segv_noncanonical_jump", jump_noncanonical, NULL);
	for (int i = 0; i < 10; i++) {
		int st = child_run(deref, (void *)(uintptr_t)(16 + i * 8));
		survivors += WIFSIGNALED(st) && WTERMSIG(st) == SIGSEGV;
	}
	say("segv_ten_children", "%d killed", survivors);
	show_yes("parent_alive_after_child_segv", kill(getpid(), 0) == 0);
}

int main(void)
{
	kill_children();
	kill_errors();
	tkill_cases();
	faults_kill_only_the_child();
	return 0;
}
