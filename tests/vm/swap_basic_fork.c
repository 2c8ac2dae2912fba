/* swap_basic_fork: pages on swap are shared by fork as present pages are
 * (one slot, two references) and each side still sees only its own writes
 * (CS:APP 9.8.2 through the disk). The parent fills an area larger than RAM
 * can hold beside the child's copies, forks; the child checks every page,
 * rewrites every other one and checks again; the parent, after the child
 * exits, finds its own pattern on every page. MADV_DONTNEED over swapped
 * pages then reads zeros. On Linux, the same output.
 */
#include "testlib.h"

enum { MIB = 1 << 20, AREA_MIB = 40 };

static uint64_t word_at(size_t page, size_t i, uint64_t seed)
{
	return (page * 0x9e3779b97f4a7c15ull) ^ (i * 0x100000001b3ull) ^ seed;
}

static void fill_pages(uint64_t *p, size_t from, size_t pages, size_t step, uint64_t seed)
{
	for (size_t pg = from; pg < pages; pg += step)
		for (size_t i = 0; i < PAGE / 8; i++)
			p[pg * PAGE / 8 + i] = word_at(pg, i, seed);
}

/* Pages of [from, to) whose content is not the pattern of seed (odd pages:
 * odd_seed). */
static size_t bad_pages(const uint64_t *p, size_t from, size_t to, uint64_t seed, uint64_t odd_seed)
{
	size_t bad = 0;
	for (size_t pg = from; pg < to; pg++) {
		uint64_t s = pg % 2 ? odd_seed : seed;
		for (size_t i = 0; i < PAGE / 8; i++)
			if (p[pg * PAGE / 8 + i] != word_at(pg, i, s)) {
				bad++;
				break;
			}
	}
	return bad;
}

static size_t nonzero_pages(const uint64_t *p, size_t pages)
{
	size_t n = 0;
	for (size_t pg = 0; pg < pages; pg++)
		for (size_t i = 0; i < PAGE / 8; i++)
			if (p[pg * PAGE / 8 + i]) {
				n++;
				break;
			}
	return n;
}

int main(void)
{
	size_t pages = (size_t)AREA_MIB * MIB / PAGE;
	uint64_t *p = (uint64_t *)map_anon((size_t)AREA_MIB * MIB, PROT_READ | PROT_WRITE);
	fill_pages(p, 0, pages, 1, 1);
	pid_t pid = fork_flushed();
	if (pid == 0) {
		say("child_sees_parent_pages_bad", "%zu", bad_pages(p, 0, pages, 1, 1));
		fill_pages(p, 1, pages, 2, 2);   /* odd pages: the child's own copies */
		say("child_after_writes_bad", "%zu", bad_pages(p, 0, pages, 1, 2));
		fflush(stdout);
		_exit(0);
	}
	show_status("child", reap(pid));
	say("parent_keeps_its_pages_bad", "%zu", bad_pages(p, 0, pages, 1, 1));
	show_rc("madvise_dontneed", madvise(p, (size_t)AREA_MIB * MIB / 2, MADV_DONTNEED));
	say("dontneed_half_nonzero_pages", "%zu", nonzero_pages(p, pages / 2));
	say("other_half_bad", "%zu", bad_pages(p, pages / 2, pages, 1, 1));
	show_rc("munmap", munmap(p, (size_t)AREA_MIB * MIB));
	return 0;
}
