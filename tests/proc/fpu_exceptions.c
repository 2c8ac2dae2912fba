/* fpu_exceptions: floating-point errors the program unmasked kill it with
 * SIGFPE; masked ones give inf/NaN and the program goes on.
 *
 * Regression (issue 19): CR0.NE was clear, so an unmasked x87 divide by zero
 * never raised #MF and the program exited 0.
 *
 * Not here: an unmasked SSE divide by zero. The kernel turns #XM into SIGFPE
 * exactly as it does #MF (CR4.OSXMMEXCPT is set), but QEMU's TCG, which runs
 * Pagoda, never raises #XM: the division quietly gives inf (OSv issue #855).
 */
#include <stdint.h>
#include "testlib.h"

static int x87_divide(void *arg)
{
	uint16_t fcw = (uint16_t)(uintptr_t)arg;
	double r;

	__asm__ volatile("fldcw %1\n\t"
			 "fld1\n\t"
			 "fldz\n\t"
			 "fdivrp\n\t"      /* 1 / 0 */
			 "fwait\n\t"
			 "fstpl %0\n\t"
			 "fwait"
			 : "=m"(r)
			 : "m"(fcw));
	return r > 1e300 ? 0 : 1;   /* masked: +inf */
}

static int x87_invalid(void *arg)
{
	uint16_t fcw = (uint16_t)(uintptr_t)arg;
	double r;

	__asm__ volatile("fldcw %1\n\t"
			 "fldz\n\t"
			 "fldz\n\t"
			 "fdivrp\n\t"      /* 0 / 0 */
			 "fwait\n\t"
			 "fstpl %0\n\t"
			 "fwait"
			 : "=m"(r)
			 : "m"(fcw));
	return r != r ? 0 : 1;      /* masked: NaN */
}

static int sse_divide(void *arg)
{
	uint32_t mxcsr = (uint32_t)(uintptr_t)arg;
	float one = 1.0f, zero = 0.0f, r;

	__asm__ volatile("ldmxcsr %3\n\t"
			 "movss %1, %%xmm0\n\t"
			 "divss %2, %%xmm0\n\t"
			 "movss %%xmm0, %0"
			 : "=m"(r)
			 : "m"(one), "m"(zero), "m"(mxcsr)
			 : "xmm0");
	return r > 1e30f ? 0 : 1;
}

static int int_divide(void *arg)
{
	volatile long zero = (long)(uintptr_t)arg;

	return (int)(100 / zero);
}

int main(void)
{
	show_child("x87_divide_by_zero_masked", x87_divide, (void *)0x37f);
	show_child("x87_divide_by_zero_unmasked", x87_divide, (void *)(0x37f & ~0x4));
	show_child("x87_invalid_masked", x87_invalid, (void *)0x37f);
	show_child("x87_invalid_unmasked", x87_invalid, (void *)(0x37f & ~0x1));
	show_child("sse_divide_by_zero_masked", sse_divide, (void *)0x1f80);
	show_child("integer_divide_by_zero", int_divide, (void *)0);
	show_yes("parent_unaffected", x87_divide((void *)0x37f) == 0 && sse_divide((void *)0x1f80) == 0);
	return 0;
}
