/*
 * The per-CPU area, reached through GS in kernel mode (swapgs on every entry
 * from and exit to user mode). syscall_entry.asm uses the first two fields
 * by offset; this_cpu() reads `self` through GS.
 *
 * Always true: cpus[i].cpu == i; GS base in kernel mode is &cpus[this CPU];
 * a CPU's area is written only by that CPU, except the fields marked
 * otherwise (which another CPU writes with the kernel lock held or through
 * an IPI's handshake, mm/tlbflush.c).
 */
#ifndef PAGODA_PERCPU_H
#define PAGODA_PERCPU_H
#include "types.h"
#include "x86.h"

enum { MAX_CPUS = 8 };

struct proc;
struct mm;
struct percpu {
	uint64_t kstack_top;    /* offset 0: rsp to load on syscall entry */
	uint64_t user_rsp;      /* offset 8: user rsp saved on syscall entry */
	struct proc *current;   /* offset 16 */
	struct percpu *self;    /* offset 24: this_cpu() */
	int cpu;                /* index in cpus[] (Linux's smp_processor_id) */
	uint32_t apic_id;       /* the local APIC's id (from the MADT) */
	bool online;            /* running its idle loop (set by the CPU itself) */
	struct proc *idle;      /* this CPU's idle process */
	uint64_t idle_ticks;    /* timer ticks taken while idle (/proc/stat) */
	uint64_t ticks;         /* timer ticks taken (LAPIC timer, or the PIT on the boot CPU) */
	struct mm *loaded_mm;   /* whose page tables CR3 holds; kept while idle (lazy TLB) */
	uint64_t pcid_gen;      /* the PCID generation this CPU's TLB belongs to (mm/pcid.c) */
	volatile uint32_t call_pending;   /* set by an IPI call's sender, cleared here (kernel/smp.c) */
	void (*call_running)(void *);     /* the IPI call function this CPU is inside, or NULL */
	int held_locks[16];     /* the lock checker's stack of held lock classes (kernel/lockdep.c) */
	int nheld;
};
_Static_assert(__builtin_offsetof(struct percpu, user_rsp) == 8, "syscall_entry.asm");
_Static_assert(__builtin_offsetof(struct percpu, self) == 24, "this_cpu");

extern struct percpu cpus[MAX_CPUS];
extern int ncpus;   /* CPUs started (cpus[0 .. ncpus-1]); 1 until smp_boot */

static inline struct percpu *this_cpu(void)
{
	return (struct percpu *)read_gs_qword(24);
}

static inline int smp_processor_id(void)
{
	return this_cpu()->cpu;
}

void percpu_init(int cpu);   /* point GS at cpus[cpu]: the first thing a CPU does */

#endif
