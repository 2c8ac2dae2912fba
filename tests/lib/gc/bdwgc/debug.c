/* debug: GC_DEBUG mode (GC_MALLOC & co. become GC_debug_*). Every object
 * records its allocation site and carries guard words; the collector
 * reports a live object whose guard was overwritten after each collection,
 * and GC_FREE reports a smashed or already freed object, naming the file
 * and line that allocated it. Finalizers see the object the program got. */
#define GC_DEBUG
#include <gc.h>
#include "bdwgc_test.h"

struct pair {
	long a, b;
};

static char *volatile keep;       /* volatile: the compiler must keep the smash */
static struct pair *volatile pair_obj;
static int finalized_ok;

static void smash(char *p, size_t at, char value)
{
	char *volatile q = p;
	q[at] = value;
}

static void check_body(void *obj, void *cd)
{
	struct pair *p = obj;
	finalized_ok = p->a == 7 && p->b == 8 && cd == (void *)&finalized_ok;
}

__attribute__((noinline)) static void with_finalizer(void)
{
	struct pair *p = GC_NEW(struct pair);
	p->a = 7;
	p->b = 8;
	GC_REGISTER_FINALIZER(p, check_body, &finalized_ok, NULL, NULL);
}

int main(void)
{
	test_start();
	GC_INIT();
	keep = GC_MALLOC(16);
	printf("body is %d bytes past GC_base\n", (int)(keep - (char *)GC_base(keep)));
	smash(keep, 16, 'x');   /* one byte past the end */
	collect();
	printf("-- freeing a smashed object\n");
	char *q = GC_MALLOC(24);
	smash(q, 25, 1);
	GC_FREE(q);
	printf("-- freeing twice\n");
	char *r = GC_MALLOC(32);
	GC_FREE(r);
	GC_FREE(r);
	printf("-- an intact object\n");
	pair_obj = GC_NEW(struct pair);
	GC_FREE(pair_obj);
	printf("-- finalizer in debug mode\n");
	deep(with_finalizer);
	collect();
	printf("finalizer saw the body and its client data: %s\n", finalized_ok ? "yes" : "no");
	char *s = GC_STRDUP("debug string");
	printf("strdup: %s\n", s);
	s = GC_REALLOC(s, 64);
	printf("realloc kept: %s\n", s);
	keep = NULL;
	return 0;
}
