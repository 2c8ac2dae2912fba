/* Graded cases of the cow lab: fork shares frames, a write copies one page,
 * the last sharer writes in place (CS:APP 9.8.2). */
#include "grade.h"

#include <stdlib.h>
#include <sys/mman.h>
#include <sys/wait.h>
#include <unistd.h>

enum { N = 1024 };   /* touched pages: 4 MiB */

static char *touched(void)
{
	char *p = map_anon(N * PAGE);
	touch_pages(p, N, 1);
	return p;
}

static long before_fork;

static int child_frames(void *arg)
{
	(void)arg;
	long used = before_fork - free_frames();
	if (used > 64)
		printf("expected fork of %d touched pages to take at most 64 frames, seen %ld\n", N, used);
	return used > 64;
}

/* Fork of a process with 1024 touched pages allocates at most 64 frames. */
static int fork_takes_few_frames(void)
{
	char *p = touched();
	before_fork = free_frames();
	int st = in_child(child_frames, NULL);
	EXPECT(st == 0, "expected the child to see few frames taken, seen status %d", st);
	return munmap(p, N * PAGE);
}

static char *region;

static int child_writes(void *arg)
{
	(void)arg;
	long flt = minflt(), f0 = free_frames();
	touch_pages(region, N, 2);
	long faults = minflt() - flt, copies = f0 - free_frames();
	EXPECT(faults >= N && faults <= N + 8, "expected the child's %d writes to take %d faults, seen %ld", N, N,
	       faults);
	EXPECT(copies >= N, "expected %d frames copied by the child's writes, seen %ld", N, copies);
	return 0;
}

/* The child's 1024 writes take 1024 copy-on-write faults, each a new frame. */
static int child_writes_copy(void)
{
	region = touched();
	int st = in_child(child_writes, NULL);
	EXPECT(st == 0, "expected the child's writes to fault and copy, seen status %d", st);
	EXPECT(region[0] == 1 && region[(N - 1) * PAGE] == 1, "expected the parent's data unchanged, seen %d",
	       region[0]);
	return munmap(region, N * PAGE);
}

static uintptr_t parent_pa;

static int child_same_frame(void *arg)
{
	(void)arg;
	uintptr_t pa;
	char flags[8];
	EXPECT(pt_entry(0, (uintptr_t)region, &pa, flags) == 0, "expected the child to map the page, seen no entry");
	EXPECT(pa == parent_pa, "expected the child to share the parent's frame %lx, seen %lx", parent_pa, pa);
	EXPECT(flags[1] == '-', "expected the shared page read-only in the child, seen flags %s", flags);
	region[0] = 3;
	EXPECT(pt_entry(0, (uintptr_t)region, &pa, flags) == 0 && pa != parent_pa,
	       "expected a new frame after the child's write, seen frame %lx", pa);
	return 0;
}

/* After fork both processes map the same frame, read-only, until a write. */
static int frames_shared(void)
{
	char flags[8];
	region = touched();
	EXPECT(pt_entry(0, (uintptr_t)region, &parent_pa, flags) == 0, "expected a page-table entry, seen none");
	int st = in_child(child_same_frame, NULL);
	EXPECT(st == 0, "expected frames shared after fork, seen status %d", st);
	return munmap(region, N * PAGE);
}

/* Once the child is gone, the parent's write reuses its frame: no copy. */
static int last_writer_reuses(void)
{
	char flags[8];
	uintptr_t pa0, pa1;
	region = touched();
	pt_entry(0, (uintptr_t)region, &pa0, flags);
	pid_t pid = fork();
	if (pid == 0)
		_exit(0);
	waitpid(pid, NULL, 0);
	long f0 = free_frames(), flt = minflt();
	touch_pages(region, N, 4);
	long faults = minflt() - flt, used = f0 - free_frames();
	EXPECT(pt_entry(0, (uintptr_t)region, &pa1, flags) == 0 && pa1 == pa0,
	       "expected the last sharer to keep frame %lx, seen %lx", pa0, pa1);
	EXPECT(used <= 2, "expected no frames used by writes after the child exited, seen %ld", used);
	EXPECT(faults <= N + 8, "expected at most one fault per page, seen %ld", faults);
	return munmap(region, N * PAGE);
}

static int child_scribbles(void *arg)
{
	(void)arg;
	touch_pages(region, 16, 'c');
	return region[0] == 'c' ? 0 : 1;
}

/* Neither side sees the other's writes; every frame comes back. */
static int isolation(void)
{
	region = touched();
	int st = in_child(child_scribbles, NULL);
	EXPECT(st == 0, "expected the child to see its own writes, seen status %d", st);
	EXPECT(region[0] == 1 && region[15 * PAGE] == 1, "expected the parent's bytes unchanged, seen %d", region[0]);
	return munmap(region, N * PAGE);
}

const struct grade_case cow_cases[] = {
	{ "cow/fork_takes_few_frames", fork_takes_few_frames },
	{ "cow/child_writes_copy", child_writes_copy },
	{ "cow/frames_shared", frames_shared },
	{ "cow/last_writer_reuses", last_writer_reuses },
	{ "cow/isolation", isolation },
	{ NULL, NULL },
};
GRADE_CASES(cow_cases)
