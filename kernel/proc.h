/*
 * Tasks (threads) and the processes they make up. A struct proc is one
 * thread of control, Linux's task_struct: its own pid (the tid), kernel
 * stack, registers, signal mask and private pending set. A process is a
 * thread group (kernel/thread_group.c): the threads made by clone with
 * CLONE_THREAD, which share one struct thread_group (tgid, the shared
 * pending set, the group exit) and, through reference-counted pointers,
 * the address space (mm), the open files (files_struct), the current
 * directory (fs_struct) and the signal actions (sighand_struct).
 *
 * Always true: p->tg->leader->pid == p->tgid; only a group leader is on
 * its parent's child list and has p->parent set (other threads have
 * parent NULL: the process's parent is tg->leader->parent); a group leader
 * outlives its threads (a zombie until the last one exits).
 * One CPU; the kernel runs with interrupts off except in the idle loop, so
 * the process lists need no locks: nothing can interrupt kernel code.
 *
 * States:   RUNNABLE <-> RUNNING -> SLEEPING -> RUNNABLE
 *                              \-> STOPPED (a stop signal) -> RUNNABLE (SIGCONT)
 *                              \-> ZOMBIE (exited, until the parent's wait4)
 */
#ifndef PAGODA_PROC_H
#define PAGODA_PROC_H

#include "errno.h"
#include "linux_abi.h"
#include "param.h"
#include "percpu.h"
#include "spinlock.h"
#include "trapframe.h"

struct mm;
struct file;
struct mount;
struct inode;
struct thread_group;

/* The open file table, shared by CLONE_FILES (fs/fdtable.c). */
struct files_struct {
	int count;                     /* tasks using it */
	struct spinlock lock;          /* fd[] and close_on_exec */
	struct file *fd[NFILE_PER_PROC];
	uint64_t close_on_exec;        /* bit per fd */
};

/* The current directory, shared by CLONE_FS (fs/namei.c). */
struct fs_struct {
	int count;                     /* tasks using it */
	struct spinlock lock;          /* cwd_mnt and cwd */
	struct mount *cwd_mnt;         /* the current directory, referenced */
	struct inode *cwd;
	uint32_t umask;                /* the file-creation mask (umask(2)): shared with the cwd, as Linux */
};

/* The signal actions, shared by CLONE_SIGHAND (kernel/sigaction.c). */
struct sighand_struct {
	int count;                     /* tasks using it */
	struct spinlock lock;          /* action[] */
	struct k_sigaction action[NSIG];
};

enum proc_state { PROC_RUNNABLE, PROC_RUNNING, PROC_SLEEPING, PROC_ZOMBIE, PROC_STOPPED };

/* p->jobctl: what the parent's wait has yet to hear (kernel/jobctl.c) */
enum { JOBCTL_STOP_REPORT = 1, JOBCTL_CONT_REPORT = 2 };

/* Why a signal was generated: the kernel's copy of siginfo_t's fields. */
struct ksiginfo {
	int32_t code;       /* si_code: SI_USER, SI_KERNEL, SEGV_MAPERR, CLD_EXITED, ... */
	int32_t pid;        /* sender (kill) or child (SIGCHLD) */
	int32_t status;     /* SIGCHLD: exit code or killing signal */
	uint32_t trapno;    /* faults: the CPU exception vector (sigcontext.trapno) */
	uintptr_t addr;     /* faults: si_addr (and sigcontext.cr2 for #PF) */
	uint64_t err;       /* faults: the CPU's error code (sigcontext.err) */
	uint64_t utime, stime;   /* SIGCHLD: the child's times in clock ticks */
};

struct proc {
	int pid;                       /* the thread id (gettid); the tgid for a group leader */
	int tgid;                      /* the process id (getpid): the group leader's pid */
	struct thread_group *tg;       /* the process this thread belongs to; never NULL after proc_alloc */
	struct proc *thread_next;      /* the group's threads, leader first (kernel/thread_group.c) */
	enum proc_state state;
	char name[TASK_COMM_LEN];      /* the program's base name, for diagnostics */
	char exe[64];                  /* the program's path (readlink /proc/self/exe) */
	struct proc *parent;           /* group leaders only; NULL for other threads */
	struct proc *children, *sibling;   /* child list (newest first), on the group leader */
	struct proc *all_next;         /* every live or zombie process */
	struct proc *run_next, *run_prev;  /* run queue links while RUNNABLE */

	struct mm *mm;                 /* NULL for the idle process and kernel threads */
	void (*kthread_fn)(void *);    /* a kernel thread's function (kernel/kthread.c), else NULL */
	void *kthread_arg;
	uintptr_t kstack_top;
	uint64_t saved_rsp;            /* where switch_to left this process's kernel stack */
	struct trapframe *tf;          /* user registers, at the top of the kernel stack */
	void *fpu;                     /* x87/SSE/AVX save area (kernel/fpu.c); NULL for idle */

	const void *wait_channel;      /* what a SLEEPING process waits for */
	uint64_t wake_tick;            /* nonzero: also wake at this tick */
	int slice;                     /* ticks left before preemption */
	uint64_t cpus_allowed;         /* bit n: may run on cpus[n] (kernel/affinity.c) */

	int exit_status;               /* wait4 status word, valid when ZOMBIE */
	int exit_signal;               /* sent to the parent at exit (clone's CSIGNAL; SIGCHLD for fork) */
	bool autoreap;                 /* parent ignores SIGCHLD: freed at exit, never a zombie to wait for */
	bool did_exec;                 /* setpgid on a child that exec'd is EACCES */
	int pgid, sid;                 /* process group and session (kernel/pgrp.c) */
	int stop_signal;               /* the signal that stopped it (kernel/jobctl.c) */
	int jobctl;                    /* JOBCTL_*_REPORT: a stop or continue not yet waited for */
	bool group_stop_pending;       /* another thread stopped the process: stop too (kernel/jobctl.c) */

	struct files_struct *files;    /* open files, referenced (NULL once exited) */
	struct fs_struct *fs;          /* current directory, referenced (NULL once exited) */
	uint64_t fs_base;              /* thread pointer (arch_prctl ARCH_SET_FS) */
	/* signals: bit sig-1 of each set (kernel/sigpending.c, sigaction.c, sigframe.c) */
	uint64_t sigmask;              /* blocked */
	uint64_t sigpending;           /* sent to this thread, not yet delivered; one instance per signal */
	struct spinlock siglock;       /* sigpending and siginfo (docs/locking.md) */
	uint64_t sigwaiting;           /* rt_sigtimedwait's set: these wake the sleeper even if blocked */
	uint64_t saved_sigmask;        /* rt_sigsuspend's mask to restore, when restore_sigmask */
	bool restore_sigmask;
	uint64_t work;                 /* WORK_* bits for its syscall's way out (kernel/exit_work.h) */
	struct ksiginfo siginfo[NSIG]; /* what generated each pending signal */
	struct sighand_struct *sighand;   /* actions, referenced (shared by CLONE_SIGHAND) */
	struct linux_stack altstack;   /* sigaltstack(2); ss_flags holds only SS_AUTODISARM or SS_DISABLE */
	uint64_t itimer_expires;       /* ITIMER_REAL: timer_ns at which SIGALRM is due, 0 = disarmed */
	uint64_t itimer_interval;      /* ticks to re-arm with, 0 = one shot */
	struct cpu_itimer {            /* ITIMER_VIRTUAL (user time), ITIMER_PROF (user + system) */
		uint64_t left;         /* CPU ticks until it fires, 0 = disarmed */
		uint64_t interval;     /* ticks to re-arm with, 0 = one shot */
	} cpu_itimer[2];
	uintptr_t clear_child_tid;     /* set_tid_address / CLONE_CHILD_CLEARTID word */
	uintptr_t robust_list;         /* set_robust_list's head, 0: none (kernel/robust_list.c) */
	uintptr_t set_child_tid;       /* CLONE_CHILD_SETTID: written when the child first runs */
	bool mm_borrowed;              /* vfork child running in its parent's mm (kernel/fork.c) */
	struct proc *vfork_child;      /* nonzero while this parent waits for it to exec or exit */
	struct proc *vfork_waiter;     /* the thread asleep in vfork until this child gives its mm back */

	/* attributes (kernel/sys_proc.c) */
	struct rlimit rlimits[RLIM_NLIMITS];
	int ngroups;
	uint32_t groups[NGROUPS_PER_PROC];

	uint64_t utime_ticks, stime_ticks, minflt, majflt;   /* majflt: faults that read from swap */
	uint64_t cutime_ticks, cstime_ticks, cminflt, cmajflt;   /* of reaped children */
	uint64_t start_tick;
	char *cmdline;                 /* argv as /proc/PID/cmdline shows it (kmalloc'd at exec) */
	size_t cmdline_len;
};

/* A process: its threads and what they share besides the objects above
 * (kernel/thread_group.c, Linux's signal_struct). */
struct thread_group {
	int count;                     /* struct procs pointing here (live threads and zombies) */
	int nr_threads;                /* threads that have not exited yet */
	struct proc *leader;           /* its pid is the tgid; freed last */
	struct proc *threads;          /* every thread not yet freed, through thread_next */
	struct spinlock lock;          /* shared_pending, shared_info (docs/locking.md) */
	uint64_t shared_pending;       /* sent to the process (kill): any thread not blocking it takes it */
	struct ksiginfo shared_info[NSIG];
	bool group_exit;               /* exit_group or a fatal signal: every thread is on its way out */
	int group_exit_code;           /* the wait status they all exit with */
	struct proc *exec_task;        /* a thread in execve, waiting for the others to go */
	int group_stop;                /* the stop signal while the process is (being) stopped, else 0 */
	int nr_stopped;                /* its threads STOPPED so far (kernel/jobctl.c) */
};

/* proc.c */
extern struct proc *idle_proc;
/* The task this CPU runs: one load through GS (kernel/percpu.h). */
static inline struct proc *current_proc(void)
{
	return (struct proc *)read_gs_qword(__builtin_offsetof(struct percpu, current));
}
void proc_init(void);                       /* the boot thread becomes the idle process */
struct proc *proc_init_idle(int cpu, uintptr_t kstack_top);   /* a secondary CPU's */
static inline bool proc_is_idle(const struct proc *p) { return p->pid == 0; }
/* A new task with a kernel stack, in a new thread group (group NULL) or as
 * one more thread of group's; NULL on ENOMEM. */
struct proc *proc_alloc(const char *name, struct proc *group);
void proc_free(struct proc *p);             /* after wait4 reaped it */
void proc_free_later(struct proc *p);          /* the current, exiting process: freed after the switch */
void proc_free_released(void);              /* after a switch: free the released process */
struct proc *proc_find(int pid);
int proc_count(void);
struct proc *proc_first(void);              /* every process: follow all_next */
void proc_set_name(struct proc *p, const char *path);
/* Make p, whose tf is filled in, start running in user mode when scheduled. */
void proc_start_user(struct proc *p);

/* sched.c */
void sched_make_runnable(struct proc *p);
void schedule(void);                        /* give up the CPU; returns when chosen again */
void sched_yield_current(void);             /* runnable again, behind the others */
void sched_affinity_changed(struct proc *p); /* p->cpus_allowed changed: move p if it must */
uint64_t idle_ticks(void);                  /* ticks the CPU spent idle (/proc/stat, /proc/uptime) */
void sleep_on(const void *channel, uint64_t wake_tick);
void wakeup(const void *channel);
__attribute__((noreturn)) void idle_loop(void);   /* each CPU's, with the kernel lock free */

/* fork.c */
void vfork_done(struct proc *child);        /* the vfork parent may run again */
void mm_release(struct proc *p);            /* exit/exec: robust list, clear_child_tid, then vfork_done */
void exit_robust_list(struct proc *p);      /* mark the lock words p still owns: owner died */

/* futex.c */
long futex_wake(struct mm *mm, uintptr_t uaddr, int n, uint32_t bitset);

/* sys_info.c */
bool fs_base_valid(uintptr_t addr);         /* arch_prctl's and CLONE_SETTLS's EPERM */

/* sys_proc.c */
void proc_attr_init(struct proc *p);        /* init's limits, groups */

/* exit.c */
__attribute__((noreturn)) void do_exit(int wait_status);        /* this thread */
__attribute__((noreturn)) void do_group_exit(int wait_status);  /* every thread of the process */

/* signal.c */
const char *signal_name(int sig);

/* sigpending.c: generation. Standard signals do not queue: a second one while
 * the first is pending is dropped. */
void send_signal(struct proc *p, int sig, const struct ksiginfo *info);   /* to p's process */
void send_signal_thread(struct proc *t, int sig, const struct ksiginfo *info);   /* to thread t */
void flush_signals_group(struct proc *p, uint64_t mask);   /* drop these pending, process and threads */
void force_sig(struct proc *p, int sig);    /* SI_KERNEL; a blocked or ignored one kills (see .c) */
void force_sig_fault(int sig, int code, uintptr_t addr, const struct trapframe *tf);   /* current */
bool signal_pending(const struct proc *p);  /* a pending signal that is not blocked */
bool fatal_signal_pending(const struct proc *p);   /* SIGKILL */
int dequeue_signal(struct proc *p, uint64_t set, struct ksiginfo *info);   /* lowest in set; 0 if none */
void signal_fork(struct proc *child, const struct proc *parent);
void signal_exit_notify(struct proc *p);    /* SIGCHLD (exit_signal) to the parent */

/* sigaction.c: disposition and delivery */
bool sig_ignored(const struct proc *p, int sig);   /* would be discarded at generation */
bool sig_handled(const struct proc *p, int sig);   /* a user handler will run (not blocked) */
uint64_t sig_ignored_set(const struct proc *p);   /* /proc/PID/status SigIgn, SigCgt */
uint64_t sig_caught_set(const struct proc *p);
int signal_exec_reset(struct proc *p);      /* 0 or -ENOMEM (a shared table copied) */
int copy_sighand(struct proc *child, struct proc *parent, bool share);   /* parent NULL: all SIG_DFL */
void sighand_put(struct proc *p);
int ignore_signals(struct proc *p);         /* a kernel thread's actions: all SIG_IGN; 0 or -ENOMEM */
/* An interrupted syscall's result, which must become EINTR or a restart. */
static inline bool is_restart_code(long r)
{
	return r >= -ERESTARTNOHAND && r <= -ERESTARTSYS;
}
/* deliver_pending's slow path: act on every deliverable signal (handler
 * frame, or default action), restart or fail the interrupted syscall, put
 * back a mask that sigsuspend or ppoll replaced. */
void do_signal(struct proc *p, long syscall_nr);
/* On the way back to user mode. syscall_nr >= 0 when returning from that
 * syscall: its -ERESTART* result becomes EINTR or a restart. The test reads
 * the pending set without the signal lock: a signal sent after it is acted
 * on at the next return to user mode (docs/locking.md). */
static inline void deliver_pending(long syscall_nr)
{
	struct proc *p = current_proc();
	uint64_t pending = __atomic_load_n(&p->sigpending, __ATOMIC_RELAXED) |
			   __atomic_load_n(&p->tg->shared_pending, __ATOMIC_RELAXED);   /* the thread's and the process's */
	uint64_t ready = pending & ~p->sigmask;
	if (ready || p->restore_sigmask || p->group_stop_pending || (syscall_nr >= 0 && is_restart_code((long)p->tf->rax)))
		do_signal(p, syscall_nr);
}

/* sigframe.c */
int setup_rt_frame(struct proc *p, int sig, const struct k_sigaction *act, const struct ksiginfo *info,
		   uint64_t oldmask);
void fill_siginfo(struct linux_siginfo *si, int sig, const struct ksiginfo *info);

/* itimer.c */
void itimer_tick(uint64_t now);
void itimer_cpu_tick(struct proc *p, bool user);   /* a tick of CPU time charged to p */

/* jobctl.c: stopping and continuing */
bool sig_is_stop(int sig);                  /* SIGSTOP, SIGTSTP, SIGTTIN, SIGTTOU */
bool sig_stops(const struct proc *p, int sig);   /* delivering it stops p (default action) */
void jobctl_signal_sent(struct proc *p, int sig);   /* SIGCONT continues, stops cancel SIGCONT */
void do_signal_stop(int sig);               /* the current process stops until continued */
int jobctl_wait_status(struct proc *c, int options, bool peek, int *code);

/* pgrp.c */
bool pgrp_is_orphaned(int pgid);            /* no member's parent is in another group of its session */

#endif
