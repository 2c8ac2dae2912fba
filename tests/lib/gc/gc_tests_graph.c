/* gc_tests_graph.c: the collector's larger tests: random object graphs
 * checked against reachability computed here, a 10-million-node list, mark
 * stack overflow, large objects, realloc, and a long garbage loop.
 */
#include <stdlib.h>
#include "gc_test.h"

/* ---- random graphs ------------------------------------------------------------
 *
 * The model lives in malloc'd memory, which the collector never scans: edge
 * ids, node addresses, and the reachability the test computes by BFS. Each
 * round rewires edges, picks new roots (kept only in this frame's array),
 * collects, and requires gc_was_marked(node) == reachable(node) for every
 * node, with every reachable node's id and edges intact. Unreachable nodes
 * are forgotten and made again next round, so reclaimed memory is reused.
 */
enum { NODES = 4000, SLOTS = 4, ROOTS = 8, ROUNDS = 6 };

struct gnode {
	struct gnode *slot[SLOTS];
	long id;
};

struct graph {
	int (*edge)[SLOTS];
	struct gnode **addr;
	char *reach;
	int *queue;
};

__attribute__((noinline)) static void create_missing(struct graph *g)
{
	for (int i = 0; i < NODES; i++) {
		if (g->addr[i])
			continue;
		struct gnode *n = gc_malloc(sizeof *n);
		n->id = i;
		g->addr[i] = n;
		for (int k = 0; k < SLOTS; k++)
			g->edge[i][k] = -1;
	}
}

__attribute__((noinline)) static void rewire(struct graph *g)
{
	for (int e = 0; e < NODES * 2; e++) {
		int i = (int)(rnd() % NODES), k = (int)(rnd() % SLOTS);
		int j = rnd() % 5 == 0 ? -1 : (int)(rnd() % NODES);
		g->edge[i][k] = j;
		g->addr[i]->slot[k] = j < 0 ? NULL : g->addr[j];
	}
}

__attribute__((noinline)) static void pick_roots(struct graph *g, int *ids, struct gnode *volatile *roots)
{
	for (int r = 0; r < ROOTS; r++) {
		ids[r] = (int)(rnd() % NODES);
		roots[r] = g->addr[ids[r]];
	}
}

static void compute_reach(struct graph *g, const int *ids)
{
	int head = 0, tail = 0;
	memset(g->reach, 0, NODES);
	for (int r = 0; r < ROOTS; r++)
		if (!g->reach[ids[r]]) {
			g->reach[ids[r]] = 1;
			g->queue[tail++] = ids[r];
		}
	while (head < tail) {
		int i = g->queue[head++];
		for (int k = 0; k < SLOTS; k++) {
			int j = g->edge[i][k];
			if (j >= 0 && !g->reach[j]) {
				g->reach[j] = 1;
				g->queue[tail++] = j;
			}
		}
	}
}

static int check_round(struct graph *g)
{
	for (int i = 0; i < NODES; i++) {
		struct gnode *n = g->addr[i];
		CHECK((gc_was_marked(n) == 1) == g->reach[i]);
		if (!g->reach[i]) {
			g->addr[i] = NULL;   /* reclaimed: never touch it again */
			continue;
		}
		CHECK(n->id == i);
		for (int k = 0; k < SLOTS; k++)
			CHECK(n->slot[k] == (g->edge[i][k] < 0 ? NULL : g->addr[g->edge[i][k]]));
	}
	return 0;
}

int t_random_graph(void)
{
	struct graph g = {
		.edge = calloc(NODES, sizeof *g.edge), .addr = calloc(NODES, sizeof *g.addr),
		.reach = calloc(NODES, 1), .queue = calloc(NODES, sizeof *g.queue),
	};
	CHECK(g.edge && g.addr && g.reach && g.queue);
	struct gnode *volatile roots[ROOTS];
	int ids[ROOTS];
	rnd_seed(12345);
	for (int round = 0; round < ROUNDS; round++) {
		create_missing(&g);
		rewire(&g);
		pick_roots(&g, ids, roots);
		compute_reach(&g, ids);
		collect_clean();
		if (check_round(&g))
			return 1;
	}
	CHECK(gc_check_heap() == 0);
	return 0;
}

/* ---- a 10-million-node list --------------------------------------------------- */

struct cell {
	struct cell *next;
	long value;
};

long list_len = 10 * 1000 * 1000;   /* gc_tests -l N changes it */

__attribute__((noinline)) static struct cell *build_list(long n)
{
	struct cell *head = NULL;
	for (long i = 0; i < n; i++) {
		struct cell *c = gc_malloc(sizeof *c);
		c->value = i;
		c->next = head;
		head = c;
	}
	return head;
}

/* Recursive marking would need 10 million frames; the mark stack stays one
 * entry deep. */
int t_long_list_10m(void)
{
	struct cell *volatile head = build_list(list_len);
	collect_clean();
	struct gc_stats st;
	gc_get_stats(&st);
	CHECK(st.live_objects >= (size_t)list_len);
	CHECK(st.mark_stack_overflows == 0);
	long n = 0, expect = list_len - 1;
	for (struct cell *c = head; c; c = c->next, n++, expect--)
		CHECK(c->value == expect);
	CHECK(n == list_len);
	return 0;
}

/* ---- mark stack overflow --------------------------------------------------------- */

enum { FAN = 8, DEPTH = 5 };

struct wide {
	struct wide *child[FAN];
	long id;
};

__attribute__((noinline)) static struct wide *build_wide(int depth, long *next_id, uintptr_t *hidden)
{
	struct wide *w = gc_malloc(sizeof *w);
	w->id = (*next_id)++;
	if (hidden)
		hidden[w->id] = hide(w);
	for (int k = 0; depth > 0 && k < FAN; k++)
		w->child[k] = build_wide(depth - 1, next_id, hidden);
	return w;
}

static long check_wide(const struct wide *w, int depth)
{
	if (gc_was_marked(w) != 1)
		return -1000000;
	long n = 1;
	for (int k = 0; depth > 0 && k < FAN; k++)
		n += check_wide(w->child[k], depth - 1);
	return n;
}

/* With a 4-entry mark stack a fan-out-8 tree overflows at once; recovery
 * must still mark all of it, and nothing of an unreachable twin. */
int t_mark_stack_overflow(void)
{
	static uintptr_t garbage[4681];
	long ids = 0, gids = 0;
	gc_set_mark_stack_limit(4);
	struct wide *volatile root = build_wide(DEPTH, &ids, NULL);
	build_wide(DEPTH - 1, &gids, garbage);
	collect_clean();
	struct gc_stats st;
	gc_get_stats(&st);
	CHECK(st.mark_stack_overflows > 0);
	CHECK(check_wide(root, DEPTH) == ids);
	CHECK(gids == 4681);
	CHECK(count_marked(garbage, 4681) == 0);
	gc_set_mark_stack_limit(0);
	collect_clean();
	CHECK(check_wide(root, DEPTH) == ids);
	return 0;
}

/* ---- large objects ---------------------------------------------------------------- */

static const size_t large_sizes[] = { 2049, 4096, 4097, 12288, 100000, 1 << 20, 8 << 20 };
enum { NLARGE = sizeof large_sizes / sizeof large_sizes[0] };

static int pattern_ok(const unsigned char *p, size_t n, unsigned seed)
{
	for (size_t i = 0; i < n; i += 61)
		if (p[i] != (unsigned char)(seed ^ (i >> 3)))
			return 0;
	return 1;
}

static void pattern_fill(unsigned char *p, size_t n, unsigned seed)
{
	for (size_t i = 0; i < n; i += 61)
		p[i] = (unsigned char)(seed ^ (i >> 3));
}

__attribute__((noinline)) static void large_garbage(int n)
{
	for (int i = 0; i < n; i++)
		memset(gc_malloc(300000 + (size_t)i * 4096), 0x5a, 4096);
}

int t_large_objects(void)
{
	unsigned char *volatile keep[NLARGE];
	uintptr_t hidden[NLARGE];
	for (int i = 0; i < NLARGE; i++) {
		unsigned char *p = gc_malloc(large_sizes[i]);
		for (size_t k = 0; k < large_sizes[i]; k++)
			CHECK(p[k] == 0);
		pattern_fill(p, large_sizes[i], (unsigned)i);
		keep[i] = p;
		hidden[i] = hide(p);
	}
	for (int round = 0; round < 3; round++) {
		large_garbage(20);
		collect_clean();
		for (int i = 0; i < NLARGE; i++) {
			CHECK(gc_was_marked(keep[i]) == 1);
			CHECK(pattern_ok(keep[i], large_sizes[i], (unsigned)i));
		}
	}
	keep[NLARGE - 1] += 5 << 20;   /* only an interior pointer is left */
	collect_clean();
	CHECK(gc_was_marked(unhide(hidden[NLARGE - 1])) == 1);
	for (int i = 0; i < NLARGE; i++)
		keep[i] = NULL;
	collect_clean();
	for (int i = 0; i < NLARGE; i++)
		CHECK(reclaimed(unhide(hidden[i])));
	large_garbage(200);   /* 200 objects of 0.3-1.1 MiB, ~140 MiB in all */
	struct gc_stats st;
	gc_get_stats(&st);
	CHECK(st.heap_bytes < (48u << 20));
	CHECK(gc_check_heap() == 0);
	return 0;
}

/* ---- realloc ------------------------------------------------------------------------ */

/* Store a new object (or a hidden one) in *slot, with no copy left here. */
__attribute__((noinline)) static uintptr_t store_new(void **slot)
{
	void *p = gc_malloc(64);
	*slot = p;
	return hide(p);
}

__attribute__((noinline)) static void store_hidden(void **slot, uintptr_t h)
{
	*slot = unhide(h);
}

int t_realloc(void)
{
	static const size_t steps[] = { 24, 100, 1000, 2048, 5000, 100000, 3000000, 700, 10 };
	unsigned char *volatile p = gc_realloc(NULL, 10);
	CHECK(p != NULL);
	pattern_fill(p, 10, 77);
	size_t have = 10;
	for (size_t s = 0; s < sizeof steps / sizeof steps[0]; s++) {
		p = gc_realloc(p, steps[s]);
		CHECK(p != NULL);
		CHECK(pattern_ok(p, have < steps[s] ? have : steps[s], 77));
		for (size_t k = have; k < steps[s]; k++)
			CHECK(p[k] == 0);
		pattern_fill(p, steps[s], 77);
		have = steps[s];
		collect_clean();
		CHECK(gc_was_marked(p) == 1);
	}
	/* A pointer inside a realloc'd object keeps its target alive... */
	void **volatile holder = gc_malloc(16);
	holder = gc_realloc(holder, 4000);
	/* volatile: the compiler must not keep unhide(target) in a register */
	volatile uintptr_t target = store_new(&holder[300]);
	collect_clean();
	CHECK(gc_was_marked(unhide(target)) == 1);
	/* ...unless the object is atomic, and realloc keeps it atomic. */
	void **volatile atomic = gc_malloc_atomic(16);
	atomic = gc_realloc(atomic, 4000);
	store_hidden(&atomic[300], target);
	holder[300] = NULL;
	collect_clean();
	CHECK(reclaimed(unhide(target)));
	CHECK(gc_realloc(p, 0) == NULL);
	CHECK(gc_check_heap() == 0);
	return 0;
}

/* ---- bounded heap under a long garbage loop --------------------------------- */

enum { LOOP_ALLOCS = 1500000, LIVE_SLOTS = 128 };

int t_bounded_heap_loop(void)
{
	void *volatile live[LIVE_SLOTS] = { 0 };
	rnd_seed(99);
	for (long i = 0; i < LOOP_ALLOCS; i++) {
		size_t size = i % 1000 == 0 ? 20000 + rnd() % 50000 : 16 + rnd() % 500;
		void *p = (i & 1) ? gc_malloc(size) : gc_malloc_atomic(size);
		CHECK(p != NULL);
		if (rnd() % 64 == 0)
			live[rnd() % LIVE_SLOTS] = p;
	}
	struct gc_stats st;
	gc_get_stats(&st);
	CHECK(st.total_allocated > (400u << 20));
	CHECK(st.collections >= 100);
	CHECK(st.peak_heap_bytes < (8u << 20));
	CHECK(gc_check_heap() == 0);
	(void)live[0];
	return 0;
}
