/* gc_tests.c: the collector's behaviour tests and their runner.
 *
 * Usage: gc_tests [-l N] [PREFIX [TEST]]   (PREFIX defaults to "gc_")
 *   -l N   long_list_10m builds a list of N nodes instead of 10 million (the
 *          full list needs about 175 MiB of heap; a small Pagoda VM can use
 *          -l 1000000)
 * Each test runs in a forked child and prints nothing on success (exit 0) or
 * its FAIL line (exit 3); any other end is reported by the runner, which
 * prints "PASS PREFIXname" or "FAIL PREFIXname: file:line: condition" and
 * exits 1 if any test failed. The same program runs on the host (glibc, with
 * UBSan), as a static musl binary on the host, and inside Pagoda.
 *
 * Roots: each root test keeps one object reachable in exactly one way and
 * checks that it survives several collections intact, while a control object
 * made the same way but not kept is reclaimed (which shows that the test
 * could fail: nothing else is holding objects alive).
 */
#include <stdlib.h>
#include <sys/mman.h>
#include <sys/wait.h>
#include <unistd.h>
#include <fcntl.h>
#include "gc_test.h"
#include "gc/gc.h"

const char *test_name;

int test_fail(const char *file, int line, const char *what)
{
	printf("FAIL %s: %s:%d: %s\n", test_name, file, line, what);
	fflush(stdout);
	return 1;
}

__attribute__((noinline)) void scrub_stack(void)
{
	char buf[64 * 1024];
	memset(buf, 0, sizeof buf);
	__asm__ volatile("" : : "r"(buf) : "memory");   /* keep the memset */
}

__attribute__((noinline)) void collect_clean(void)
{
	scrub_stack();
	gc_collect();
}

static uint64_t rnd_state = 88172645463325252ull;

void rnd_seed(uint64_t s)
{
	rnd_state = s ? s : 1;
}

uint64_t rnd(void)
{
	rnd_state ^= rnd_state >> 12;
	rnd_state ^= rnd_state << 25;
	rnd_state ^= rnd_state >> 27;
	return rnd_state * 2685821657736338717ull;
}

static void fill(unsigned char *p, size_t n, unsigned seed)
{
	for (size_t i = 0; i < n; i++)
		p[i] = (unsigned char)(seed + i * 7);
}

static int filled(const unsigned char *p, size_t n, unsigned seed)
{
	for (size_t i = 0; i < n; i++)
		if (p[i] != (unsigned char)(seed + i * 7))
			return 0;
	return 1;
}

__attribute__((noinline)) void make_garbage(uintptr_t *out, int n, size_t size, int atomic)
{
	for (int i = 0; i < n; i++) {
		unsigned char *p = atomic ? gc_malloc_atomic(size) : gc_malloc(size);
		fill(p, size, (unsigned)i);
		out[i] = hide(p);
	}
}

int count_marked(const uintptr_t *h, int n)
{
	int marked = 0;
	for (int i = 0; i < n; i++)
		marked += gc_was_marked(unhide(h[i])) == 1;
	return marked;
}

/* One 64-byte object holding a pattern; returns it hidden. */
__attribute__((noinline)) static uintptr_t make_one(size_t size, unsigned seed)
{
	unsigned char *p = gc_malloc_atomic(size);
	fill(p, size, seed);
	return hide(p);
}

/* ---- roots ---------------------------------------------------------------- */

/* The only copy of the pointer is in r15 across the collections. */
static int t_root_register(void)
{
	uintptr_t h = make_one(64, 1), control = make_one(64, 2);
	scrub_stack();
	void *out;
	__asm__ volatile("mov %1, %%r15\n\t"
			 "xor %2, %%r15\n\t"
			 "sub $128, %%rsp\n\t"       /* keep clear of the red zone */
			 "call gc_collect\n\t"
			 "call gc_collect\n\t"
			 "add $128, %%rsp\n\t"
			 "mov %%r15, %0"
			 : "=r"(out)
			 : "r"(h), "r"(HIDE_MASK)
			 : "r15", "rax", "rcx", "rdx", "rsi", "rdi", "r8", "r9", "r10", "r11",
			   "xmm0", "xmm1", "xmm2", "xmm3", "xmm4", "xmm5", "xmm6", "xmm7", "xmm8",
			   "xmm9", "xmm10", "xmm11", "xmm12", "xmm13", "xmm14", "xmm15", "memory",
			   "cc");
	CHECK(out == unhide(h));
	CHECK(gc_was_marked(out) == 1);
	CHECK(filled(out, 64, 1));
	CHECK(reclaimed(unhide(control)));
	return 0;
}

static int t_root_stack_local(void)
{
	void *volatile local = unhide(make_one(100, 3));
	uintptr_t control = make_one(100, 4);
	for (int i = 0; i < 3; i++)
		collect_clean();
	CHECK(gc_was_marked(local) == 1);
	CHECK(filled(local, 100, 3));
	CHECK(reclaimed(unhide(control)));
	return 0;
}

extern char __bss_start[];
void *data_root = &data_root;   /* initialised: lies in .data */
static void *bss_root;          /* zero: lies in .bss */

static int t_root_data(void)
{
	CHECK((char *)&data_root < __bss_start);
	data_root = unhide(make_one(48, 5));
	uintptr_t control = make_one(48, 6);
	for (int i = 0; i < 3; i++)
		collect_clean();
	CHECK(gc_was_marked(data_root) == 1);
	CHECK(filled(data_root, 48, 5));
	CHECK(reclaimed(unhide(control)));
	return 0;
}

static int t_root_bss(void)
{
	CHECK((char *)&bss_root >= __bss_start);
	bss_root = unhide(make_one(32, 7));
	uintptr_t control = make_one(32, 8);
	for (int i = 0; i < 3; i++)
		collect_clean();
	CHECK(gc_was_marked(bss_root) == 1);
	CHECK(filled(bss_root, 32, 7));
	CHECK(reclaimed(unhide(control)));
	return 0;
}

/* Pointers into the middle of a small and of a large object. */
static int t_root_interior(void)
{
	char *volatile small_mid = (char *)unhide(make_one(96, 9)) + 40;
	char *volatile large_mid = (char *)unhide(make_one(20000, 10)) + 12345;
	uintptr_t control = make_one(96, 11);
	for (int i = 0; i < 3; i++)
		collect_clean();
	CHECK(gc_was_marked(small_mid - 40) == 1);
	CHECK(filled((unsigned char *)small_mid - 40, 96, 9));
	CHECK(gc_was_marked(large_mid - 12345) == 1);
	CHECK(filled((unsigned char *)large_mid - 12345, 20000, 10));
	CHECK(reclaimed(unhide(control)));
	return 0;
}

struct link {
	struct link *next;
	long value;
	char pad[40];
};

__attribute__((noinline)) static struct link *make_chain(int n)
{
	struct link *head = NULL;
	for (int i = n - 1; i >= 0; i--) {
		struct link *l = gc_malloc(sizeof *l);
		l->next = head;
		l->value = i * 3 + 1;
		head = l;
	}
	return head;
}

/* Only the head is a root; the rest hangs off it through heap objects. */
static int t_root_heap_chain(void)
{
	struct link *volatile head = make_chain(1000);
	uintptr_t junk[500];
	for (int round = 0; round < 5; round++) {
		make_garbage(junk, 500, 56, 0);
		collect_clean();
		CHECK(count_marked(junk, 500) == 0);
	}
	int n = 0;
	for (struct link *l = head; l; l = l->next, n++) {
		CHECK(l->value == n * 3 + 1);
		CHECK(gc_was_marked(l) == 1);
	}
	CHECK(n == 1000);
	return 0;
}

/* A pointer in mmap'd memory (never scanned) counts only while registered. */
static int t_root_registered(void)
{
	void *volatile *page = mmap(NULL, 4096, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	CHECK(page != MAP_FAILED);
	page[100] = unhide(make_one(200, 12));
	gc_add_roots((void *)page, (void *)(page + 512));
	for (int i = 0; i < 3; i++)
		collect_clean();
	CHECK(gc_was_marked(page[100]) == 1);
	CHECK(filled(page[100], 200, 12));
	gc_remove_roots((void *)page, (void *)(page + 512));
	collect_clean();
	CHECK(reclaimed(page[100]));
	return 0;
}

__attribute__((noinline)) static void recurse_and_collect(int depth)
{
	volatile int pad[16] = { 0 };
	if (depth > 0)
		recurse_and_collect(depth - 1);
	else
		gc_collect();
	(void)pad[0];
}

/* A root far up the stack while the collection runs 2000 frames deeper. */
static int t_root_deep_stack(void)
{
	void *volatile local = unhide(make_one(64, 13));
	scrub_stack();
	recurse_and_collect(2000);
	CHECK(gc_was_marked(local) == 1);
	CHECK(filled(local, 64, 13));
	return 0;
}

/* ---- reclaiming ------------------------------------------------------------ */

static int t_reclaim_unreachable(void)
{
	static uintptr_t h[3000];
	make_garbage(h, 1000, 24, 0);
	make_garbage(h + 1000, 1000, 200, 0);
	make_garbage(h + 2000, 1000, 1500, 1);
	collect_clean();
	CHECK(count_marked(h, 3000) == 0);
	struct gc_stats st;
	gc_get_stats(&st);
	CHECK(st.live_objects < 100);
	return 0;
}

__attribute__((noinline)) static void make_rings(uintptr_t *h, int rings, int len)
{
	for (int r = 0; r < rings; r++) {
		struct link *first = gc_malloc(sizeof *first), *prev = first;
		h[r * len] = hide(first);
		for (int i = 1; i < len; i++) {
			struct link *l = gc_malloc(sizeof *l);
			prev->next = l;
			h[r * len + i] = hide(l);
			prev = l;
		}
		prev->next = first;   /* close the cycle */
	}
}

/* Reference counting would keep cycles forever; marking does not. */
static int t_reclaim_cycles(void)
{
	static uintptr_t h[1000];
	make_rings(h, 100, 10);
	collect_clean();
	CHECK(count_marked(h, 1000) == 0);
	return 0;
}

__attribute__((noinline)) static void *make_holder(uintptr_t *h, int n, int atomic)
{
	void **holder = atomic ? gc_malloc_atomic(n * sizeof(void *)) : gc_malloc(n * sizeof(void *));
	for (int i = 0; i < n; i++) {
		holder[i] = gc_malloc(40);
		h[i] = hide(holder[i]);
	}
	return holder;
}

/* Pointers stored in atomic memory do not keep their targets alive; the
 * same pointers in ordinary memory do. */
static int t_reclaim_atomic_referenced(void)
{
	uintptr_t from_atomic[100], from_plain[100];
	void *volatile atomic = make_holder(from_atomic, 100, 1);
	void *volatile plain = make_holder(from_plain, 100, 0);
	collect_clean();
	CHECK(gc_was_marked(atomic) == 1);
	CHECK(gc_was_marked(plain) == 1);
	CHECK(count_marked(from_atomic, 100) == 0);
	CHECK(count_marked(from_plain, 100) == 100);
	return 0;
}

/* ---- the API --------------------------------------------------------------- */

static int t_zeroed_after_reuse(void)
{
	uintptr_t h[2000];
	make_garbage(h, 2000, 64, 0);   /* filled with non-zero bytes */
	collect_clean();
	for (int i = 0; i < 4000; i++) {
		unsigned char *p = gc_malloc(64);
		for (int k = 0; k < 64; k++)
			CHECK(p[k] == 0);
	}
	return 0;
}

static int t_explicit_free(void)
{
	void *p = gc_malloc(64);
	memset(p, 0xee, 64);
	gc_free(p);
	unsigned char *q = gc_malloc(64);
	CHECK((void *)q == p);
	for (int k = 0; k < 64; k++)
		CHECK(q[k] == 0);
	void *big = gc_malloc(50000);
	gc_free(big);
	CHECK(gc_was_marked(big) == -1);   /* its pages are free again */
	gc_free(NULL);
	CHECK(gc_check_heap() == 0);
	return 0;
}

static int t_disable_enable(void)
{
	struct gc_stats a, b, c;
	gc_collect();
	gc_disable();
	gc_get_stats(&a);
	for (int i = 0; i < 200000; i++)
		gc_malloc(100);
	gc_get_stats(&b);
	CHECK(b.collections == a.collections);
	CHECK(b.disabled == 1);
	gc_enable();
	for (int i = 0; i < 200000; i++)
		gc_malloc(100);
	gc_get_stats(&c);
	CHECK(c.collections > b.collections);
	return 0;
}

static int t_stats(void)
{
	struct gc_stats a, b;
	const uint64_t *log;
	gc_get_stats(&a);
	size_t logged = gc_get_pause_log(&log);
	void *volatile keep = gc_malloc(1 << 20);
	for (int i = 0; i < 1000; i++)
		gc_malloc(32);
	collect_clean();
	gc_get_stats(&b);
	CHECK(b.collections >= a.collections + 1);
	CHECK(b.total_allocated >= a.total_allocated + (1 << 20) + 32000);
	CHECK(b.live_bytes >= (1 << 20));
	CHECK(b.heap_bytes >= b.live_bytes);
	CHECK(b.peak_heap_bytes >= b.heap_bytes);
	CHECK(b.allocated_since_gc == 0);
	/* Times only as relations: a pause may read 0 ns on a coarse clock. */
	CHECK(b.pause_ns_max >= b.pause_ns_last);
	CHECK(b.pause_ns_total >= b.pause_ns_max);
	size_t now = gc_get_pause_log(&log);   /* one pause per collection, or more (incremental) */
	CHECK(now >= logged + (b.collections - a.collections));
	CHECK(log[now - 1] == b.pause_ns_last);
	CHECK(gc_was_marked(keep) == 1);
	return 0;
}

static int t_base_and_size(void)
{
	char *p = gc_malloc(100), *big = gc_malloc(10000);
	CHECK(gc_base(p + 50) == p);
	CHECK(gc_size(p) >= 100 && gc_size(p) < 128);
	CHECK(gc_base(big + 9999) == big);
	CHECK(gc_size(big) >= 10000);
	int local;
	CHECK(gc_base(&local) == NULL);
	CHECK(((uintptr_t)p & 15) == 0 && ((uintptr_t)big & 15) == 0);
	return 0;
}

__attribute__((noinline)) static void *make_burst(long n)
{
	void **head = NULL;
	for (long i = 0; i < n; i++) {
		void **p = gc_malloc(48);
		p[0] = head;
		head = p;
	}
	return head;
}

/* 48 MiB live, then dropped: the wholly free chunks go back to the system. */
static int t_heap_shrinks(void)
{
	void *volatile burst = make_burst(1 << 20);
	collect_clean();
	struct gc_stats a, b;
	gc_get_stats(&a);
	CHECK(a.live_bytes >= (48u << 20));
	burst = NULL;
	for (int i = 0; i < 4; i++)   /* low live data at 4 collections in a row (LIVE_HISTORY + 1) */
		collect_clean();
	gc_get_stats(&b);
	CHECK(b.peak_heap_bytes >= (48u << 20));
	CHECK(b.heap_bytes < (12u << 20));
	CHECK(gc_check_heap() == 0);
	CHECK(make_burst(1000) != NULL);   /* the heap still works */
	CHECK(gc_check_heap() == 0);
	(void)burst;
	return 0;
}

static int t_heap_invariants(void)
{
	uintptr_t h[3000];
	void *volatile keep[50];
	for (int round = 0; round < 5; round++) {
		make_garbage(h, 3000, (size_t)(16 + round * 300), round & 1);
		for (int i = 0; i < 50; i++)
			keep[i] = gc_malloc(8 + (rnd() % 9000));
		CHECK(gc_check_heap() == 0);
		collect_clean();
		CHECK(gc_check_heap() == 0);
	}
	(void)keep;
	return 0;
}

/* ---- runner ---------------------------------------------------------------- */

struct test {
	const char *name;
	int (*fn)(void);
};

/* Does the kernel really track soft-dirty bits (Pagoda does; a Linux built
 * without CONFIG_MEM_SOFT_DIRTY does not)? */
static int kernel_tracks_soft_dirty(void)
{
	int pm = open("/proc/self/pagemap", O_RDONLY), cr = open("/proc/self/clear_refs", O_WRONLY);
	volatile char *p = mmap(NULL, 4096, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	uint64_t e = 0;
	p[0] = 1;
	int ok = pm >= 0 && cr >= 0 && write(cr, "4", 1) == 1;
	p[0] = 2;
	ok = ok && lseek(pm, (off_t)((uintptr_t)p / 4096 * 8), SEEK_SET) >= 0 && read(pm, &e, 8) == 8;
	close(pm);
	close(cr);
	return ok && (e >> 55 & 1);
}

static int t_dirty_bits_source(void)
{
	GC_enable_incremental();
	const char *src = GC_get_dirty_bits_source();
	CHECK(GC_is_incremental_mode());
	CHECK(strcmp(src, kernel_tracks_soft_dirty() ? "soft-dirty" : "mprotect") == 0);
	return 0;
}

enum { SLOTS = 2000, LIST = 400000 };

struct lnode {
	struct lnode *next;
	long pad[3];
};

/* barrier: store through bdwgc's write barrier (the manual VDB's report). */
__attribute__((noinline)) static void refill_with(void **slots, uintptr_t *hidden, unsigned seed, int barrier)
{
	for (int i = 0; i < SLOTS; i++) {
		unsigned *o = gc_malloc(48);
		o[0] = seed + (unsigned)i;
		if (barrier)
			GC_PTR_STORE_AND_DIRTY(&slots[i], o);
		else
			slots[i] = o;
		hidden[i] = hide(o);
	}
}

static void refill(void **slots, uintptr_t *hidden, unsigned seed)
{
	refill_with(slots, hidden, seed, 0);
}

/* The write the dirty bits exist for: pointers to new objects stored into
 * an object that marking has already reached, in the middle of a cycle. The
 * finish must find them through the written page. */
static int stores_mid_cycle(int barrier)
{
	static uintptr_t hidden[SLOTS];
	struct lnode *volatile list = NULL;
	for (int i = 0; i < LIST; i++) {   /* enough live data for a many-step cycle */
		struct lnode *n = gc_malloc(sizeof *n);
		n->next = list;
		list = n;
	}
	void **volatile slots = gc_malloc(SLOTS * sizeof(void *));
	refill(slots, hidden, 0);
	churn_until(1, 0);
	for (int i = 0; i < 100 && gc_was_marked(slots) != 1 && now_stats().marking; i++)
		GC_collect_a_little();
	uint64_t during = now_stats().collections;
	CHECK(now_stats().marking && gc_was_marked(slots) == 1);
	gc_disable();                    /* no step may finish the cycle halfway through */
	refill_with(slots, hidden, 100000, barrier);   /* only reachable through slots */
	gc_enable();
	scrub_stack();
	churn_until(0, during);                /* that cycle finished */
	int kept = 0;
	for (int i = 0; i < SLOTS; i++)
		kept += gc_was_marked(unhide(hidden[i])) == 1 && *(unsigned *)slots[i] == 100000u + (unsigned)i;
	CHECK(kept == SLOTS);
	CHECK(gc_check_heap() == 0);
	(void)list;
	return 0;
}

static int t_incremental_stores_mid_cycle(void)
{
	GC_enable_incremental();
	return stores_mid_cycle(0);
}

/* The same with bdwgc's manual VDB: no kernel dirty bits, only the
 * program's reports (GC_PTR_STORE_AND_DIRTY), card by card. */
static int t_manual_vdb_stores_mid_cycle(void)
{
	GC_set_manual_vdb_allowed(1);
	GC_enable_incremental();
	CHECK(strcmp(GC_get_dirty_bits_source(), "manual") == 0);
	return stores_mid_cycle(1);
}

static const struct test tests[] = {
	{ "dirty_bits_source", t_dirty_bits_source },
	{ "incremental_stores_mid_cycle", t_incremental_stores_mid_cycle },
	{ "manual_vdb_stores_mid_cycle", t_manual_vdb_stores_mid_cycle },
	{ "generational_minor_stores", t_generational_minor_stores },
	{ "root_register", t_root_register },
	{ "root_stack_local", t_root_stack_local },
	{ "root_data", t_root_data },
	{ "root_bss", t_root_bss },
	{ "root_interior_pointer", t_root_interior },
	{ "root_heap_chain", t_root_heap_chain },
	{ "root_registered", t_root_registered },
	{ "root_deep_stack", t_root_deep_stack },
	{ "reclaim_unreachable", t_reclaim_unreachable },
	{ "reclaim_cycles", t_reclaim_cycles },
	{ "reclaim_atomic_referenced", t_reclaim_atomic_referenced },
	{ "bounded_heap_garbage_loop", t_bounded_heap_loop },
	{ "random_graph_reachability", t_random_graph },
	{ "large_objects", t_large_objects },
	{ "realloc", t_realloc },
	{ "long_list_10m", t_long_list_10m },
	{ "mark_stack_overflow", t_mark_stack_overflow },
	{ "zeroed_after_reuse", t_zeroed_after_reuse },
	{ "explicit_free", t_explicit_free },
	{ "disable_enable", t_disable_enable },
	{ "stats", t_stats },
	{ "base_and_size", t_base_and_size },
	{ "heap_shrinks", t_heap_shrinks },
	{ "heap_invariants", t_heap_invariants },
	{ "threads_stacks_are_roots", t_threads_stacks_are_roots },
	{ "threads_collect_from_thread", t_threads_collect_from_thread },
};

static int run_one(const char *prefix, const struct test *t)
{
	char name[128];
	snprintf(name, sizeof name, "%s%s", prefix, t->name);
	fflush(stdout);
	pid_t pid = fork();
	if (pid == 0) {
		test_name = name;
		_exit(t->fn() ? 3 : 0);
	}
	int status = 0;
	if (pid < 0 || waitpid(pid, &status, 0) != pid) {
		printf("FAIL %s: fork/wait failed\n", name);
		return 1;
	}
	if (WIFEXITED(status) && WEXITSTATUS(status) == 0) {
		printf("PASS %s\n", name);
		return 0;
	}
	if (WIFSIGNALED(status))
		printf("FAIL %s: killed by signal %d\n", name, WTERMSIG(status));
	else if (WEXITSTATUS(status) != 3)
		printf("FAIL %s: exit status %d\n", name, WEXITSTATUS(status));
	return 1;
}

int main(int argc, char **argv)
{
	if (argc > 2 && strcmp(argv[1], "-l") == 0) {
		list_len = atol(argv[2]);
		argc -= 2;
		argv += 2;
	}
	const char *prefix = argc > 1 ? argv[1] : "gc_";
	int failed = 0, ran = 0;
	for (size_t i = 0; i < sizeof tests / sizeof tests[0]; i++) {
		if (argc > 2 && strcmp(argv[2], tests[i].name) != 0)
			continue;
		failed += run_one(prefix, &tests[i]);
		ran++;
	}
	printf("%s: %d passed, %d failed\n", prefix, ran - failed, failed);
	return failed || !ran;
}
