/* finalize: finalizers with bdwgc's documented rules. Counts and the round
 * in which each object is finalized are printed; the order inside one
 * round is not part of the contract, so a round prints its names sorted. */
#include <gc.h>
#include <gc/gc_disclaim.h>
#include <gc/javaxfc.h>
#include <stdlib.h>
#include "bdwgc_test.h"

struct node {
	struct node *next;
	char name;
	char pad[7];
};

static char finalized[64];
static int nfinalized;
static void *resurrected;

static void note(void *obj, void *cd)
{
	struct node *n = obj;
	(void)cd;
	finalized[nfinalized++] = n->name;
}

static int cmp(const void *a, const void *b)
{
	return *(const char *)a - *(const char *)b;
}

static int ninvoked;

__attribute__((noinline)) static void invoke(void)
{
	ninvoked = GC_invoke_finalizers();
}

/* Collect, run what is ready, print "label: NAMES" (sorted). */
static void round_(const char *label)
{
	collect();
	deep(invoke);
	int n = ninvoked;
	qsort(finalized, (size_t)nfinalized, 1, cmp);
	printf("%s: %d finalized [%.*s]\n", label, n, nfinalized, finalized);
	nfinalized = 0;
}

__attribute__((noinline)) static struct node *make(char name, struct node *next, int how)
{
	struct node *n = GC_MALLOC(sizeof *n);
	n->name = name;
	n->next = next;
	if (how == 0)
		GC_REGISTER_FINALIZER(n, note, NULL, NULL, NULL);
	else if (how == 1)
		GC_REGISTER_FINALIZER_NO_ORDER(n, note, NULL, NULL, NULL);
	else if (how == 2)
		GC_REGISTER_FINALIZER_IGNORE_SELF(n, note, NULL, NULL, NULL);
	return n;
}

__attribute__((noinline)) static void chain(void)
{
	make('A', make('B', make('C', NULL, 0), 0), 0);   /* A -> B -> C */
}

__attribute__((noinline)) static void unordered(void)
{
	make('D', make('E', NULL, 1), 1);
}

__attribute__((noinline)) static void self_cycles(void)
{
	struct node *f = make('F', NULL, 0);
	f->next = f;   /* a normal finalizer on a self-cycle never runs */
	struct node *g = make('G', NULL, 2);
	g->next = g;   /* ignore_self: runs */
}

__attribute__((noinline)) static void unregistered(void)
{
	struct node *h = make('H', NULL, 0);
	GC_finalization_proc old = NULL;
	void *old_cd = (void *)1;
	GC_REGISTER_FINALIZER(h, 0, NULL, &old, &old_cd);
	printf("unregister returns the old finalizer: %s, cd %s\n", old == note ? "yes" : "no",
	       old_cd == NULL ? "NULL" : "set");
}

static void check_cd(void *obj, void *cd)
{
	(void)obj;
	printf("client data alive in the finalizer: %s\n", strcmp(cd, "client data") == 0 ? "yes" : "no");
	finalized[nfinalized++] = 'I';
}

__attribute__((noinline)) static void client_data(void)
{
	char *cd = GC_MALLOC_ATOMIC(32);
	strcpy(cd, "client data");
	struct node *n = make('I', NULL, -1);
	GC_REGISTER_FINALIZER(n, check_cd, cd, NULL, NULL);
}

static void resurrect(void *obj, void *cd)
{
	(void)cd;
	resurrected = obj;
	finalized[nfinalized++] = ((struct node *)obj)->name;
}

__attribute__((noinline)) static void phoenix(void)
{
	struct node *n = make('J', NULL, -1);
	GC_REGISTER_FINALIZER(n, resurrect, NULL, NULL, NULL);
}

static int disclaimed;
static void on_disclaim(void *obj, void *cd)
{
	if (((char *)obj)[0] == 'x' && strcmp(cd, "closure") == 0)
		disclaimed++;
}

static struct GC_finalizer_closure closure = { on_disclaim, "closure" };

__attribute__((noinline)) static void finalized_objects(void)
{
	for (int i = 0; i < 1000; i++) {
		char *p = GC_finalized_malloc(24, &closure);
		p[0] = 'x';
	}
}

struct node *kept;

__attribute__((noinline)) static void keep_one(void)
{
	kept = make('K', NULL, 0);
}

__attribute__((noinline)) static void finalize_everything(void)
{
	GC_finalize_all();
}

int main(void)
{
	test_start();
	GC_INIT();
	GC_set_finalize_on_demand(1);
	printf("finalize on demand: %d\n", GC_get_finalize_on_demand());
	deep(chain);
	round_("chain round 1");
	round_("chain round 2");
	round_("chain round 3");
	round_("chain round 4");
	deep(unordered);
	round_("no_order");
	deep(self_cycles);
	GC_set_warn_proc(GC_ignore_warn_proc);
	round_("self cycles");
	round_("self cycles again");
	deep(unregistered);
	round_("unregistered");
	deep(client_data);
	round_("client data");
	deep(phoenix);
	round_("resurrection");
	printf("resurrected object intact: %s\n", resurrected && ((struct node *)resurrected)->name == 'J' ? "yes" : "no");
	resurrected = NULL;
	round_("after resurrection");
	deep(keep_one);
	round_("reachable");
	printf("should invoke: %d\n", GC_should_invoke_finalizers());
	deep(finalize_everything);
	GC_reachable_here(kept);
	qsort(finalized, (size_t)nfinalized, 1, cmp);
	printf("finalize_all ran: [%.*s]\n", nfinalized, finalized);
	nfinalized = 0;

	GC_set_finalize_on_demand(0);
	deep(chain);
	collect();   /* not on demand: GC_gcollect runs what is ready */
	qsort(finalized, (size_t)nfinalized, 1, cmp);
	printf("automatic: [%.*s]\n", nfinalized, finalized);
	nfinalized = 0;

	GC_init_finalized_malloc();
	deep(finalized_objects);
	collect();
	collect();
	printf("finalized_malloc closures run: %d of 1000\n", disclaimed);
	return 0;
}
