/*
 * syscall_exit_work: the slow path of a system call's end, taken only when
 * a bit of kernel/exit_work.h's words is set (or the kernel lock was taken
 * on entry). The bits and what is always true of them: exit_work.h.
 */
#include "exit_work.h"
#include "kernel_lock.h"
#include "linux_abi.h"
#include "timer.h"
#include "../fs/vfs.h"
#include "../mm/kswapd.h"

/* Set at boot: the first syscall's end sets the watermarks (mm/kswapd.c). */
uint64_t global_work = WORK_RECLAIM;

static void do_global_work(uint64_t bits)
{
	if (bits & WORK_SYNC)
		sync_tick(timer_ticks());   /* the periodic write-back, in a process that may sleep */
	if (bits & WORK_RECLAIM)
		wakeup_kswapd();            /* kswapd reclaims, or this process under min (mm/kswapd.c) */
}

void signal_work(struct proc *p, long syscall_nr)
{
	deliver_pending(syscall_nr);
	if (signal_pending(p) || p->restore_sigmask)
		set_work(p, WORK_SIGPENDING);   /* still to act on: the next return does */
}

uint64_t syscall_exit_work(struct trapframe *tf, bool taken)
{
	struct proc *p = current_proc();
	uint64_t nr = tf->error;   /* the syscall's number (syscall_entry.asm) */
	__atomic_exchange_n(&p->work, 0, __ATOMIC_SEQ_CST);
	do_global_work(__atomic_exchange_n(&global_work, 0, __ATOMIC_SEQ_CST));
	signal_work(p, nr == __NR_rt_sigreturn ? -1 : (long)nr);   /* sigreturn's rax is the user's */
	kernel_lock_leave(taken);
	return 1;
}
