/*
 * The ktest runner. Tests are found through the linker section .ktests
 * (linker.ld brackets it with __ktests_start/__ktests_end), so adding a test
 * is writing a KTEST in any file: nothing to register.
 *
 * A failing assertion or an expected exception leaves the test's code
 * through kjmp_jump, back to the runner or to ktest_expect_trap.
 */
#include "ktest.h"
#include "printk.h"
#include "qemu.h"
#include "string.h"
#include "trap.h"
#include "x86.h"

struct kjmp {
	uint64_t regs[8];
};
int kjmp_set(struct kjmp *j);
__attribute__((noreturn)) void kjmp_jump(struct kjmp *j, int value);

extern const struct ktest __ktests_start[], __ktests_end[];

static struct kjmp test_exit;          /* where a failed assertion goes */
static struct kjmp *trap_landing;      /* set while ktest_expect_trap waits */
static struct ktest_trap *trap_out;
static const struct ktest *current;

void ktest_fail(const char *file, int line, const char *expr, uint64_t a, uint64_t b, bool values)
{
	if (values)
		printk("FAIL %s (%s:%d: %s: got 0x%lx vs 0x%lx)\n", current->name, file, line, expr, a, b);
	else
		printk("FAIL %s (%s:%d: %s)\n", current->name, file, line, expr);
	kjmp_jump(&test_exit, 1);
}

bool ktest_catch(const struct trapframe *tf, uint64_t cr2)
{
	if (!trap_landing)
		return false;
	struct kjmp *landing = trap_landing;
	trap_landing = NULL;
	trap_out->tf = *tf;
	trap_out->cr2 = cr2;
	trap_format(tf, cr2, trap_out->report, sizeof(trap_out->report));
	printk("ktest %s: expected exception: %s", current->name, trap_out->report);
	kjmp_jump(landing, 1);
}

bool ktest_expect_trap(void (*fn)(void *), void *arg, struct ktest_trap *out)
{
	struct kjmp landing;
	bool irq = irq_save();
	trap_out = out;
	if (kjmp_set(&landing)) {
		irq_restore(irq);
		return true;
	}
	trap_landing = &landing;
	fn(arg);
	trap_landing = NULL;
	irq_restore(irq);
	return false;
}

/* "all" matches every non-selfcheck test; "foo*" a prefix; else exact. */
static bool matches(const struct ktest *t, const char *pattern)
{
	size_t n = strlen(pattern);
	if (!strcmp(pattern, "all"))
		return !t->selfcheck;
	if (n && pattern[n - 1] == '*')
		return !strncmp(t->name, pattern, n - 1) && (!t->selfcheck || !strncmp(pattern, "selfcheck", 9));
	return !strcmp(t->name, pattern);
}

static bool run_one(const struct ktest *t)
{
	current = t;
	if (kjmp_set(&test_exit))
		return false;   /* ktest_fail already printed the FAIL line */
	t->fn();
	printk("PASS %s\n", t->name);
	return true;
}

void ktest_run(const char *pattern)
{
	int passed = 0, failed = 0;
	printk("ktest: running tests matching '%s'\n", pattern);
	for (const struct ktest *t = __ktests_start; t < __ktests_end; t++) {
		if (!matches(t, pattern))
			continue;
		if (run_one(t))
			passed++;
		else
			failed++;
	}
	printk("ktest: %d passed, %d failed\n", passed, failed);
	if (passed + failed == 0)
		printk("ktest: no test matches '%s'\n", pattern);
	qemu_exit(failed || passed + failed == 0 ? QEMU_EXIT_FAIL : QEMU_EXIT_PASS);
}
