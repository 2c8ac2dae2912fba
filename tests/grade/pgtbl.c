/* Graded cases of the pgtbl lab: /proc/PID/pagetable lists every present
 * user page with its frame and bits, as the kernel's own walk sees them
 * (CS:APP 9.6). */
#include "grade.h"

#include <string.h>
#include <sys/mman.h>
#include <sys/wait.h>
#include <unistd.h>

/* The number of lines in an area equals the kernel's resident count (smaps). */
static int lines_match_rss(void)
{
	char *p = map_anon(64 * PAGE);
	touch_pages(p, 64, 1);
	munmap(p + 10 * PAGE, 5 * PAGE);   /* a hole: 59 pages left in two areas */
	int lines = pt_lines(0, (uintptr_t)p, (uintptr_t)p + 64 * PAGE);
	long rss = rss_pages(0, (uintptr_t)p) + rss_pages(0, (uintptr_t)p + 20 * PAGE);
	EXPECT(rss == 59, "expected the kernel to count 59 resident pages, seen %ld", rss);
	EXPECT(lines == 59, "expected 59 pagetable lines in the area, seen %d", lines);
	/* a read-only area (it merges with no neighbour), one page read: as many
	 * lines as the kernel counts for it */
	volatile char *q = mmap(NULL, 8 * PAGE, PROT_READ, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	EXPECT(q != MAP_FAILED, "expected a read-only mapping, seen MAP_FAILED");
	EXPECT(q[3 * PAGE] == 0, "expected a zero byte, seen %d", q[3 * PAGE]);
	int qlines = pt_lines(0, (uintptr_t)q, (uintptr_t)q + 8 * PAGE);
	EXPECT(qlines == rss_pages(0, (uintptr_t)q), "expected %ld lines in a fresh area (its Rss), seen %d",
	       rss_pages(0, (uintptr_t)q), qlines);
	munmap((void *)q, 8 * PAGE);
	return munmap(p, 64 * PAGE);
}

/* A read sets A only, a write sets A and D. */
static int accessed_dirty(void)
{
	char flags[8];
	uintptr_t pa;
	char *p = mmap(NULL, 2 * PAGE, PROT_READ | PROT_WRITE, MAP_SHARED | MAP_ANONYMOUS, -1, 0);
	EXPECT(p != MAP_FAILED, "expected a shared mapping, seen MAP_FAILED");
	volatile char c = p[0];   /* read only */
	(void)c;
	p[PAGE] = 1;
	EXPECT(pt_entry(0, (uintptr_t)p, &pa, flags) == 0, "expected a line for the page read, seen none");
	EXPECT(flags[4] == 'a' && flags[5] == '-', "expected the page only read to show a-, seen %s", flags);
	EXPECT(pt_entry(0, (uintptr_t)p + PAGE, &pa, flags) == 0, "expected a line for the page written, seen none");
	EXPECT(flags[4] == 'a' && flags[5] == 'd', "expected the page written to show ad, seen %s", flags);
	return munmap(p, 2 * PAGE);
}

static int __attribute__((noinline)) main_marker(void) { return 0; }

/* Text is r-x user, data rw- user and never executable. */
static int permissions(void)
{
	char flags[8];
	uintptr_t pa;
	char *p = map_anon(PAGE);
	p[0] = (char)main_marker() + 1;   /* its text page is present now */
	EXPECT(pt_entry(0, (uintptr_t)main_marker, &pa, flags) == 0, "expected a line for the program text, seen none");
	EXPECT(!strncmp(flags, "r-xu", 4), "expected text r-xu, seen %s", flags);
	EXPECT(pt_entry(0, (uintptr_t)p, &pa, flags) == 0, "expected a line for a written page, seen none");
	EXPECT(!strncmp(flags, "rw-u", 4), "expected data rw-u, seen %s", flags);
	return munmap(p, PAGE);
}

static char *shared;
static uintptr_t parent_pa, parent_private_pa;
static char *private_page;

static int child_translates(void *arg)
{
	(void)arg;
	char flags[8];
	uintptr_t pa, priv;
	private_page[0] = 2;   /* a copy now */
	EXPECT(((volatile char *)shared)[5] == 0, "expected the shared page's byte 5 zero, seen another");   /* mapped now */
	EXPECT(pt_entry(0, (uintptr_t)shared + 5, &pa, flags) == 0, "expected the child to map the shared page");
	EXPECT(pa == parent_pa + 5, "expected the shared page at the parent's pa %lx, seen %lx", parent_pa + 5, pa);
	EXPECT(pt_entry(getppid(), (uintptr_t)shared, &pa, flags) == 0 && pa == parent_pa,
	       "expected /proc/PARENT/pagetable to show the same frame, seen %lx", pa);
	EXPECT(pt_entry(0, (uintptr_t)private_page, &priv, flags) == 0 && priv != parent_private_pa,
	       "expected the child's written private page in its own frame, seen %lx", priv);
	return 0;
}

/* Translation: a shared page is one frame in both processes; written
 * private pages are not; offsets within the page carry over. */
static int translate(void)
{
	char flags[8];
	shared = mmap(NULL, PAGE, PROT_READ | PROT_WRITE, MAP_SHARED | MAP_ANONYMOUS, -1, 0);
	private_page = map_anon(PAGE);
	shared[0] = 1, private_page[0] = 1;
	EXPECT(pt_entry(0, (uintptr_t)shared, &parent_pa, flags) == 0, "expected a line for the shared page");
	EXPECT(pt_entry(0, (uintptr_t)private_page, &parent_private_pa, flags) == 0, "expected a line for the page");
	EXPECT(parent_pa % PAGE == 0 && parent_pa != 0, "expected a page-aligned frame, seen %lx", parent_pa);
	EXPECT(parent_pa == pagemap_frame(0, (uintptr_t)shared), "expected the frame the kernel maps (pagemap) %lx, seen %lx",
	       pagemap_frame(0, (uintptr_t)shared), parent_pa);
	EXPECT(parent_private_pa == pagemap_frame(0, (uintptr_t)private_page),
	       "expected the private page's frame the kernel maps (pagemap) %lx, seen %lx",
	       pagemap_frame(0, (uintptr_t)private_page), parent_private_pa);
	int st = in_child(child_translates, NULL);
	EXPECT(st == 0, "expected the child's translations to agree, seen status %d", st);
	munmap(shared, PAGE);
	return munmap(private_page, PAGE);
}

const struct grade_case pgtbl_cases[] = {
	{ "pgtbl/lines_match_rss", lines_match_rss },
	{ "pgtbl/accessed_dirty", accessed_dirty },
	{ "pgtbl/permissions", permissions },
	{ "pgtbl/translate", translate },
	{ NULL, NULL },
};
GRADE_CASES(pgtbl_cases)
