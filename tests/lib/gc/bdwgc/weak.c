/* weak: disappearing links (weak pointers) with bdwgc's rules: a link is
 * cleared when its object is found unreachable, before finalizers run;
 * a long link only once the object cannot come back; registration return
 * codes; links that lie in dead objects are forgotten. */
#include <gc.h>
#include "bdwgc_test.h"

enum { N = 300 };

struct obj {
	int id;
	struct obj *next;
};

/* The weak table: GC_malloc_atomic memory is not scanned, so its pointers
 * are weak by themselves; the links make them read as NULL once dead. */
static struct obj **weak;
struct obj **strong;
static struct obj *back;

__attribute__((noinline)) static void fill(void)
{
	weak = GC_MALLOC_ATOMIC(N * sizeof *weak);
	strong = GC_MALLOC(N * sizeof *strong);
	for (int i = 0; i < N; i++) {
		struct obj *o = GC_NEW(struct obj);
		o->id = i;
		weak[i] = o;
		if (i % 3 == 0)
			strong[i] = o;
		int rc = GC_GENERAL_REGISTER_DISAPPEARING_LINK((void **)&weak[i], o);
		if (rc != GC_SUCCESS)
			printf("register %d: %d\n", i, rc);
	}
	printf("duplicate registration: %d\n", GC_general_register_disappearing_link((void **)&weak[0], weak[0]));
}

static void count(const char *label)
{
	int alive = 0, ok = 1;
	for (int i = 0; i < N; i++)
		if (weak[i]) {
			alive++;
			ok &= weak[i]->id == i && i % 3 == 0;
		}
	printf("%s: %d of %d links still set, all to kept objects: %s\n", label, alive, N, ok ? "yes" : "no");
}

static void resurrect(void *obj, void *cd)
{
	(void)cd;
	back = obj;
}

static struct obj *short_ref, *long_ref;

__attribute__((noinline)) static void phoenix(void)
{
	struct obj *o = GC_NEW(struct obj);
	o->id = 42;
	short_ref = (struct obj *)GC_HIDE_POINTER(o);
	long_ref = (struct obj *)GC_HIDE_POINTER(o);
	GC_REGISTER_FINALIZER(o, resurrect, NULL, NULL, NULL);
	printf("short link: %d\n", GC_general_register_disappearing_link((void **)&short_ref, o));
	printf("long link: %d\n", GC_register_long_link((void **)&long_ref, o));
}

struct holder {
	void *link;
};

__attribute__((noinline)) static void dangling(void)
{
	/* the link lives in an object that dies: the registration goes with it */
	struct holder *h = GC_NEW(struct holder);
	struct obj *o = GC_NEW(struct obj);
	h->link = (void *)GC_HIDE_POINTER(o);
	GC_general_register_disappearing_link(&h->link, o);
}

static void *moved_from, *moved_to;
struct obj *anchor;

__attribute__((noinline)) static void moving(void)
{
	anchor = GC_NEW(struct obj);
	moved_from = (void *)GC_HIDE_POINTER(anchor);
	printf("register: %d\n", GC_general_register_disappearing_link(&moved_from, anchor));
	printf("move: %d\n", GC_move_disappearing_link(&moved_from, &moved_to));
	printf("move again from the old place: %d\n", GC_move_disappearing_link(&moved_from, &moved_to));
	printf("move onto itself: %d\n", GC_move_disappearing_link(&moved_to, &moved_to));
	printf("unregister: %d\n", GC_unregister_disappearing_link(&moved_to));
	printf("unregister again: %d\n", GC_unregister_disappearing_link(&moved_to));
	printf("unregister long, never registered: %d\n", GC_unregister_long_link(&moved_to));
}

int main(void)
{
	test_start();
	GC_INIT();
	deep(fill);
	collect();
	count("after one collection");
	collect();
	count("after two");
	deep(phoenix);
	collect();
	printf("short link cleared: %s\n", short_ref == NULL ? "yes" : "no");
	printf("long link kept while the finalizer may resurrect: %s\n", long_ref != NULL ? "yes" : "no");
	printf("resurrected: %s\n", back && back->id == 42 ? "yes" : "no");
	back = NULL;
	collect();
	collect();
	printf("long link cleared once it is dead for good: %s\n", long_ref == NULL ? "yes" : "no");
	for (int i = 0; i < 50; i++)
		deep(dangling);
	collect();
	collect();
	printf("dangling registrations survived collections\n");
	deep(moving);
	GC_reachable_here(strong);
	GC_reachable_here(anchor);
	return 0;
}
