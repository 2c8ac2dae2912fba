#ifndef PAGODA_PANIC_H
#define PAGODA_PANIC_H
#include "trapframe.h"

/* panic: print the message, the registers and a symbolised backtrace, then
 * leave QEMU with QEMU_EXIT_PANIC. Only for states no user input can reach. */
__attribute__((noreturn, format(printf, 1, 2))) void panic(const char *fmt, ...);
__attribute__((noreturn)) void panic_trap(const struct trapframe *tf, uint64_t cr2);
void backtrace_from(uint64_t rip, uint64_t rbp);

__attribute__((noreturn)) void kassert_fail(const char *expr, const char *file, int line);
__attribute__((noreturn)) void kassert_fail_eq(const char *expr, uint64_t a, uint64_t b, const char *file, int line);

/* Cheap, always-on invariant checks. */
#define kassert(cond) ((cond) ? (void)0 : kassert_fail(#cond, __FILE__, __LINE__))
#define kassert_eq(a, b) \
	((uint64_t)(a) == (uint64_t)(b) ? (void)0 : kassert_fail_eq(#a " == " #b, (uint64_t)(a), (uint64_t)(b), __FILE__, __LINE__))

/* Fills tf with the caller's registers (kernel/regs.asm). */
void save_registers(struct trapframe *tf);

#endif
