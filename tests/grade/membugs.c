/* Graded cases of the membugs lab: the debug allocator names each CS:APP
 * 9.11 bug that malloc_debugtest commits (lib/malloc_debug.c), and aborts. */
#include "grade.h"

#include <signal.h>

/* Run malloc_debugtest BUG under PAGODA_MALLOC_DEBUG=1 and check its status;
 * its "pagoda malloc: WHAT" line is checked by tools/grade (the expect=
 * pattern in membugs.tests), in this case's part of the console output. */
static int bug(const char *name, int want_status)
{
	char *argv[] = { "/test/malloc_debugtest", (char *)name, NULL };
	char *env[] = { "PAGODA_MALLOC_DEBUG=1", NULL };
	int st = run_program(argv, env);
	EXPECT(st == want_status, "expected malloc_debugtest %s to end with status %d, seen %d", name, want_status, st);
	return 0;
}

enum { ABORTED = 128 + SIGABRT };

static int clean(void) { return bug("clean", 0); }
static int double_free(void) { return bug("double_free", ABORTED); }
static int invalid_free(void) { return bug("invalid_free", ABORTED); }
static int overflow(void) { return bug("overflow", ABORTED); }
static int underflow(void) { return bug("underflow", ABORTED); }
static int use_after_free(void) { return bug("use_after_free", ABORTED); }
static int use_after_free_reuse(void) { return bug("use_after_free_reuse", ABORTED); }
static int leak(void) { return bug("leak", 0); }

const struct grade_case membugs_cases[] = {
	{ "membugs/clean", clean },
	{ "membugs/double_free", double_free },
	{ "membugs/invalid_free", invalid_free },
	{ "membugs/overflow", overflow },
	{ "membugs/underflow", underflow },
	{ "membugs/use_after_free", use_after_free },
	{ "membugs/use_after_free_reuse", use_after_free_reuse },
	{ "membugs/leak", leak },
	{ NULL, NULL },
};
GRADE_CASES(membugs_cases)
