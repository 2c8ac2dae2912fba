/* swap_fork: fork with pages out in swap, then write in parent and child.
 *
 * The parent writes 64 MiB (on Pagoda at --mem 48M most of it is in swap
 * when fork copies the page tables: fork copies swap entries and takes a
 * slot reference for each), then parent and child each rewrite their own
 * half of the pages at the same time and check all of them: each sees its
 * own writes and the other's never. A grandchild that only reads sees the
 * pattern as it was at its fork. Every word is compared (tests/pattern.h).
 */
#include "testlib.h"
#include "pattern.h"

enum { AREA_MIB = 64 };

static size_t area_pages(void)
{
	return (size_t)AREA_MIB * MIB / PAGE;
}

/* rewrite: pages k with k % 2 == parity take tag; returns wrong words over
 * the whole area, where the other parity must still hold `old`. */
static size_t rewrite_and_check(char *p, int parity, uint64_t tag, uint64_t old)
{
	size_t bad = 0, pages = area_pages();

	for (size_t k = parity; k < pages; k += 2)
		pattern_fill_pages(p, k, 1, tag);
	for (size_t k = 0; k < pages; k++)
		bad += pattern_check_pages(p, k, 1, (int)(k % 2) == parity ? tag : old);
	return bad;
}

static int reader(void *p)
{
	return pattern_check_pages(p, 0, area_pages(), 1) ? 1 : 0;
}

/* parent_view: evens still 1, odds the parent's 3. */
static int parent_view(void *p)
{
	size_t bad = 0;

	for (size_t k = 0; k < area_pages(); k++)
		bad += pattern_check_pages(p, k, 1, k % 2 ? 3 : 1);
	return bad ? 1 : 0;
}

static int child_writes(void *p)
{
	int st = child_run(reader, p);   /* a grandchild sharing every slot, read only */

	if (!WIFEXITED(st) || WEXITSTATUS(st) != 0)
		return 2;
	return rewrite_and_check(p, 0, 2, 1) ? 1 : 0;
}

int main(void)
{
	char *p = map_anon(area_pages() * PAGE, PROT_READ | PROT_WRITE);

	pattern_fill_pages(p, 0, area_pages(), 1);
	pid_t pid = fork_flushed();
	if (pid == 0)
		_exit(child_writes(p));
	say("parent_rewrites_odd_pages", "%zu wrong words", rewrite_and_check(p, 1, 3, 1));
	show_status("child_rewrites_even_pages_grandchild_reads", reap(pid));
	say("parent_after_child_exit", "%zu wrong words", rewrite_and_check(p, 1, 3, 1));
	show_status("second_child_reads_parent_view", child_run(parent_view, p));
	return 0;
}
