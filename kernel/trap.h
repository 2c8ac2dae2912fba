#ifndef PAGODA_TRAP_H
#define PAGODA_TRAP_H
#include "trapframe.h"

/* Exception vectors (Intel SDM vol. 3, table 6-1). */
enum {
	T_DE = 0, T_DB = 1, T_NMI = 2, T_BP = 3, T_OF = 4, T_BR = 5, T_UD = 6, T_NM = 7,
	T_DF = 8, T_TS = 10, T_NP = 11, T_SS = 12, T_GP = 13, T_PF = 14, T_MF = 16,
	T_AC = 17, T_MC = 18, T_XM = 19, T_VE = 20, T_CP = 21,
	T_IRQ0 = 32,        /* the PIC's IRQs 0..15 are remapped to 32..47 */
	T_LAPIC_TIMER = 0xf0,   /* a secondary CPU's tick (kernel/lapic.c) */
	T_IPI_RESCHEDULE = 0xf1,   /* "look at the run queue" (kernel/smp.c) */
	T_IPI_TLB = 0xf2,       /* TLB shootdown (mm/tlbflush.c) */
	T_SPURIOUS = 255,       /* the local APIC's spurious vector too */
};

void trap(struct trapframe *tf);
const char *trap_name(uint64_t vector);
/* One line per fact: name, error code, RIP, CS, RFLAGS, RSP; CR2 and the
 * decoded error bits for #PF. Returns the length written. */
int trap_format(const struct trapframe *tf, uint64_t cr2, char *buf, size_t size);
void trap_print_registers(const struct trapframe *tf);

#endif
