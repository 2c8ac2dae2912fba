/* misc: the rest of the API a bdwgc program calls: incremental mode and the
 * stubborn-change macros, alignment, heap growth and limits, the allocation
 * lock, warnings, interior pointers, uncollectable and atomic objects,
 * strndup, realloc, base and size. */
#include <gc.h>
#include <errno.h>
#include <stdint.h>
#include "bdwgc_test.h"

struct cell {
	struct cell *next;
	long value;
};

static void *with_lock(void *arg)
{
	return (char *)arg + 1;
}

static int warnings;
static void count_warning(char *msg, GC_word arg)
{
	(void)msg, (void)arg;
	warnings++;
}

struct cell *list;

__attribute__((noinline)) static void build_list(void)
{
	for (long i = 0; i < 20000; i++) {
		struct cell *c = GC_NEW(struct cell);
		c->value = i;
		GC_PTR_STORE_AND_DIRTY(&c->next, list);
		GC_END_STUBBORN_CHANGE(c);
		list = c;
		if (i % 7 == 0)
			(void)GC_MALLOC(64);   /* garbage */
	}
}

static long sum_list(void)
{
	long s = 0;
	for (struct cell *c = list; c; c = c->next)
		s += c->value;
	return s;
}

int main(void)
{
	test_start();
	GC_set_all_interior_pointers(1);
	GC_INIT();
	printf("interior pointers: %d\n", GC_get_all_interior_pointers());
	GC_enable_incremental();
	printf("incremental mode: %d\n", GC_is_incremental_mode());
	deep(build_list);
	collect();
	printf("list sum after collections: %ld\n", sum_list());
	for (int i = 0; i < 5; i++)
		GC_collect_a_little();
	printf("list sum after steps: %ld\n", sum_list());

	for (size_t a = 16; a <= 4096; a *= 4) {
		char *p = GC_memalign(a, 100);
		printf("memalign %zu: aligned %s, in the heap %s\n", a, (uintptr_t)p % a == 0 ? "yes" : "no",
		       GC_base(p) != NULL ? "yes" : "no");
	}
	void *q = NULL;
	printf("posix_memalign 3: %s\n", GC_posix_memalign(&q, 3, 10) == EINVAL ? "EINVAL" : "other");
	printf("posix_memalign 64: %d, aligned %s\n", GC_posix_memalign(&q, 64, 10), (uintptr_t)q % 64 == 0 ? "yes" : "no");

	size_t before = GC_get_heap_size();
	printf("expand_hp: %d\n", GC_expand_hp(8 << 20));
	printf("heap grew by at least 8 MiB: %s\n", GC_get_heap_size() >= before + (8 << 20) ? "yes" : "no");

	printf("call_with_alloc_lock: %s\n", (char *)GC_call_with_alloc_lock(with_lock, "xok") );
	GC_warn_proc old = GC_get_warn_proc();
	GC_set_warn_proc(count_warning);
	printf("warn proc set: %s\n", GC_get_warn_proc() == count_warning ? "yes" : "no");
	GC_set_warn_proc(old);

	char *s = GC_MALLOC_ATOMIC(40);
	strcpy(s, "0123456789");
	char *inner = s + 5;
	printf("base of an interior pointer: %s\n", GC_base(inner) == s ? "yes" : "no");
	printf("size at least asked: %s\n", GC_size(s) >= 40 ? "yes" : "no");
	char *d = GC_strndup(s, 4);
	printf("strndup: %s\n", d);
	s = GC_REALLOC(s, 5000);
	printf("realloc kept the bytes: %.10s\n", s);
	void **u = GC_MALLOC_UNCOLLECTABLE(2 * sizeof(void *));
	u[0] = GC_strdup("held by an uncollectable object");
	collect();
	printf("%s\n", (char *)u[0]);
	GC_FREE(u);
	GC_reachable_here(list);

	GC_set_warn_proc(count_warning);   /* bdwgc warns when it returns NULL */
	GC_set_max_heap_size(64 << 20);
	void **chain = NULL;
	int got = 0;
	for (; got < 200; got++) {
		void **big = GC_MALLOC(1 << 20);
		if (!big)
			break;
		big[0] = chain;
		chain = big;
	}
	printf("max heap size: allocation failed before 64 MiB of objects: %s\n", got < 64 ? "yes" : "no");
	printf("max heap size: the heap stayed within the limit: %s\n", GC_get_heap_size() <= (64 << 20) ? "yes" : "no");
	GC_reachable_here(chain);
	printf("collections happened: %s\n", GC_get_gc_no() > 0 ? "yes" : "no");
	return 0;
}
