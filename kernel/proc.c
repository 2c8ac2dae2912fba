/*
 * Process creation and lookup. Processes are kmalloc'd (no fixed table) and
 * kept on one list, all_procs; pids count up from 1 and are not reused.
 *
 * A new process's kernel stack is prepared so that the first switch_to into
 * it "returns" into proc_first_entry, which leaves through trap_return with
 * the registers in p->tf: that is how fork's child and init start in ring 3.
 *
 *   kstack_top -> +------------------+
 *                 | struct trapframe |  <- p->tf (user registers)
 *                 +------------------+
 *                 | proc_first_entry |  return address for switch_to's ret
 *                 | rbp rbx r12..r15 |  zeros, popped by switch_to
 *   saved_rsp --> +------------------+
 */
#include "proc.h"
#include "fpu.h"
#include "gdt.h"
#include "panic.h"
#include "percpu.h"
#include "printk.h"
#include "string.h"
#include "thread_group.h"
#include "timer.h"
#include "../fs/vfs.h"
#include "../mm/kheap.h"
#include "../mm/kstack.h"
#include "../mm/mm.h"

struct proc *idle_proc;
static struct proc *all_procs;
static int next_pid = 1;
static int nprocs;

void proc_init(void)
{
	static struct proc idle;
	extern char boot_stack_top[];
	idle.pid = 0;
	idle.state = PROC_RUNNING;
	strlcpy(idle.name, "idle", sizeof(idle.name));
	idle.kstack_top = (uintptr_t)boot_stack_top;
	idle_proc = &idle;
	this_cpu()->current = &idle;
	this_cpu()->idle = &idle;
	this_cpu()->kstack_top = idle.kstack_top;
}

/* A secondary CPU's idle process: pid 0 like the boot thread, on no list
 * (ps never shows the idle processes), running on the stack given. */
struct proc *proc_init_idle(int cpu, uintptr_t kstack_top)
{
	static struct proc idles[MAX_CPUS];
	struct proc *p = &idles[cpu];
	p->state = PROC_RUNNING;
	snprintf(p->name, sizeof(p->name), "idle/%d", cpu);
	p->kstack_top = kstack_top;
	return p;
}

void proc_set_name(struct proc *p, const char *path)
{
	const char *base = path;
	for (const char *s = path; *s; s++)
		if (*s == '/' && s[1])
			base = s + 1;
	strlcpy(p->name, base, sizeof(p->name));
}

struct proc *proc_alloc(const char *name, struct proc *group)
{
	if (nprocs >= NPROC_MAX)
		return NULL;
	struct proc *p = kzalloc(sizeof(*p));
	if (!p)
		return NULL;
	p->kstack_top = kstack_alloc();
	if (!p->kstack_top || fpu_alloc(p)) {
		if (p->kstack_top)
			kstack_free(p->kstack_top);
		kfree(p);
		return NULL;
	}
	p->pid = next_pid++;
	if (group)
		tg_add_thread(p, group);
	else if (tg_create(p)) {
		kstack_free(p->kstack_top);
		fpu_free(p);
		kfree(p);
		return NULL;
	}
	spin_lock_init(&p->siglock, "siglock");
	p->pgid = p->sid = p->pid;   /* init's; fork copies the parent's */
	p->exit_signal = SIGCHLD;
	proc_attr_init(p);   /* fork overwrites them with the parent's */
	p->cpus_allowed = ~0ull;   /* every CPU; fork copies the parent's */
	p->state = PROC_SLEEPING;   /* not runnable until proc_start_user */
	p->start_tick = timer_ticks();
	proc_set_name(p, name);
	p->tf = (struct trapframe *)(p->kstack_top - sizeof(struct trapframe));
	p->all_next = all_procs;
	all_procs = p;
	nprocs++;
	return p;
}

void proc_start_user(struct proc *p)
{
	extern char proc_first_entry[];
	uint64_t *sp = (uint64_t *)p->tf;
	*--sp = (uintptr_t)proc_first_entry;
	for (int i = 0; i < 6; i++)
		*--sp = 0;
	p->saved_rsp = (uintptr_t)sp;
	sched_make_runnable(p);
}

void proc_free(struct proc *p)
{
	struct proc **pp = &all_procs;
	while (*pp != p)
		pp = &(*pp)->all_next;
	*pp = p->all_next;
	nprocs--;
	files_put(p);   /* held still only when clone failed half-way */
	fs_put(p);
	mm_put(p->mm);
	sighand_put(p);
	tg_release(p);
	kstack_free(p->kstack_top);
	fpu_free(p);
	kfree(p->cmdline);
	kfree(p);
}

/* A process cannot free the kernel stack it runs on: an exiting process
 * that nobody will wait for is parked here and freed by the next process to
 * run (Linux frees a dead task in finish_task_switch the same way). */
static struct proc *released;   /* linked through run_next: never on the run queue again */

void proc_free_later(struct proc *p)
{
	p->run_next = released;
	released = p;
}

void proc_free_released(void)
{
	struct proc **pp = &released;
	while (*pp) {
		struct proc *p = *pp;
		if (p == current_proc()) {
			pp = &p->run_next;
			continue;
		}
		*pp = p->run_next;
		proc_free(p);
	}
}

struct proc *proc_find(int pid)
{
	for (struct proc *p = all_procs; p; p = p->all_next)
		if (p->pid == pid)
			return p;
	return NULL;
}

struct proc *proc_first(void)
{
	return all_procs;
}

int proc_count(void)
{
	return nprocs;
}

/* Timed sleepers: called every tick. */
void proc_wake_timed(uint64_t now)
{
	for (struct proc *p = all_procs; p; p = p->all_next)
		if (p->state == PROC_SLEEPING && p->wake_tick && p->wake_tick <= now) {
			p->wake_tick = 0;
			p->wait_channel = NULL;
			sched_make_runnable(p);
		}
}

/* Every process sleeping on channel becomes runnable. */
void wakeup(const void *channel)
{
	for (struct proc *p = all_procs; p; p = p->all_next)
		if (p->state == PROC_SLEEPING && p->wait_channel == channel) {
			p->wait_channel = NULL;
			p->wake_tick = 0;
			sched_make_runnable(p);
		}
}

/* ---- what mm/ knows of processes (declared in mm/mm.h) ---- */

struct mm *current_mm(void)
{
	return current_proc()->mm;
}

uint64_t current_rlimit(int resource)
{
	return current_proc()->rlimits[resource].rlim_cur;
}

int current_pid(void)
{
	return current_proc()->pid;
}

const char *current_comm(void)
{
	return current_proc()->name;
}

void sleep_until_woken(const void *channel)
{
	sleep_on(channel, 0);
}

void wake_up_all(const void *channel)
{
	wakeup(channel);
}

/* Is p the first process on the list that uses its mm? (Threads and a
 * vfork child share one; each space is visited once.) An mm with one user
 * needs no search. */
static bool first_user_of_mm(const struct proc *p)
{
	if (p->mm->users == 1)
		return true;
	for (const struct proc *q = all_procs; q != p; q = q->all_next)
		if (q->mm == p->mm)
			return false;
	return true;
}

void for_each_mm(void (*visit)(struct mm *mm, void *arg), void *arg)
{
	for (struct proc *p = all_procs; p; p = p->all_next)
		if (p->mm && first_user_of_mm(p))
			visit(p->mm, arg);
}
