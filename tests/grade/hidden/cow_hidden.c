/* A hidden cow case: three generations share one frame until each writes.
 * Linked with tests/grade/grade.c into /bin/grade_hidden by tools/grade. */
#include "grade.h"

#include <sys/mman.h>
#include <unistd.h>

enum { N = 256 };
static char *region;
static long before;

static int grandchild(void *arg)
{
	(void)arg;
	long used = before - free_frames();
	EXPECT(used <= 96, "expected two forks of %d touched pages to take at most 96 frames, seen %ld", N, used);
	touch_pages(region, N, 9);
	EXPECT(region[0] == 9, "expected the grandchild's own write, seen %d", region[0]);
	return 0;
}

static int child(void *arg)
{
	return in_child(grandchild, arg);
}

static int hidden_grandchild_shares(void)
{
	region = map_anon(N * PAGE);
	touch_pages(region, N, 1);
	before = free_frames();
	int st = in_child(child, NULL);
	EXPECT(st == 0, "expected the grandchild to share and then copy, seen status %d", st);
	EXPECT(region[0] == 1, "expected the parent's byte unchanged, seen %d", region[0]);
	return munmap(region, N * PAGE);
}

static const struct grade_case hidden_cases[] = {
	{ "cow/hidden_grandchild_shares", hidden_grandchild_shares },
	{ NULL, NULL },
};
GRADE_CASES(hidden_cases)
