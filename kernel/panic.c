/*
 * panic(): the kernel found a broken invariant. Print everything a developer
 * needs (message, registers, backtrace with symbols) and stop QEMU with a
 * failure status so a test can never mistake a panic for a pass.
 */
#include "panic.h"
#include "ksyms.h"
#include "percpu.h"
#include "printk.h"
#include "qemu.h"
#include "trap.h"
#include "x86.h"
#include "../mm/layout.h"

static volatile uint32_t panicking;   /* a CPU has entered panic */
static volatile int panic_cpu = -1;    /* which one */

static bool plausible_frame(uint64_t rbp)
{
	return rbp >= KERNEL_HALF_START && (rbp & 7) == 0 && is_canonical(rbp);
}

/* Frame-pointer walk: [rbp] is the caller's rbp, [rbp+8] the return address. */
void backtrace_from(uint64_t rip, uint64_t rbp)
{
	printk("backtrace:\n  %016lx %s\n", rip, ksym_name(rip));
	for (int depth = 0; depth < 32 && plausible_frame(rbp); depth++) {
		uint64_t ret = ((uint64_t *)rbp)[1];
		if (!ret)
			break;
		printk("  %016lx %s\n", ret, ksym_name(ret - 1));   /* -1: inside the call */
		rbp = ((uint64_t *)rbp)[0];
	}
}

/* One CPU panics: a fault inside its panic must not recurse forever, and a
 * second CPU that panics meanwhile (several targets of one bad IPI call)
 * stops, so that the first one's report comes out whole. */
static void enter_panic(void)
{
	cli();
	if (xchg32(&panicking, 1)) {
		if (panic_cpu != smp_processor_id())
			for (;;)
				hlt();
		printk("PANIC: fault while panicking; giving up\n");
		qemu_exit(QEMU_EXIT_PANIC);
	}
	panic_cpu = smp_processor_id();
}

void panic(const char *fmt, ...)
{
	struct trapframe regs;
	save_registers(&regs);
	enter_panic();
	char msg[256];
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	printk("\nPANIC: %s\n", msg);
	printk("  RIP %016lx <%s>  RSP %016lx  RFLAGS %016lx\n", regs.rip, ksym_name(regs.rip), regs.rsp, regs.rflags);
	trap_print_registers(&regs);
	backtrace_from(regs.rip, regs.rbp);
	qemu_exit(QEMU_EXIT_PANIC);
}

/* Hints for the patterns a student will meet most (after Linux's oops). */
static const char *fault_hint(const struct trapframe *tf, uint64_t cr2)
{
	if (tf->vector == T_DF)
		return "a double fault in the kernel is usually a kernel stack overflow into its guard page";
	if (tf->vector != T_PF)
		return NULL;
	if (cr2 < PAGE_SIZE)
		return "the address is in page zero: a NULL pointer dereference";
	if ((cr2 & 0xffffffffffff0000ul) == 0x6b6b6b6b6b6b0000ul || cr2 == 0x6b6b6b6b6b6b6b6bul)
		return "the address looks like poison (0x6b): use of freed kernel memory";
	return NULL;
}

void panic_trap(const struct trapframe *tf, uint64_t cr2)
{
	enter_panic();
	char buf[512];
	trap_format(tf, cr2, buf, sizeof(buf));
	printk("\nPANIC: unhandled exception in the kernel: %s", buf);
	const char *hint = fault_hint(tf, cr2);
	if (hint)
		printk("  hint: %s\n", hint);
	trap_print_registers(tf);
	backtrace_from(tf->rip, tf->rbp);
	qemu_exit(QEMU_EXIT_PANIC);
}

void kassert_fail(const char *expr, const char *file, int line)
{
	panic("assertion failed at %s:%d: %s", file, line, expr);
}

void kassert_fail_eq(const char *expr, uint64_t a, uint64_t b, const char *file, int line)
{
	panic("assertion failed at %s:%d: %s (0x%lx vs 0x%lx)", file, line, expr, a, b);
}
