/*
 * System calls: the `syscall` instruction (set up here through the STAR,
 * LSTAR and FMASK MSRs) enters kernel/syscall_entry.asm, which calls
 * syscall_dispatch with the saved registers. Linux x86-64 convention:
 * number in RAX; arguments in RDI, RSI, RDX, R10, R8, R9; result in RAX,
 * -errno on failure.
 */
#include "kernel_lock.h"
#include "debug.h"
#include "errno.h"
#include "exit_work.h"
#include "gdt.h"
#include "linux_abi.h"
#include "panic.h"
#include "printk.h"
#include "proc.h"
#include "syscalls.h"
#include "timer.h"
#include "x86.h"
#include "../mm/kswapd.h"
#include "../mm/mm.h"
#include "../fs/vfs.h"

/* How every handler is called: six 64-bit register arguments. */
typedef long (*syscall_fn)(uint64_t, uint64_t, uint64_t, uint64_t, uint64_t, uint64_t);
/* How the table holds them: each handler keeps its own prototype
 * (kernel/syscalls.h), so the table erases the type and dispatch restores
 * the register-level one. This is sound on x86-64: every argument travels
 * in its own register, and a handler with fewer or narrower parameters reads
 * only what it declares. (gcc treats void (*)(void) as the neutral function
 * type for such casts.) */
typedef void (*syscall_ptr)(void);

/* Accepted and ignored: Pagoda has one user (root). */
static long sys_ignored(uint64_t a, uint64_t b, uint64_t c, uint64_t d, uint64_t e, uint64_t f)
{
	(void)a, (void)b, (void)c, (void)d, (void)e, (void)f;
	return 0;
}

static uint64_t enosys_logged[NR_SYSCALLS / 64];

/* Every number without a handler: ENOSYS, logged once per number. */
static long sys_ni_syscall(void)
{
	struct proc *p = current_proc();
	uint64_t nr = p->tf->error;   /* the syscall's number (syscall_entry.asm) */
	if (nr < NR_SYSCALLS && !(enosys_logged[nr / 64] >> (nr % 64) & 1)) {
		enosys_logged[nr / 64] |= 1ull << (nr % 64);
		printk("pagoda: pid %d (%s): syscall %lu not implemented (ENOSYS)\n", p->pid, p->name, nr);
	}
	return -ENOSYS;
}

/* Every entry is a handler (sys_ni_syscall by default), so dispatch tests
 * only the number's range. The default is overridden by each handler below:
 * gcc warns of that (-Woverride-init), which is the point here. */
#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Woverride-init"
static const syscall_ptr table[NR_SYSCALLS] = {
	[0 ... NR_SYSCALLS - 1] = (syscall_ptr)sys_ni_syscall,
	[__NR_read] = (syscall_ptr)sys_read,
	[__NR_write] = (syscall_ptr)sys_write,
	[__NR_open] = (syscall_ptr)sys_open,
	[__NR_close] = (syscall_ptr)sys_close,
	[__NR_poll] = (syscall_ptr)sys_poll,
	[__NR_stat] = (syscall_ptr)sys_stat,
	[__NR_fstat] = (syscall_ptr)sys_fstat,
	[__NR_lstat] = (syscall_ptr)sys_lstat,
	[__NR_lseek] = (syscall_ptr)sys_lseek,
	[__NR_mmap] = (syscall_ptr)sys_mmap,
	[__NR_mprotect] = (syscall_ptr)sys_mprotect,
	[__NR_munmap] = (syscall_ptr)sys_munmap,
	[__NR_brk] = (syscall_ptr)sys_brk,
	[__NR_rt_sigaction] = (syscall_ptr)sys_rt_sigaction,
	[__NR_rt_sigprocmask] = (syscall_ptr)sys_rt_sigprocmask,
	[__NR_rt_sigreturn] = (syscall_ptr)sys_rt_sigreturn,
	[__NR_ioctl] = (syscall_ptr)sys_ioctl,
	[__NR_readv] = (syscall_ptr)sys_readv,
	[__NR_writev] = (syscall_ptr)sys_writev,
	[__NR_access] = (syscall_ptr)sys_access,
	[__NR_pipe] = (syscall_ptr)sys_pipe,
	[__NR_sched_yield] = (syscall_ptr)sys_sched_yield,
	[__NR_madvise] = (syscall_ptr)sys_madvise,
	[__NR_mremap] = (syscall_ptr)sys_mremap,
	[__NR_mincore] = (syscall_ptr)sys_mincore,
	[__NR_mlock] = (syscall_ptr)sys_mlock,
	[__NR_mlock2] = (syscall_ptr)sys_mlock2,
	[__NR_munlock] = (syscall_ptr)sys_munlock,
	[__NR_mlockall] = (syscall_ptr)sys_mlockall,
	[__NR_munlockall] = (syscall_ptr)sys_munlockall,
	[__NR_swapon] = (syscall_ptr)sys_swapon,
	[__NR_swapoff] = (syscall_ptr)sys_swapoff,
	[__NR_dup] = (syscall_ptr)sys_dup,
	[__NR_dup2] = (syscall_ptr)sys_dup2,
	[__NR_pause] = (syscall_ptr)sys_pause,
	[__NR_nanosleep] = (syscall_ptr)sys_nanosleep,
	[__NR_getitimer] = (syscall_ptr)sys_getitimer,
	[__NR_alarm] = (syscall_ptr)sys_alarm,
	[__NR_setitimer] = (syscall_ptr)sys_setitimer,
	[__NR_getpid] = (syscall_ptr)sys_getpid,
	[__NR_clone] = (syscall_ptr)sys_clone,
	[__NR_fork] = (syscall_ptr)sys_fork,
	[__NR_vfork] = (syscall_ptr)sys_vfork,
	[__NR_execve] = (syscall_ptr)sys_execve,
	[__NR_exit] = (syscall_ptr)sys_exit,
	[__NR_wait4] = (syscall_ptr)sys_wait4,
	[__NR_kill] = (syscall_ptr)sys_kill,
	[__NR_uname] = (syscall_ptr)sys_uname,
	[__NR_fcntl] = (syscall_ptr)sys_fcntl,
	[__NR_getcwd] = (syscall_ptr)sys_getcwd,
	[__NR_umask] = (syscall_ptr)sys_umask,
	[__NR_gettimeofday] = (syscall_ptr)sys_gettimeofday,
	[__NR_getrlimit] = (syscall_ptr)sys_getrlimit,
	[__NR_getrusage] = (syscall_ptr)sys_getrusage,
	[__NR_sysinfo] = (syscall_ptr)sys_sysinfo,
	[__NR_times] = (syscall_ptr)sys_times,
	[__NR_getuid] = (syscall_ptr)sys_getuid,
	[__NR_getgid] = (syscall_ptr)sys_getuid,
	[__NR_geteuid] = (syscall_ptr)sys_getuid,
	[__NR_getegid] = (syscall_ptr)sys_getuid,
	[__NR_setuid] = (syscall_ptr)sys_ignored,
	[__NR_setgid] = (syscall_ptr)sys_ignored,
	[__NR_setpgid] = (syscall_ptr)sys_setpgid,
	[__NR_getppid] = (syscall_ptr)sys_getppid,
	[__NR_getpgrp] = (syscall_ptr)sys_getpgrp,
	[__NR_getpgid] = (syscall_ptr)sys_getpgid,
	[__NR_getsid] = (syscall_ptr)sys_getsid,
	[__NR_getgroups] = (syscall_ptr)sys_getgroups,
	[__NR_setgroups] = (syscall_ptr)sys_setgroups,
	[__NR_rt_sigpending] = (syscall_ptr)sys_rt_sigpending,
	[__NR_rt_sigtimedwait] = (syscall_ptr)sys_rt_sigtimedwait,
	[__NR_rt_sigsuspend] = (syscall_ptr)sys_rt_sigsuspend,
	[__NR_sigaltstack] = (syscall_ptr)sys_sigaltstack,
	[__NR_setsid] = (syscall_ptr)sys_setsid,
	[__NR_arch_prctl] = (syscall_ptr)sys_arch_prctl,
	[__NR_prctl] = (syscall_ptr)sys_prctl,
	[__NR_setrlimit] = (syscall_ptr)sys_setrlimit,
	[__NR_gettid] = (syscall_ptr)sys_gettid,
	[__NR_tkill] = (syscall_ptr)sys_tkill,
	[__NR_time] = (syscall_ptr)sys_time,
	[__NR_futex] = (syscall_ptr)sys_futex,
	[__NR_sched_setaffinity] = (syscall_ptr)sys_sched_setaffinity,
	[__NR_sched_getaffinity] = (syscall_ptr)sys_sched_getaffinity,
	[__NR_getcpu] = (syscall_ptr)sys_getcpu,
	[__NR_getdents64] = (syscall_ptr)sys_getdents64,
	[__NR_set_tid_address] = (syscall_ptr)sys_set_tid_address,
	[__NR_clock_gettime] = (syscall_ptr)sys_clock_gettime,
	[__NR_clock_getres] = (syscall_ptr)sys_clock_getres,
	[__NR_clock_nanosleep] = (syscall_ptr)sys_clock_nanosleep,
	[__NR_exit_group] = (syscall_ptr)sys_exit_group,
	[__NR_tgkill] = (syscall_ptr)sys_tgkill,
	[__NR_openat] = (syscall_ptr)sys_openat,
	[__NR_newfstatat] = (syscall_ptr)sys_newfstatat,
	[__NR_faccessat] = (syscall_ptr)sys_faccessat,
	[__NR_prlimit64] = (syscall_ptr)sys_prlimit64,
	[__NR_getrandom] = (syscall_ptr)sys_getrandom,
	[__NR_readlink] = (syscall_ptr)sys_readlink,
	[__NR_readlinkat] = (syscall_ptr)sys_readlinkat,
	[__NR_ppoll] = (syscall_ptr)sys_ppoll,
	[__NR_dup3] = (syscall_ptr)sys_dup3,
	[__NR_pipe2] = (syscall_ptr)sys_pipe2,
	[__NR_set_robust_list] = (syscall_ptr)sys_set_robust_list,
	[__NR_get_robust_list] = (syscall_ptr)sys_get_robust_list,
	[__NR_clone3] = (syscall_ptr)sys_clone3,
	/* the file system (fs/) */
	[__NR_pread64] = (syscall_ptr)sys_pread64,
	[__NR_pwrite64] = (syscall_ptr)sys_pwrite64,
	[__NR_msync] = (syscall_ptr)sys_msync,
	[__NR_fsync] = (syscall_ptr)sys_fsync,
	[__NR_fdatasync] = (syscall_ptr)sys_fdatasync,
	[__NR_truncate] = (syscall_ptr)sys_truncate,
	[__NR_ftruncate] = (syscall_ptr)sys_ftruncate,
	[__NR_chdir] = (syscall_ptr)sys_chdir,
	[__NR_fchdir] = (syscall_ptr)sys_fchdir,
	[__NR_rename] = (syscall_ptr)sys_rename,
	[__NR_mkdir] = (syscall_ptr)sys_mkdir,
	[__NR_rmdir] = (syscall_ptr)sys_rmdir,
	[__NR_creat] = (syscall_ptr)sys_creat,
	[__NR_unlink] = (syscall_ptr)sys_unlink,
	[__NR_statfs] = (syscall_ptr)sys_statfs,
	[__NR_fstatfs] = (syscall_ptr)sys_fstatfs,
	[__NR_sync] = (syscall_ptr)sys_sync,
	[__NR_mkdirat] = (syscall_ptr)sys_mkdirat,
	[__NR_unlinkat] = (syscall_ptr)sys_unlinkat,
	[__NR_renameat] = (syscall_ptr)sys_renameat,
	[__NR_syncfs] = (syscall_ptr)sys_syncfs,
	[__NR_renameat2] = (syscall_ptr)sys_renameat2,
	/* links, symlinks and nodes (fs/link.c) */
	[__NR_link] = (syscall_ptr)sys_link,
	[__NR_linkat] = (syscall_ptr)sys_linkat,
	[__NR_mknod] = (syscall_ptr)sys_mknod,
	[__NR_mknodat] = (syscall_ptr)sys_mknodat,
	[__NR_symlink] = (syscall_ptr)sys_symlink,
	[__NR_symlinkat] = (syscall_ptr)sys_symlinkat,
	/* job control: waitid (kernel/exit.c) */
	[__NR_waitid] = (syscall_ptr)sys_waitid,
};
#pragma GCC diagnostic pop

int syscall_count(void)
{
	int n = 0;
	for (int i = 0; i < NR_SYSCALLS; i++)
		n += table[i] != (syscall_ptr)sys_ni_syscall;
	return n;
}

static void check_vm(const struct trapframe *tf)
{
	struct proc *p = current_proc();
	if (p->mm && !vma_check(p->mm))
		panic("vma_check failed after syscall %lu", tf->error);
}

/* The handler for number nr (sys_ni_syscall outside the table). */
static inline syscall_fn handler(uint64_t nr)
{
	syscall_fn fn = (syscall_fn)(syscall_ptr)sys_ni_syscall;
	if (__builtin_expect(nr < NR_SYSCALLS, 1))
		fn = (syscall_fn)table[nr];
	return fn;
}

/* Read only what the calling thread alone changes (its tgid, its pid: a
 * thread's pid changes only in its own execve), so with several CPUs they
 * run without the kernel lock (docs/locking.md). */
static bool lock_free(uint64_t nr)
{
	return nr == __NR_getpid || nr == __NR_gettid;
}

/* With several CPUs: the handler under the kernel lock (unless lock_free),
 * the arguments from the frame; the lock is released before the return,
 * which reads only this thread's own frame. */
static __attribute__((noinline)) uint64_t syscall_dispatch_smp(struct trapframe *tf)
{
	bool locked = !lock_free(tf->rax);
	bool taken = locked && kernel_lock_enter();
	tf->rax = (uint64_t)handler(tf->rax)(tf->rdi, tf->rsi, tf->rdx, tf->r10, tf->r8, tf->r9);
	if (debug_vm && locked)
		check_vm(tf);
	if (exit_work_pending(current_proc()))
		return syscall_exit_work(tf, taken || kernel_lock_enter());
	kernel_lock_leave(taken);
	return 0;
}

/* Called by syscall_entry.asm with the syscall's six arguments where the C
 * convention wants them (only r10 moved to rcx), the frame saved at p->tf.
 * Returns 0 when the fast return (sysret, the frame as syscall_entry saved
 * it but rax) is right: no work bit was set (kernel/exit_work.h); anything
 * else leaves through the checked return. With one CPU for good the kernel
 * lock is kept (kernel/kernel_lock.h) and this is the whole path. debug_vm's check stays
 * its own test, so that test boots (always debug_vm) take the fast return
 * too. */
uint64_t syscall_dispatch(uint64_t a1, uint64_t a2, uint64_t a3, uint64_t a4, uint64_t a5, uint64_t a6)
{
	struct proc *p = current_proc();
	struct trapframe *tf = p->tf;
	if (__builtin_expect(!kernel_lock_kept, 0))
		return syscall_dispatch_smp(tf);
	tf->rax = (uint64_t)handler(tf->rax)(a1, a2, a3, a4, a5, a6);
	if (debug_vm)
		check_vm(tf);
	uint64_t work = exit_work_pending(p);
	return work ? syscall_exit_work(tf, false) : 0;
}

void syscall_init(void)
{
	extern char syscall_entry[];
	wrmsr(MSR_EFER, rdmsr(MSR_EFER) | EFER_SCE);
	wrmsr(MSR_STAR, ((uint64_t)SEL_UCODE32 << 48) | ((uint64_t)SEL_KCODE << 32));
	wrmsr(MSR_LSTAR, (uintptr_t)syscall_entry);
	/* Cleared on entry: IF (the kernel runs with interrupts off), TF, DF, AC
	 * (so SMAP is on for the kernel), NT and IOPL. */
	wrmsr(MSR_FMASK, RFLAGS_IF | RFLAGS_TF | RFLAGS_DF | RFLAGS_AC | RFLAGS_NT | RFLAGS_IOPL);
}
