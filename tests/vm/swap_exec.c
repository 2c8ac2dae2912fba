/* swap_exec: execve under memory pressure.
 *
 * The parent writes 64 MiB and keeps it; then, four times, a child execs
 * this same program in its "child" role, which writes and checks 24 MiB of
 * its own (on Pagoda at --mem 48M: exec's new address space is built while
 * the parent's pages are being pushed out to swap, and the new program's
 * own pages follow them). Afterwards the parent's 64 MiB are intact. Every
 * word is compared (tests/pattern.h).
 */
#include "testlib.h"
#include "pattern.h"

enum { PARENT_MIB = 64, CHILD_MIB = 24, EXECS = 4 };

static int first_failure;   /* the wait status of the first child that did not exit 0 */

static int child_role(void)
{
	size_t pages = (size_t)CHILD_MIB * MIB / PAGE;
	char *p = map_anon(pages * PAGE, PROT_READ | PROT_WRITE);

	pattern_fill_pages(p, 0, pages, 7);
	return pattern_check_pages(p, 0, pages, 7) ? 1 : 0;
}

static int exec_child(const char *self)
{
	pid_t pid = fork_flushed();

	if (pid == 0) {
		char *argv[] = { (char *)self, "child", NULL };
		execv(self, argv);
		_exit(100 + errno);   /* which error, for the failure line */
	}
	int st = reap(pid);
	if (!WIFEXITED(st) || WEXITSTATUS(st) != 0)
		first_failure = first_failure ? first_failure : st;
	return WIFEXITED(st) && WEXITSTATUS(st) == 0;
}

int main(int argc, char **argv)
{
	size_t pages = (size_t)PARENT_MIB * MIB / PAGE;
	int ok = 0;

	if (argc > 1 && !strcmp(argv[1], "child"))
		return child_role();
	char *p = map_anon(pages * PAGE, PROT_READ | PROT_WRITE);
	pattern_fill_pages(p, 0, pages, 1);
	for (int i = 0; i < EXECS; i++)
		ok += exec_child(argv[0]);
	if (ok == EXECS)
		say("execs_under_pressure", "%d of %d exited 0", ok, EXECS);
	else   /* exit 100 + errno: execv failed; 1: the child's pattern was wrong */
		say("execs_under_pressure", "%d of %d exited 0 (first failure: %s)", ok, EXECS, status_str(first_failure));
	say("parent_area_intact", "%zu wrong words", pattern_check_pages(p, 0, pages, 1));
	return 0;
}
