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

struct x87_case {
	uint16_t fcw;
	int numerator;   /* 1: 1/0 divide by zero; 0: 0/0 invalid operation */
};

static int x87_divide(void *arg)
{
	const struct x87_case *c = arg;
	double r;

	__asm__ volatile("fldcw %1\n\t"
			 "fildl %2\n\t"
			 "fldz\n\t"
			 "fdivrp\n\t"      /* numerator / 0 */
			 "fwait\n\t"
			 "fstpl %0\n\t"
			 "fwait"
			 : "=m"(r)
			 : "m"(c->fcw), "m"(c->numerator));
	return r != r || r > 1e300 ? 0 : 1;   /* masked: NaN or +inf */
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
	struct x87_case zero_masked = { 0x37f, 1 }, zero_unmasked = { 0x37f & ~0x4, 1 };
	struct x87_case invalid_masked = { 0x37f, 0 }, invalid_unmasked = { 0x37f & ~0x1, 0 };

	show_child("x87_divide_by_zero_masked", x87_divide, &zero_masked);
	show_child("x87_divide_by_zero_unmasked", x87_divide, &zero_unmasked);
	show_child("x87_invalid_masked", x87_divide, &invalid_masked);
	show_child("x87_invalid_unmasked", x87_divide, &invalid_unmasked);
	show_child("sse_divide_by_zero_masked", sse_divide, (void *)0x1f80);
	show_child("integer_divide_by_zero", int_divide, (void *)0);
	show_yes("parent_unaffected", x87_divide(&zero_masked) == 0 && sse_divide((void *)0x1f80) == 0);
	return 0;
}
