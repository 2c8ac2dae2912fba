/* gc_dirty.c: which heap pages the program wrote since dirty_start(), the
 * "virtual dirty bits" that incremental and generational collection need
 * (CS:APP 9.5: the page protection that makes copy-on-write possible also
 * tells who wrote what).
 *
 * Three sources, chosen once by dirty_init:
 *   manual      bdwgc's manual VDB, when the program asked for it
 *               (GC_set_manual_vdb_allowed(1) before GC_enable_incremental)
 *               and so promises to report every pointer store into a heap
 *               object (GC_PTR_STORE_AND_DIRTY, GC_END_STUBBORN_CHANGE):
 *               dirty_note sets the bits of the 128-byte cards written, so
 *               a rescan reads those cards' objects, not the whole page (a
 *               table written at random dirties every page, not every
 *               card). No system call, no fault.
 *   soft-dirty  Linux's interface, which Pagoda implements (mm/pagemap.c):
 *               dirty_start writes "4" to /proc/self/clear_refs (the kernel
 *               write-protects every page and clears bit 55); the first
 *               write to a page faults in the kernel, which sets the bit;
 *               dirty_fetch reads bit 55 of /proc/self/pagemap for each
 *               chunk. Used when a probe shows the kernel really tracks it
 *               (Linux built without CONFIG_MEM_SOFT_DIRTY accepts "4" and
 *               never sets the bit).
 *   mprotect    otherwise: dirty_start makes every in-use heap page
 *               read-only; the first write raises SIGSEGV, whose handler
 *               notes the page and makes it writable again. A probe in a
 *               child process checks that handlers run first. Costs: a
 *               signal per page written, and a system call that writes into
 *               a protected page fails with EFAULT (bdwgc has the same
 *               limit); free pages are not protected, so blocks allocated
 *               during tracking are noted by the allocator (dirty_new_block).
 *
 * Owns: the source, the two /proc fds, the counts G.cycle_dirty_read and
 * G.cycle_dirty_found (pagemap entries read, and soft-dirty pages found
 * there: each cost a write fault; gc_incremental.c's cost of a cycle), each chunk's `dirty` bitmap (one bit
 * per page) and `cards` (32 bits per page, one per GC_CARD bytes), mmap'd
 * outside the scanned memory, with gc_rescan.c's pending bits, marks and
 * cards in the same mapping.
 *
 * Invariant: between dirty_start and the next dirty_start, a heap page that
 * was written has its bit set after dirty_fetch, and its cards' bits cover
 * what was written (all 32 unless the source is manual); pages and cards
 * may be reported dirty that were not written: that only costs a rescan.
 */
#include <fcntl.h>
#include <signal.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/wait.h>
#include <unistd.h>
#include "gc_internal.h"

enum {
	PM_SOFT_DIRTY_BIT = 55,
	PM_BATCH = 512,    /* entries per read */
	FETCH_GAP = 32,    /* pages between two runs that one read spans rather than two */
};

static int pagemap_fd = -1, clear_refs_fd = -1, tracking;
static struct gc_chunk *noted;   /* the chunk of the last manual note (NULL when it goes) */
static struct sigaction old_segv;

/* ---- the bitmaps ----------------------------------------------------------- */

/* One mapping per chunk holds two bitmaps of one bit per page, `dirty`
 * (this file's) and `pending`, then `pending_marks`, four words per page
 * (gc_rescan.c's), then `cards` and the pending pages' cards, one word per page. */
static size_t bitmap_words(const struct gc_chunk *c)
{
	return (c->npages + 63) / 64;
}

static size_t bitmap_bytes(const struct gc_chunk *c)
{
	size_t bytes = 2 * bitmap_words(c) * 8 + (size_t)c->npages * (sizeof *c->pending_marks + 2 * sizeof *c->cards);
	return (bytes + GC_PAGE - 1) & ~(size_t)(GC_PAGE - 1);
}

int dirty_bitmaps(struct gc_chunk *c)
{
	if (c->dirty)
		return 0;
	void *m = mmap(NULL, bitmap_bytes(c), PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	if (m == MAP_FAILED)
		return -1;
	c->dirty = m;
	c->pending = c->dirty + bitmap_words(c);
	c->pending_marks = (uint64_t (*)[4])(c->pending + bitmap_words(c));
	c->cards = (uint32_t *)(c->pending_marks + c->npages);
	return 0;
}

/* The whole page: what the kernel and the signal handler report. */
static void bit_set(struct gc_chunk *c, size_t page)
{
	c->dirty[page / 64] |= 1ull << (page % 64);
	c->cards[page] = ~0u;
}

int dirty_test(const struct gc_chunk *c, size_t page)
{
	return c->dirty && (c->dirty[page / 64] >> (page % 64) & 1);
}

void dirty_forget(struct gc_chunk *c)
{
	if (noted == c)
		noted = NULL;
	if (c->dirty)
		munmap(c->dirty, bitmap_bytes(c));
	c->dirty = c->pending = NULL;
	c->pending_marks = NULL;
	c->cards = NULL;
}

static void mark_all(struct gc_chunk *c)
{
	if (!dirty_bitmaps(c)) {
		memset(c->dirty, 0xff, bitmap_words(c) * 8);
		memset(c->cards, 0xff, c->npages * sizeof *c->cards);
	}
}

/* ---- soft-dirty ------------------------------------------------------------- */

static int clear_refs(void)
{
	return write(clear_refs_fd, "4", 1) == 1 ? 0 : -1;
}

/* lseek + read: Pagoda has no pread64. */
static ssize_t read_at(int fd, void *buf, size_t n, off_t at)
{
	return lseek(fd, at, SEEK_SET) == at ? read(fd, buf, n) : -1;
}

static int page_soft_dirty(const void *p)
{
	uint64_t e = 0;
	if (read_at(pagemap_fd, &e, sizeof e, (off_t)((uintptr_t)p / GC_PAGE * sizeof e)) != sizeof e)
		return -1;
	return (int)(e >> PM_SOFT_DIRTY_BIT & 1);
}

/* Does the kernel really track writes? A page written after clear_refs must
 * read dirty, one only read must not. */
static int soft_dirty_works(void)
{
	pagemap_fd = open("/proc/self/pagemap", O_RDONLY | O_CLOEXEC);
	clear_refs_fd = open("/proc/self/clear_refs", O_WRONLY | O_CLOEXEC);
	char *p = mmap(NULL, 2 * GC_PAGE, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	int ok = pagemap_fd >= 0 && clear_refs_fd >= 0 && p != MAP_FAILED;
	if (ok) {
		p[0] = p[GC_PAGE] = 1;
		ok = clear_refs() == 0;
		*(volatile char *)p = 2;
		ok = ok && page_soft_dirty(p) == 1 && page_soft_dirty(p + GC_PAGE) == 0;
	}
	if (p != MAP_FAILED)
		munmap(p, 2 * GC_PAGE);
	return ok;
}

/* Could a rescan read c's page i (gc_rescan.c skips free pages and atomic
 * blocks)? */
static int page_scannable(const struct gc_chunk *c, size_t i)
{
	const struct gc_block *b = block_of((uintptr_t)(c->base + i * GC_PAGE));
	return b && b->kind != BLOCK_FREE && b->okind != OBJ_ATOMIC;
}

/* Pages [first, first + n) of c from the pagemap, in batches; the bits of
 * pages no rescan reads (inside a merged run) stay clear. */
static int fetch_run(struct gc_chunk *c, size_t first, size_t n)
{
	uint64_t buf[PM_BATCH];
	for (size_t i = first; i < first + n; i += PM_BATCH) {
		size_t k, len = first + n - i < PM_BATCH ? first + n - i : PM_BATCH;
		off_t at = (off_t)((uintptr_t)c->base / GC_PAGE + i) * 8;
		if (read_at(pagemap_fd, buf, len * 8, at) != (ssize_t)(len * 8))
			return -1;
		G.cycle_dirty_read += len;
		for (k = 0; k < len; k++)
			if (buf[k] >> PM_SOFT_DIRTY_BIT & 1 && page_scannable(c, i + k)) {
				bit_set(c, i + k);
				G.cycle_dirty_found++;
			}
	}
	return 0;
}

/* Call fn on each run of pages that a rescan could read: free pages hold
 * nothing and atomic blocks are never rescanned. Runs less than `gap`
 * pages apart go to fn as one (a read of the pagemap costs less per page
 * than a system call; 0: exact runs). Stops at the first failure (-1). */
static int for_each_scannable_run(struct gc_chunk *c, size_t gap, int (*fn)(struct gc_chunk *, size_t, size_t))
{
	size_t run = 0, from = 0, to = 0;   /* [from, to): the runs merged so far */
	for (size_t i = 0; i <= c->npages;) {
		int end = i == c->npages;
		const struct gc_block *b = end ? NULL : &c->hdr[i];
		size_t step = end || b->kind == BLOCK_SMALL ? 1 : b->n;
		if (end || b->kind == BLOCK_FREE || b->okind == OBJ_ATOMIC) {
			if (i > run && to && run - to >= gap) {
				if (fn(c, from, to - from))
					return -1;
				to = 0;
			}
			if (i > run) {
				from = to ? from : run;
				to = i;
			}
			run = i + step;
		}
		i += step;
	}
	return to && fn(c, from, to - from) ? -1 : 0;
}

static void fetch_soft_dirty(struct gc_chunk *c)
{
	if (!dirty_bitmaps(c) && for_each_scannable_run(c, FETCH_GAP, fetch_run))
		mark_all(c);   /* cannot tell: every page is dirty */
}

/* ---- mprotect + SIGSEGV -------------------------------------------------------- */

static struct gc_chunk *chunk_of(uintptr_t a)
{
	for (struct gc_chunk *c = G.chunks; c; c = c->next)
		if (a - (uintptr_t)c->base < (uintptr_t)c->npages * GC_PAGE)
			return c;
	return NULL;
}

static void on_segv(int sig, siginfo_t *si, void *ctx)
{
	uintptr_t a = (uintptr_t)si->si_addr;
	struct gc_chunk *c = tracking ? chunk_of(a) : NULL;
	if (!c || !c->dirty) {   /* not ours: what would have happened without us */
		sigaction(SIGSEGV, &old_segv, NULL);
		if (old_segv.sa_flags & SA_SIGINFO && old_segv.sa_sigaction)
			old_segv.sa_sigaction(sig, si, ctx);
		return;
	}
	size_t page = (a - (uintptr_t)c->base) / GC_PAGE;
	bit_set(c, page);
	mprotect(c->base + page * GC_PAGE, GC_PAGE, PROT_READ | PROT_WRITE);
}

/* In a child: protect a page, write it, and see the handler run. */
static int mprotect_works(void)
{
	pid_t pid = fork();
	if (pid == 0) {
		struct gc_chunk c = { 0 };
		char *p = mmap(NULL, GC_PAGE, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
		uint64_t bits = 0;
		uint32_t cards[2] = { 0 };
		c.base = p;
		c.npages = 1;
		c.dirty = &bits;
		c.cards = cards;
		G.chunks = &c;
		tracking = 1;
		mprotect(p, GC_PAGE, PROT_READ);
		*(volatile char *)p = 1;
		_exit(bits == 1 ? 0 : 1);
	}
	int st = 0;
	return pid > 0 && waitpid(pid, &st, 0) == pid && WIFEXITED(st) && WEXITSTATUS(st) == 0;
}

static int install_handler(void)
{
	struct sigaction sa;
	memset(&sa, 0, sizeof sa);
	sa.sa_sigaction = on_segv;
	sa.sa_flags = SA_SIGINFO | SA_NODEFER;
	sigemptyset(&sa.sa_mask);
	return sigaction(SIGSEGV, &sa, &old_segv);
}

/* Protect a run of in-use pages with one system call. */
static int protect_run(struct gc_chunk *c, size_t first, size_t n)
{
	mprotect(c->base + first * GC_PAGE, n * GC_PAGE, PROT_READ);
	return 0;
}

/* ---- the interface ----------------------------------------------------------------- */

int dirty_init(void)
{
	if (G.dirty_source != DIRTY_NONE)
		return G.dirty_source;
	if (G.manual_vdb)
		G.dirty_source = DIRTY_MANUAL;
	else if (soft_dirty_works())
		G.dirty_source = DIRTY_SOFT;
	else if (install_handler() == 0 && mprotect_works())
		G.dirty_source = DIRTY_MPROTECT;
	return G.dirty_source;
}

/* Start a new interval: forget what was written before. */
void dirty_start(void)
{
	for (struct gc_chunk *c = G.chunks; c; c = c->next)
		if (!dirty_bitmaps(c)) {
			memset(c->dirty, 0, bitmap_words(c) * 8);
			memset(c->cards, 0, c->npages * sizeof *c->cards);
		}
	tracking = 1;
	if (G.dirty_source == DIRTY_SOFT)
		clear_refs();
	else if (G.dirty_source == DIRTY_MPROTECT)
		for (struct gc_chunk *c = G.chunks; c; c = c->next)
			for_each_scannable_run(c, 0, protect_run);
}

/* Bring every chunk's bitmap up to date (soft-dirty reads the pagemap;
 * the signal handler keeps mprotect's current). */
void dirty_fetch(void)
{
	if (G.dirty_source == DIRTY_SOFT)
		for (struct gc_chunk *c = G.chunks; c; c = c->next)
			fetch_soft_dirty(c);
}

/* End tracking: with mprotect, make the heap writable again. */
void dirty_stop(void)
{
	tracking = 0;
	if (G.dirty_source == DIRTY_MPROTECT)
		for (struct gc_chunk *c = G.chunks; c; c = c->next)
			mprotect(c->base, (size_t)c->npages * GC_PAGE, PROT_READ | PROT_WRITE);
}

/* A chunk made while tracking: under mprotect nobody watches it. */
void dirty_new_chunk(struct gc_chunk *c)
{
	if (tracking && G.dirty_source == DIRTY_MPROTECT)
		mark_all(c);
	else if (tracking && G.dirty_source == DIRTY_MANUAL)
		dirty_bitmaps(c);   /* clear: for dirty_note, which cannot map */
}

/* Manual: the cards of [p, p + n) and their page, when p is in the heap.
 * Callers hold gc_lock (the chunk may otherwise go under the lookup).
 * Nothing to do (and nothing looked up) while not tracking. */
void dirty_note(const void *p, size_t n)
{
	if (!tracking || G.dirty_source != DIRTY_MANUAL || !n)
		return;
	struct gc_chunk *c = noted;   /* stores come in runs: most land in the chunk of the last */
	if (!c || (uintptr_t)p - (uintptr_t)c->base >= (uintptr_t)c->npages * GC_PAGE)
		noted = c = chunk_of((uintptr_t)p);
	if (!c || !c->dirty)
		return;
	size_t first = ((uintptr_t)p - (uintptr_t)c->base) / GC_CARD;
	size_t last = ((uintptr_t)p + n - 1 - (uintptr_t)c->base) / GC_CARD;
	if (last >= (size_t)c->npages * GC_PAGE_CARDS)
		last = (size_t)c->npages * GC_PAGE_CARDS - 1;
	for (size_t k = first; k <= last; k++) {
		size_t page = k / GC_PAGE_CARDS;
		__atomic_fetch_or(&c->cards[page], 1u << (k % GC_PAGE_CARDS), __ATOMIC_RELAXED);
		__atomic_fetch_or(&c->dirty[page / 64], 1ull << (page % 64), __ATOMIC_RELAXED);
	}
}

/* A small object is rescanned whole when any card it touches is written,
 * so the card of p is enough; a large one is rescanned card by card. */
void dirty_note_object(const void *p)
{
	struct gc_block *b = tracking && G.dirty_source == DIRTY_MANUAL ? block_of((uintptr_t)p) : NULL;
	if (b && b->kind == BLOCK_SMALL)
		dirty_note(p, 1);
	else if (b && b->kind == BLOCK_LARGE)
		dirty_note(b->start, b->size);   /* a large object's size is its byte count */
}

/* A block taken from free pages while tracking (unprotected under mprotect). */
void dirty_new_block(struct gc_block *b, size_t npages)
{
	if (!tracking || G.dirty_source != DIRTY_MPROTECT)
		return;
	struct gc_chunk *c = chunk_of((uintptr_t)b->start);
	for (size_t i = 0; c && c->dirty && i < npages; i++)
		bit_set(c, (size_t)(b->start - c->base) / GC_PAGE + i);
}
