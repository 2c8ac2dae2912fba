#include "percpu.h"
#include "x86.h"

struct percpu cpu0;

/* In kernel mode GS points here; KERNEL_GS_BASE holds the user's GS (0)
 * until swapgs exchanges them. */
void percpu_init(void)
{
	wrmsr(MSR_GS_BASE, (uintptr_t)&cpu0);
	wrmsr(MSR_KERNEL_GS_BASE, 0);
}
