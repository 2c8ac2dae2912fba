/*
 * Processes. One kernel thread of control per process (no user threads);
 * one CPU. The kernel runs with interrupts off except in the idle loop, so
 * the process lists need no locks: nothing can interrupt kernel code.
 *
 * States:   RUNNABLE <-> RUNNING -> SLEEPING -> RUNNABLE
 *                              \-> ZOMBIE (exited, until the parent's wait4)
 */
#ifndef PAGODA_PROC_H
#define PAGODA_PROC_H

#include "linux_abi.h"
#include "param.h"
#include "trapframe.h"

struct mm;
struct file;

enum proc_state { PROC_RUNNABLE, PROC_RUNNING, PROC_SLEEPING, PROC_ZOMBIE };

struct proc {
	int pid;
	enum proc_state state;
	char name[16];                 /* the program's base name, for diagnostics */
	char exe[64];                  /* the program's path (readlink /proc/self/exe) */
	struct proc *parent;
	struct proc *children, *sibling;   /* child list (newest first) */
	struct proc *all_next;         /* every live or zombie process */
	struct proc *run_next, *run_prev;  /* run queue links while RUNNABLE */

	struct mm *mm;                 /* NULL only for the idle process */
	uintptr_t kstack_top;
	uint64_t saved_rsp;            /* where switch_to left this process's kernel stack */
	struct trapframe *tf;          /* user registers, at the top of the kernel stack */
	void *fpu;                     /* x87/SSE/AVX save area (kernel/fpu.c); NULL for idle */

	const void *wait_channel;      /* what a SLEEPING process waits for */
	uint64_t wake_tick;            /* nonzero: also wake at this tick */
	int slice;                     /* ticks left before preemption */

	int exit_status;               /* wait4 status word, valid when ZOMBIE */
	int pending_kill;              /* nonzero: terminate with this signal at the next return to user */

	struct file *files[NFILE_PER_PROC];
	uint64_t close_on_exec;        /* bit per fd */
	uint64_t fs_base;              /* thread pointer (arch_prctl ARCH_SET_FS) */
	uint64_t sigmask;
	struct k_sigaction sigactions[NSIG];
	uintptr_t clear_child_tid;

	uint64_t utime_ticks, stime_ticks, minflt;
	uint64_t cutime_ticks, cstime_ticks, cminflt;   /* of reaped children */
	uint64_t start_tick;
};

/* proc.c */
extern struct proc *idle_proc;
struct proc *current_proc(void);
void proc_init(void);                       /* the boot thread becomes the idle process */
struct proc *proc_alloc(const char *name);  /* new process with a kernel stack; NULL on ENOMEM */
void proc_free(struct proc *p);             /* after wait4 reaped it */
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
void sleep_on(const void *channel, uint64_t wake_tick);
void wakeup(const void *channel);
__attribute__((noreturn)) void idle_loop(void);

/* exit.c */
__attribute__((noreturn)) void do_exit(int wait_status);

/* signal.c */
void force_sig(struct proc *p, int sig);    /* default action only: terminate */
void deliver_pending(void);                 /* on the way back to user mode */
const char *signal_name(int sig);

#endif
