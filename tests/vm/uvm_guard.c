/* uvm_guard: an Electric-Fence-style allocator, the VM trick behind a
 * guard-page debug malloc (CS:APP 9.11's bugs caught by the MMU).
 *
 * Each block gets pages of its own and ends exactly where a PROT_NONE guard
 * page begins, so the first byte past the block faults; a freed block's
 * pages become PROT_NONE, so a use after free faults. The SIGSEGV handler
 * maps si_addr back to the block and names the bug with the exact offset,
 * then jumps back to the test. (Pagoda's own debug malloc in lib/ is the
 * full version; this is the demo of the mechanism.)
 */
#include "testlib.h"
#include <setjmp.h>

enum { MAXBLOCKS = 8 };

struct block {
	char *base;        /* first page */
	size_t pages;      /* data pages, not counting the guard */
	char *user;        /* what malloc returned: ends at the guard */
	size_t size;
	int freed;
};

static struct block blocks[MAXBLOCKS];
static int nblocks;
static sigjmp_buf jb;
static char report[128];

static void *guard_malloc(size_t size)
{
	struct block *b = &blocks[nblocks++];
	b->pages = (size + PAGE - 1) / PAGE;
	b->base = map_anon((b->pages + 1) * PAGE, PROT_READ | PROT_WRITE);
	mprotect(b->base + b->pages * PAGE, PAGE, PROT_NONE);   /* the guard page */
	b->user = b->base + b->pages * PAGE - size;
	b->size = size;
	return b->user;
}

static void guard_free(void *p)
{
	for (int i = 0; i < nblocks; i++)
		if (blocks[i].user == p) {
			blocks[i].freed = 1;
			mprotect(blocks[i].base, blocks[i].pages * PAGE, PROT_NONE);
		}
}

static void on_segv(int sig, siginfo_t *si, void *ctx)
{
	char *a = si->si_addr;

	(void)sig, (void)ctx;
	for (int i = 0; i < nblocks; i++) {
		struct block *b = &blocks[i];
		if (a < b->base || a >= b->base + (b->pages + 1) * PAGE)
			continue;
		if (b->freed && a < b->base + b->pages * PAGE)
			snprintf(report, sizeof report, "use after free of block %d (%zu bytes) at offset %ld",
				 i, b->size, (long)(a - b->user));
		else
			snprintf(report, sizeof report, "overflow of block %d (%zu bytes) at offset %ld", i,
				 b->size, (long)(a - b->user));
		siglongjmp(jb, 1);
	}
	signal(SIGSEGV, SIG_DFL);   /* not ours: a real crash */
}

static void attempt(const char *name, volatile char *p, int write)
{
	strcpy(report, "no fault");
	if (sigsetjmp(jb, 1) == 0) {
		if (write)
			*p = 1;
		else
			(void)*p;
	}
	say(name, "%s", report);
}

int main(void)
{
	set_handler(SIGSEGV, on_segv, SA_SIGINFO);
	char *a = guard_malloc(100);
	char *b = guard_malloc(5000);
	char *c = guard_malloc(4096);
	memset(a, 'a', 100);
	memset(b, 'b', 5000);
	attempt("in_bounds_write", a + 99, 1);
	attempt("overflow_by_one", a + 100, 1);
	attempt("overflow_read", b + 5003, 0);
	attempt("page_sized_block_overflow", c + 4096, 1);
	guard_free(b);
	attempt("use_after_free_read", b + 10, 0);
	attempt("use_after_free_write", b + 4999, 1);
	attempt("other_block_still_fine", a + 50, 0);
	return 0;
}
