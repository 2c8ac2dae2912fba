/* stack: the main stack grows on demand, downwards, up to the 8 MiB limit
 * (RLIMIT_STACK; the host harness sets it to 8 MiB too). Deep recursion of a
 * few hundred KiB and big frames up to 7 MiB work; going past the limit kills
 * the process with SIGSEGV and its parent carries on. Every deep case runs in
 * a child so the parent's stack stays small.
 */
#include "testlib.h"

__attribute__((noinline)) static int recurse(int depth, uintptr_t prev, int *down)
{
	volatile char frame[1024];

	frame[0] = (char)depth;
	frame[1023] = (char)depth;
	if (prev && (uintptr_t)frame >= prev)
		*down = 0;
	if (depth == 0)
		return frame[0];
	return recurse(depth - 1, (uintptr_t)frame, down) + frame[1023] - (char)depth;
}

static int recurse_512k(void *arg)
{
	int down = 1;

	(void)arg;
	return recurse(512, 0, &down) == 0 && down ? 0 : 1;
}

__attribute__((noinline)) static int big_frames(int n)
{
	volatile char frame[1 << 20];

	for (int i = (1 << 20) - 1; i >= 0; i -= PAGE)
		frame[i] = (char)n;
	if (n == 0)
		return frame[(1 << 20) - 1];
	return big_frames(n - 1) + frame[(1 << 20) - 1] - (char)n;
}

static int frames_6m(void *arg)
{
	(void)arg;
	return big_frames(5);
}

/* touch_below: touch len bytes below the current frame, top-down. */
__attribute__((noinline)) static int touch_below(size_t len, size_t step)
{
	volatile char here;
	uintptr_t top = (uintptr_t)&here;

	for (size_t off = step; off <= len; off += step)
		*(volatile char *)(top - off) = 1;
	return here & 0;
}

static int touch_7m(void *arg)
{
	(void)arg;
	return touch_below(7u << 20, PAGE);
}

static int touch_9m(void *arg)
{
	(void)arg;
	return touch_below(9u << 20, PAGE);
}

static int jump_4m(void *arg)
{
	(void)arg;
	return touch_below(4u << 20, 4u << 20);
}

static volatile int never = -1;	/* hides the recursion's end from gcc */

__attribute__((noinline)) static int runaway(int n)
{
	volatile char frame[256];

	if (n == never)
		return 0;
	frame[0] = (char)n;
	return runaway(n + 1) + frame[0];
}

static int runaway_child(void *arg)
{
	(void)arg;
	return runaway(0);
}

static int stack_data_survives(void *arg)
{
	volatile char deep[64 * 1024];

	(void)arg;
	for (size_t i = 0; i < sizeof deep; i += PAGE)
		deep[i] = (char)(i / PAGE);
	recurse_512k(NULL);
	for (size_t i = 0; i < sizeof deep; i += PAGE)
		if (deep[i] != (char)(i / PAGE))
			return 1;
	return 0;
}

int main(void)
{
	show_child("recursion_512k", recurse_512k, NULL);
	show_child("frames_6m", frames_6m, NULL);
	show_child("touch_7m_top_down", touch_7m, NULL);
	show_child("jump_4m_below_sp", jump_4m, NULL);
	show_child("stack_data_survives_recursion", stack_data_survives, NULL);
	show_child("touch_9m", touch_9m, NULL);
	show_child("runaway_recursion", runaway_child, NULL);
	show_yes("parent_alive", getpid() > 0);
	show_child("recursion_after_overflows", recurse_512k, NULL);
	return 0;
}
