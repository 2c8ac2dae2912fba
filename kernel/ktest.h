/*
 * In-kernel unit tests. Declare one with
 *
 *     KTEST(frame_alloc_free_roundtrip) { ... KT_EQ(a, b); ... }
 *
 * It lands in the .ktests section; `test=all` on the kernel command line runs
 * every test (except the self-checks, which must fail), `test=NAME` one test,
 * `test=PREFIX*` a group. Each prints `PASS name` or
 * `FAIL name (file:line: expr: got A vs B)`; a failed assertion ends its test.
 */
#ifndef PAGODA_KTEST_H
#define PAGODA_KTEST_H
#include "trapframe.h"

struct ktest {
	const char *name;
	void (*fn)(void);
	const char *file;
	bool selfcheck;   /* must fail: excluded from test=all */
};

#define KTEST_DEFINE(tname, sc)                                                              \
	static void ktest_fn_##tname(void);                                                  \
	__attribute__((used, section(".ktests"), aligned(8))) static const struct ktest      \
		ktest_##tname = { #tname, ktest_fn_##tname, __FILE__, sc };                  \
	static void ktest_fn_##tname(void)
#define KTEST(tname) KTEST_DEFINE(tname, false)
#define KTEST_SELFCHECK(tname) KTEST_DEFINE(tname, true)

#define KT_ASSERT(c) ((c) ? (void)0 : ktest_fail(__FILE__, __LINE__, #c, 0, 0, false))
#define KT_EQ(a, b)                                                                                \
	((uint64_t)(a) == (uint64_t)(b) ? (void)0                                                  \
					: ktest_fail(__FILE__, __LINE__, #a " == " #b, (uint64_t)(a), \
						     (uint64_t)(b), true))
#define KT_NE(a, b)                                                                                \
	((uint64_t)(a) != (uint64_t)(b) ? (void)0                                                  \
					: ktest_fail(__FILE__, __LINE__, #a " != " #b, (uint64_t)(a), \
						     (uint64_t)(b), true))

__attribute__((noreturn)) void ktest_fail(const char *file, int line, const char *expr, uint64_t a, uint64_t b, bool values);

/* What a provoked exception looked like, for the test to check. */
struct ktest_trap {
	struct trapframe tf;
	uint64_t cr2;
	char report[512];   /* the text trap_format produced */
};

/* Run fn(arg), expecting it to raise an exception. Returns true (and fills
 * *out) if it did; false if fn returned normally. */
bool ktest_expect_trap(void (*fn)(void *), void *arg, struct ktest_trap *out);

/* Called by trap(): if a ktest is waiting for an exception, hand it over
 * (does not return); otherwise return false. */
bool ktest_catch(const struct trapframe *tf, uint64_t cr2);

/* Run the tests matching pattern, then leave QEMU with the outcome. */
__attribute__((noreturn)) void ktest_run(const char *pattern);

#endif
