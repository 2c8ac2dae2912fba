/* gc_finalize.c: finalizers, disappearing links and finalized objects, with
 * bdwgc's rules (gc.h, gc_disclaim.h, javaxfc.h).
 *
 * Owns: the finalizer table (gc_table.c, keyed by object: v[0] fn, v[1] cd,
 * v[2] order), the ready queue, the short and long link tables (keyed by the
 * link's address: v[0] the object), the on-demand flag and notifier.
 *
 * After marking, every collection runs finalize_after_mark:
 *   1. short links: a link whose object is unmarked is cleared (*link = 0)
 *      and forgotten, before any finalization decision;
 *   2. ordering: for each finalizable object still unmarked, mark what it
 *      points to (FO_NORMAL: all its words; FO_IGNORE_SELF: all but pointers
 *      into itself; FO_NO_ORDER and FO_UNREACHABLE: nothing), without
 *      marking the object. An object marked by this is reachable from another
 *      finalizable one and waits: if A points to B, A is finalized in this
 *      collection and B in a later one (topological order). An object that
 *      reaches itself this way is never finalized (a warning says so);
 *   3. every finalizable object still unmarked is ready: it leaves the table,
 *      joins the ready queue and is marked, so that it and everything it
 *      points to survive until its finalizer has run (as in bdwgc's "Java"
 *      mode, its default, the referents of FO_NO_ORDER objects are marked
 *      too, and an FO_UNREACHABLE object they reach goes back to the table);
 *   4. links whose own location lies in an unmarked heap object are
 *      forgotten; long links are cleared like short ones, but only now, so a
 *      finalizer that resurrects its object keeps them;
 *   5. finalized objects (GC_finalized_malloc) found unmarked: everything
 *      they point to is marked, then their closure is called; the sweep that
 *      follows reclaims them.
 * Ready finalizers run outside any collection: from GC_invoke_finalizers,
 * and, unless GC_set_finalize_on_demand(1), at the end of GC_gcollect and
 * in allocation slow paths (finalize_run_pending), never nested.
 *
 * Invariants: an object is in the table or in the ready queue, never both;
 * every table cd and ready entry is marked as a root (finalize_mark_roots);
 * the tables live outside the scanned memory, so a registration alone
 * keeps no object alive.
 */
#include <stdio.h>
#include <string.h>
#include <sys/mman.h>
#include "gc_internal.h"
#include "gc_table.h"
#include "include/gc/gc.h"
#include "include/gc/gc_disclaim.h"

enum fo_order { FO_NORMAL, FO_IGNORE_SELF, FO_NO_ORDER, FO_UNREACHABLE };

struct ready {
	void *obj;
	GC_finalization_proc fn;
	void *cd;
	uintptr_t order;
};

static struct gc_table fins, short_links, long_links;
static struct ready *queue;           /* pending: [queue_head, queue_len) */
static size_t queue_head, queue_len, queue_cap;
static int on_demand, running, finalized_kind_used;
static GC_finalizer_notifier_proc notifier;
static GC_word notified_gc;

/* ---- registration -------------------------------------------------------- */

static int is_object_start(const void *p)
{
	return p && gc_base(p) == p;
}

static void register_fo(void *obj, GC_finalization_proc fn, void *cd, GC_finalization_proc *ofn,
			void **ocd, enum fo_order order)
{
	GC_finalization_proc old_fn = NULL;
	void *old_cd = NULL;
	struct gc_entry *e = is_object_start(obj) && !G.find_leak ? table_get(&fins, (uintptr_t)obj) : NULL;
	if (e) {
		old_fn = (GC_finalization_proc)e->v[0];
		old_cd = (void *)e->v[1];
		table_del(&fins, e);
	}
	if (fn && is_object_start(obj) && !G.find_leak) {
		int fresh;
		e = table_put(&fins, (uintptr_t)obj, &fresh);
		if (e) {
			e->v[0] = (uintptr_t)fn;
			e->v[1] = (uintptr_t)cd;
			e->v[2] = order;
		}
	}
	if (ofn)
		*ofn = old_fn;
	if (ocd)
		*ocd = old_cd;
}

void GC_register_finalizer(void *obj, GC_finalization_proc fn, void *cd, GC_finalization_proc *ofn, void **ocd)
{
	register_fo(obj, fn, cd, ofn, ocd, FO_NORMAL);
}

void GC_register_finalizer_ignore_self(void *obj, GC_finalization_proc fn, void *cd,
				       GC_finalization_proc *ofn, void **ocd)
{
	register_fo(obj, fn, cd, ofn, ocd, FO_IGNORE_SELF);
}

void GC_register_finalizer_no_order(void *obj, GC_finalization_proc fn, void *cd,
				    GC_finalization_proc *ofn, void **ocd)
{
	register_fo(obj, fn, cd, ofn, ocd, FO_NO_ORDER);
}

void GC_register_finalizer_unreachable(void *obj, GC_finalization_proc fn, void *cd,
				       GC_finalization_proc *ofn, void **ocd)
{
	register_fo(obj, fn, cd, ofn, ocd, FO_UNREACHABLE);
}

/* ---- disappearing links ---------------------------------------------------- */

static int link_register(struct gc_table *t, void **link, const void *obj)
{
	if (G.find_leak)
		return GC_UNIMPLEMENTED;
	if ((uintptr_t)link & (sizeof(void *) - 1))
		return GC_UNIMPLEMENTED;   /* bdwgc aborts: a link must be aligned */
	int fresh;
	struct gc_entry *e = table_put(t, (uintptr_t)link, &fresh);
	if (!e)
		return GC_NO_MEMORY;
	if (!fresh)
		return GC_DUPLICATE;
	e->v[0] = (uintptr_t)obj;
	return GC_SUCCESS;
}

static int link_unregister(struct gc_table *t, void **link)
{
	struct gc_entry *e = table_get(t, (uintptr_t)link);
	if (!e)
		return 0;
	table_del(t, e);
	return 1;
}

static int link_move(struct gc_table *t, void **link, void **new_link)
{
	struct gc_entry *e = table_get(t, (uintptr_t)link);
	if (!e)
		return GC_NOT_FOUND;
	if (link == new_link)
		return GC_SUCCESS;
	if (table_get(t, (uintptr_t)new_link))
		return GC_DUPLICATE;
	uintptr_t obj = e->v[0];
	table_del(t, e);
	return link_register(t, new_link, (void *)obj);
}

int GC_general_register_disappearing_link(void **link, const void *obj)
{
	return link_register(&short_links, link, obj);
}

int GC_register_disappearing_link(void **link)
{
	void *base = gc_base(link);
	return base ? link_register(&short_links, link, base) : GC_NOT_FOUND;
}

int GC_unregister_disappearing_link(void **link) { return link_unregister(&short_links, link); }
int GC_move_disappearing_link(void **link, void **new_link) { return link_move(&short_links, link, new_link); }
int GC_register_long_link(void **link, const void *obj) { return link_register(&long_links, link, obj); }
int GC_unregister_long_link(void **link) { return link_unregister(&long_links, link); }
int GC_move_long_link(void **link, void **new_link) { return link_move(&long_links, link, new_link); }

static int unmarked(const void *p)
{
	return gc_was_marked(p) == 0;
}

/* Clear the links to unmarked objects; forget links that lie in dead objects. */
static void links_clear(struct gc_table *t)
{
	for (struct gc_entry *e = NULL; (e = table_next(t, e));)
		if (unmarked((void *)e->v[0])) {
			*(void **)e->key = NULL;
			table_del(t, e);
		}
}

static void links_forget_dangling(struct gc_table *t)
{
	for (struct gc_entry *e = NULL; (e = table_next(t, e));)
		if (unmarked((void *)e->key))
			table_del(t, e);
}

/* ---- finalization after marking --------------------------------------------- */

static void drain_all(void)
{
	mark_drain();
	mark_recover_overflow();
}

/* Mark every word of obj that points outside obj (FO_IGNORE_SELF). */
static void mark_except_self(char *obj, struct gc_block *b)
{
	size_t size = block_capacity(b);
	uintptr_t *w = (uintptr_t *)obj;
	for (size_t i = 0; i < size / sizeof(uintptr_t) && b->okind != OBJ_ATOMIC; i++)
		if (w[i] - (uintptr_t)obj >= size)
			mark_range(&w[i], &w[i] + 1);
}

static void mark_referents(void *obj, enum fo_order order)
{
	struct gc_block *b;
	char *base = object_of(obj, &b);
	if (!base)
		return;
	if (order == FO_NORMAL || order == FO_UNREACHABLE)
		mark_contents(b, base);
	else if (order == FO_IGNORE_SELF)
		mark_except_self(base, b);
	drain_all();
}

static int queue_push(struct ready r)
{
	if (queue_len == queue_cap) {
		size_t cap = queue_cap ? queue_cap * 2 : 256;
		struct ready *q = mmap(NULL, cap * sizeof *q, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
		if (q == MAP_FAILED)
			return -1;
		if (queue) {
			memcpy(q, queue, queue_len * sizeof *q);
			munmap(queue, queue_cap * sizeof *q);
		}
		queue = q;
		queue_cap = cap;
	}
	queue[queue_len++] = r;
	return 0;
}

static void warn_cycle(void *obj)
{
	GC_warn_proc w = GC_get_warn_proc();
	w("GC Warning: Finalization cycle involving %p\n", (GC_word)obj);
}

static void order_finalizable(void)
{
	for (struct gc_entry *e = NULL; (e = table_next(&fins, e));) {
		if (!unmarked((void *)e->key))
			continue;
		mark_referents((void *)e->key, (enum fo_order)e->v[2]);
		if (!unmarked((void *)e->key))
			warn_cycle((void *)e->key);
	}
}

static void mark_referents_all(void *obj)
{
	struct gc_block *b;
	char *base = object_of(obj, &b);
	if (base)
		mark_contents(b, base);
}

static void enqueue_unmarked(size_t first)
{
	for (struct gc_entry *e = NULL; (e = table_next(&fins, e));) {
		if (!unmarked((void *)e->key))
			continue;
		struct ready r = { (void *)e->key, (GC_finalization_proc)e->v[0], (void *)e->v[1], e->v[2] };
		if (queue_push(r))
			return;   /* no memory: stays registered, tried again next time */
		table_del(&fins, e);
	}
	for (size_t i = first; i < queue_len; i++) {   /* Java mode: no-order referents live on */
		if (queue[i].order == FO_NO_ORDER)
			mark_referents_all(queue[i].obj);
	}
	drain_all();
}

/* An FO_UNREACHABLE object that a no-order object reaches is not finalized
 * yet; every other ready object is marked now. */
static void revive_or_mark(size_t first)
{
	size_t kept = first;
	for (size_t i = first; i < queue_len; i++) {
		struct ready r = queue[i];
		if (r.order == FO_UNREACHABLE && !unmarked(r.obj)) {
			register_fo(r.obj, r.fn, r.cd, NULL, NULL, FO_UNREACHABLE);
			continue;
		}
		queue[kept++] = r;
		mark_range((uintptr_t *)&queue[kept - 1].obj, (uintptr_t *)&queue[kept - 1].obj + 1);
	}
	queue_len = kept;
	drain_all();
}

/* ---- finalized objects (gc_disclaim.h) ------------------------------------ */

enum { CLOSURE_TAG = 1 };

static void for_each_dead_finalized(void (*fn)(char *obj, struct gc_block *b))
{
	for (struct gc_chunk *c = G.chunks; c; c = c->next)
		for (size_t i = 0; i < c->npages;) {
			struct gc_block *b = &c->hdr[i];
			for (uint32_t k = 0; b->kind == BLOCK_SMALL && b->okind == OBJ_FINALIZED && k < b->n; k++)
				if (!mark_test(b, k) && (*(uintptr_t *)(b->start + (size_t)k * b->size) & CLOSURE_TAG))
					fn(b->start + (size_t)k * b->size, b);
			if (b->kind == BLOCK_LARGE && b->okind == OBJ_FINALIZED && !(b->mark[0] & 1) &&
			    (*(uintptr_t *)b->start & CLOSURE_TAG))
				fn(b->start, b);
			i += b->kind == BLOCK_SMALL ? 1 : b->n;
		}
}

static void mark_dead_referents(char *obj, struct gc_block *b)
{
	mark_contents(b, obj);
	drain_all();
}

static void disclaim(char *obj, struct gc_block *b)
{
	(void)b;
	const struct GC_finalizer_closure *fc = (const void *)(*(uintptr_t *)obj & ~(uintptr_t)CLOSURE_TAG);
	*(uintptr_t *)obj = 0;
	fc->proc(obj + sizeof(GC_word), fc->cd);
}

static void disclaim_dead(void)
{
	if (!finalized_kind_used)
		return;
	for_each_dead_finalized(mark_dead_referents);
	for_each_dead_finalized(disclaim);
}

void GC_init_finalized_malloc(void)
{
	gc_ensure_init();
	finalized_kind_used = 1;
}

void *GC_finalized_malloc(size_t size, const struct GC_finalizer_closure *fc)
{
	finalized_kind_used = 1;
	uintptr_t *obj = gc_malloc_kind(size + sizeof(GC_word), OBJ_FINALIZED);
	if (!obj)
		return NULL;
	obj[0] = (uintptr_t)fc | CLOSURE_TAG;
	return obj + 1;
}

/* ---- the pass and the roots ------------------------------------------------ */

void finalize_after_mark(void)
{
	if (G.find_leak)
		return;
	if (queue_head == queue_len)
		queue_head = queue_len = 0;
	links_clear(&short_links);
	if (fins.used) {
		size_t first = queue_len;
		order_finalizable();
		enqueue_unmarked(first);
		revive_or_mark(first);
	}
	links_forget_dangling(&short_links);
	links_clear(&long_links);
	links_forget_dangling(&long_links);
	disclaim_dead();
}

void finalize_mark_roots(void)
{
	for (struct gc_entry *e = NULL; (e = table_next(&fins, e));)
		mark_range(&e->v[1], &e->v[2]);   /* cd stays reachable until the call */
	for (size_t i = queue_head; i < queue_len; i++)
		mark_range((uintptr_t *)&queue[i], (uintptr_t *)&queue[i + 1]);
}

/* ---- running finalizers ------------------------------------------------------ */

int GC_should_invoke_finalizers(void)
{
	return queue_head != queue_len;
}

int GC_invoke_finalizers(void)
{
	if (running)
		return 0;
	running = 1;
	int count = 0;
	while (queue_head != queue_len) {
		struct ready r = queue[queue_head++];
		r.fn(r.obj, r.cd);
		count++;
	}
	running = 0;
	return count;
}

void finalize_run_pending(void)
{
	if (queue_head == queue_len || running)
		return;
	if (!on_demand) {
		GC_invoke_finalizers();
	} else if (notifier && notified_gc != G.collections) {
		notified_gc = G.collections;
		notifier();
	}
}

void GC_finalize_all(void)
{
	while (fins.used) {
		size_t first = queue_len;
		for (struct gc_entry *e = NULL; (e = table_next(&fins, e));) {
			struct ready r = { (void *)e->key, (GC_finalization_proc)e->v[0], (void *)e->v[1], e->v[2] };
			if (queue_push(r))
				break;
			table_del(&fins, e);
		}
		if (queue_len == first)
			break;
		GC_invoke_finalizers();
	}
}

void GC_set_finalize_on_demand(int on) { on_demand = on != 0; }
int GC_get_finalize_on_demand(void) { return on_demand; }
void GC_set_finalizer_notifier(GC_finalizer_notifier_proc fn) { notifier = fn; }
GC_finalizer_notifier_proc GC_get_finalizer_notifier(void) { return notifier; }
