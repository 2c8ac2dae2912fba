/* swap_shared: shared anonymous memory across fork, under memory pressure.
 *
 * A MAP_SHARED | MAP_ANONYMOUS area of 16 MiB is written by the parent,
 * then a private area of 64 MiB is written over it to push the parent's
 * older pages out (on Pagoda at --mem 48M: the shared pages go to swap if
 * the kernel can evict them, or stay resident while the private ones go).
 * A child reads the shared pattern, writes a new one over the first half
 * and, after more pressure of its own, checks it; the parent then sees the
 * child's half and its own. Every word is compared (tests/pattern.h).
 */
#include "testlib.h"
#include "pattern.h"

enum { SHARED_MIB = 16, PRESSURE_MIB = 64 };

static size_t shared_pages(void)
{
	return (size_t)SHARED_MIB * MIB / PAGE;
}

/* pressure: write and check a private area of PRESSURE_MIB; wrong words. */
static size_t pressure(uint64_t tag)
{
	size_t pages = (size_t)PRESSURE_MIB * MIB / PAGE;
	char *q = map_anon(pages * PAGE, PROT_READ | PROT_WRITE);
	size_t bad;

	pattern_fill_pages(q, 0, pages, tag);
	bad = pattern_check_pages(q, 0, pages, tag);
	sys_munmap((uintptr_t)q, pages * PAGE);
	return bad;
}

static int child(void *p)
{
	size_t half = shared_pages() / 2;

	if (pattern_check_pages(p, 0, shared_pages(), 1))
		return 1;
	pattern_fill_pages(p, 0, half, 2);
	if (pressure(5))
		return 2;
	return pattern_check_pages(p, 0, half, 2) ? 3 : 0;
}

int main(void)
{
	char *p = map_shared(shared_pages() * PAGE);
	size_t half = shared_pages() / 2;

	pattern_fill_pages(p, 0, shared_pages(), 1);
	say("parent_pressure", "%zu wrong words", pressure(4));
	show_status("child_reads_then_writes_half", child_run(child, p));
	say("parent_sees_child_half", "%zu wrong words", pattern_check_pages(p, 0, half, 2));
	say("parent_sees_own_half", "%zu wrong words", pattern_check_pages(p, half, shared_pages() - half, 1));
	return 0;
}
