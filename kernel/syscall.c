/*
 * System calls: the `syscall` instruction (set up here through the STAR,
 * LSTAR and FMASK MSRs) enters kernel/syscall_entry.asm, which calls
 * syscall_dispatch with the saved registers. Linux x86-64 convention:
 * number in RAX; arguments in RDI, RSI, RDX, R10, R8, R9; result in RAX,
 * -errno on failure.
 */
#include "debug.h"
#include "errno.h"
#include "gdt.h"
#include "linux_abi.h"
#include "panic.h"
#include "printk.h"
#include "proc.h"
#include "x86.h"
#include "../mm/mm.h"

typedef long (*syscall_fn)(uint64_t, uint64_t, uint64_t, uint64_t, uint64_t, uint64_t);

/* Handlers, each in the file of its subsystem. */
long sys_read(), sys_write(), sys_open(), sys_close(), sys_stat(), sys_fstat(), sys_lseek(), sys_mmap(),
	sys_mprotect(), sys_munmap(), sys_brk(), sys_rt_sigaction(), sys_rt_sigprocmask(), sys_ioctl(),
	sys_readv(), sys_writev(), sys_access(), sys_sched_yield(), sys_madvise(), sys_dup(), sys_dup2(),
	sys_nanosleep(), sys_getpid(), sys_clone(), sys_fork(), sys_vfork(), sys_execve(), sys_exit(),
	sys_wait4(), sys_kill(), sys_uname(), sys_fcntl(), sys_getcwd(), sys_umask(), sys_gettimeofday(),
	sys_getrlimit(), sys_getrusage(), sys_sysinfo(), sys_getuid(), sys_getppid(), sys_getpgrp(),
	sys_arch_prctl(), sys_gettid(), sys_tkill(), sys_time(), sys_getdents64(), sys_set_tid_address(),
	sys_clock_gettime(), sys_clock_getres(), sys_clock_nanosleep(), sys_exit_group(), sys_tgkill(),
	sys_openat(), sys_newfstatat(), sys_faccessat(), sys_prlimit64(), sys_getrandom(), sys_readlink(),
	sys_readlinkat(), sys_set_robust_list();

/* Accepted and ignored: Pagoda has one user (root) and no process groups. */
static long sys_ignored(uint64_t a, uint64_t b, uint64_t c, uint64_t d, uint64_t e, uint64_t f)
{
	(void)a, (void)b, (void)c, (void)d, (void)e, (void)f;
	return 0;
}

static const syscall_fn table[NR_SYSCALLS] = {
	[__NR_read] = (syscall_fn)sys_read,
	[__NR_write] = (syscall_fn)sys_write,
	[__NR_open] = (syscall_fn)sys_open,
	[__NR_close] = (syscall_fn)sys_close,
	[__NR_stat] = (syscall_fn)sys_stat,
	[__NR_fstat] = (syscall_fn)sys_fstat,
	[__NR_lstat] = (syscall_fn)sys_stat,
	[__NR_lseek] = (syscall_fn)sys_lseek,
	[__NR_mmap] = (syscall_fn)sys_mmap,
	[__NR_mprotect] = (syscall_fn)sys_mprotect,
	[__NR_munmap] = (syscall_fn)sys_munmap,
	[__NR_brk] = (syscall_fn)sys_brk,
	[__NR_rt_sigaction] = (syscall_fn)sys_rt_sigaction,
	[__NR_rt_sigprocmask] = (syscall_fn)sys_rt_sigprocmask,
	[__NR_ioctl] = (syscall_fn)sys_ioctl,
	[__NR_readv] = (syscall_fn)sys_readv,
	[__NR_writev] = (syscall_fn)sys_writev,
	[__NR_access] = (syscall_fn)sys_access,
	[__NR_sched_yield] = (syscall_fn)sys_sched_yield,
	[__NR_madvise] = (syscall_fn)sys_madvise,
	[__NR_dup] = (syscall_fn)sys_dup,
	[__NR_dup2] = (syscall_fn)sys_dup2,
	[__NR_nanosleep] = (syscall_fn)sys_nanosleep,
	[__NR_getpid] = (syscall_fn)sys_getpid,
	[__NR_clone] = (syscall_fn)sys_clone,
	[__NR_fork] = (syscall_fn)sys_fork,
	[__NR_vfork] = (syscall_fn)sys_vfork,
	[__NR_execve] = (syscall_fn)sys_execve,
	[__NR_exit] = (syscall_fn)sys_exit,
	[__NR_wait4] = (syscall_fn)sys_wait4,
	[__NR_kill] = (syscall_fn)sys_kill,
	[__NR_uname] = (syscall_fn)sys_uname,
	[__NR_fcntl] = (syscall_fn)sys_fcntl,
	[__NR_getcwd] = (syscall_fn)sys_getcwd,
	[__NR_umask] = (syscall_fn)sys_umask,
	[__NR_gettimeofday] = (syscall_fn)sys_gettimeofday,
	[__NR_getrlimit] = (syscall_fn)sys_getrlimit,
	[__NR_getrusage] = (syscall_fn)sys_getrusage,
	[__NR_sysinfo] = (syscall_fn)sys_sysinfo,
	[__NR_getuid] = (syscall_fn)sys_getuid,
	[__NR_getgid] = (syscall_fn)sys_getuid,
	[__NR_geteuid] = (syscall_fn)sys_getuid,
	[__NR_getegid] = (syscall_fn)sys_getuid,
	[__NR_setuid] = (syscall_fn)sys_ignored,
	[__NR_setgid] = (syscall_fn)sys_ignored,
	[__NR_setpgid] = (syscall_fn)sys_ignored,
	[__NR_getppid] = (syscall_fn)sys_getppid,
	[__NR_getpgrp] = (syscall_fn)sys_getpgrp,
	[__NR_getpgid] = (syscall_fn)sys_getpgrp,
	[__NR_getsid] = (syscall_fn)sys_getpgrp,
	[__NR_setsid] = (syscall_fn)sys_getpid,
	[__NR_arch_prctl] = (syscall_fn)sys_arch_prctl,
	[__NR_gettid] = (syscall_fn)sys_gettid,
	[__NR_tkill] = (syscall_fn)sys_tkill,
	[__NR_time] = (syscall_fn)sys_time,
	[__NR_getdents64] = (syscall_fn)sys_getdents64,
	[__NR_set_tid_address] = (syscall_fn)sys_set_tid_address,
	[__NR_clock_gettime] = (syscall_fn)sys_clock_gettime,
	[__NR_clock_getres] = (syscall_fn)sys_clock_getres,
	[__NR_clock_nanosleep] = (syscall_fn)sys_clock_nanosleep,
	[__NR_exit_group] = (syscall_fn)sys_exit_group,
	[__NR_tgkill] = (syscall_fn)sys_tgkill,
	[__NR_openat] = (syscall_fn)sys_openat,
	[__NR_newfstatat] = (syscall_fn)sys_newfstatat,
	[__NR_faccessat] = (syscall_fn)sys_faccessat,
	[__NR_prlimit64] = (syscall_fn)sys_prlimit64,
	[__NR_getrandom] = (syscall_fn)sys_getrandom,
	[__NR_readlink] = (syscall_fn)sys_readlink,
	[__NR_readlinkat] = (syscall_fn)sys_readlinkat,
	[__NR_set_robust_list] = (syscall_fn)sys_set_robust_list,
};

int syscall_count(void)
{
	int n = 0;
	for (int i = 0; i < NR_SYSCALLS; i++)
		n += table[i] != NULL;
	return n;
}

static uint64_t enosys_logged[NR_SYSCALLS / 64];

static long enosys(uint64_t nr)
{
	if (nr < NR_SYSCALLS && !(enosys_logged[nr / 64] >> (nr % 64) & 1)) {
		enosys_logged[nr / 64] |= 1ull << (nr % 64);
		struct proc *p = current_proc();
		printk("pagoda: pid %d (%s): syscall %lu not implemented (ENOSYS)\n", p->pid, p->name, nr);
	}
	return -ENOSYS;
}

void syscall_dispatch(struct trapframe *tf)
{
	uint64_t nr = tf->rax;
	syscall_fn fn = nr < NR_SYSCALLS ? table[nr] : NULL;
	tf->rax = fn ? (uint64_t)fn(tf->rdi, tf->rsi, tf->rdx, tf->r10, tf->r8, tf->r9) : (uint64_t)enosys(nr);
	struct proc *p = current_proc();
	if (debug_vm && p->mm && !vma_check(p->mm))
		panic("vma_check failed after syscall %lu", nr);
	deliver_pending();
}

void syscall_init(void)
{
	extern char syscall_entry[];
	wrmsr(MSR_EFER, rdmsr(MSR_EFER) | EFER_SCE);
	wrmsr(MSR_STAR, ((uint64_t)SEL_UCODE32 << 48) | ((uint64_t)SEL_KCODE << 32));
	wrmsr(MSR_LSTAR, (uintptr_t)syscall_entry);
	/* Cleared on entry: IF (the kernel runs with interrupts off), TF, DF, AC
	 * (so SMAP is on for the kernel), NT and IOPL. */
	wrmsr(MSR_FMASK, 0x200 | 0x100 | 0x400 | 0x40000 | 0x4000 | 0x3000);
}
