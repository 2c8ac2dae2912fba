#ifndef PAGODA_GDT_H
#define PAGODA_GDT_H
#include "types.h"

/* Selectors. The order kdata, ucode32, udata, ucode is what syscall/sysret
 * need: STAR[47:32]=KCODE gives CS=KCODE, SS=KCODE+8; STAR[63:48]=UCODE32
 * gives SS=UCODE32+8=UDATA and CS=UCODE32+16=UCODE on sysretq. */
enum {
	SEL_KCODE = 0x08,
	SEL_KDATA = 0x10,
	SEL_UCODE32 = 0x18,
	SEL_UDATA = 0x20 | 3,
	SEL_UCODE = 0x28 | 3,
	SEL_TSS = 0x30,
};

enum { IST_DOUBLE_FAULT = 1, IST_NMI = 2 };

void gdt_init(int cpu);                /* this CPU's GDT and TSS, loaded */
void tss_set_rsp0(uintptr_t rsp0);     /* this CPU's */
uintptr_t ist_stack_bottom(int cpu, int ist);   /* for kmap to unmap the guard page below */

#endif
