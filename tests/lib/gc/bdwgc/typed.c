/* typed: typed allocation scans only the words a layout descriptor names,
 * so an address stored in a non-pointer word keeps nothing alive, while the
 * pointer words do; arrays repeat the layout; uncollectable objects are
 * roots until freed; atomic objects are never scanned. Each object's
 * survival is observed through a disappearing link. */
#include <gc.h>
#include <gc/gc_typed.h>
#include <stdint.h>
#include "bdwgc_test.h"

struct rec {
	void *ptr;          /* word 0: a pointer */
	uintptr_t number;   /* word 1: an integer that may look like an address */
	void *ptr2;         /* word 2: a pointer */
	uintptr_t more[5];  /* words 3..7: integers */
};

static GC_descr rec_descr;
struct rec *rec_obj;
struct rec *rec_array;
void **keeper;
uintptr_t *atomic_obj;
static void *link_ptr, *link_num, *link_ptr2, *link_more, *link_arr_ptr, *link_arr_num, *link_unc, *link_atomic;

__attribute__((noinline)) static void *tracked(void **link)
{
	void *o = GC_MALLOC(32);
	*link = (void *)GC_HIDE_POINTER(o);
	GC_general_register_disappearing_link(link, o);
	return o;
}

__attribute__((noinline)) static void build(void)
{
	GC_word bm[GC_BITMAP_SIZE(struct rec)] = { 0 };
	GC_set_bit(bm, GC_WORD_OFFSET(struct rec, ptr));
	GC_set_bit(bm, GC_WORD_OFFSET(struct rec, ptr2));
	rec_descr = GC_make_descriptor(bm, GC_WORD_LEN(struct rec));
	rec_obj = GC_MALLOC_EXPLICITLY_TYPED(sizeof(struct rec), rec_descr);
	rec_obj->ptr = tracked(&link_ptr);
	rec_obj->number = (uintptr_t)tracked(&link_num);
	rec_obj->ptr2 = tracked(&link_ptr2);
	rec_obj->more[4] = (uintptr_t)tracked(&link_more);
	rec_array = GC_CALLOC_EXPLICITLY_TYPED(10, sizeof(struct rec), rec_descr);
	rec_array[7].ptr2 = tracked(&link_arr_ptr);
	rec_array[7].number = (uintptr_t)tracked(&link_arr_num);
	keeper = GC_MALLOC_UNCOLLECTABLE(4 * sizeof(void *));
	keeper[2] = tracked(&link_unc);
	atomic_obj = GC_MALLOC_ATOMIC(8 * sizeof(uintptr_t));
	atomic_obj[3] = (uintptr_t)tracked(&link_atomic);
}

static const char *state(void *link)
{
	return link ? "alive" : "collected";
}

__attribute__((noinline)) static void drop_keeper(void)
{
	GC_FREE(keeper);
	keeper = NULL;
}

int main(void)
{
	test_start();
	GC_INIT();
	deep(build);
	collect();
	collect();
	printf("typed: object in a pointer word: %s\n", state(link_ptr));
	printf("typed: object in an integer word: %s\n", state(link_num));
	printf("typed: object in the second pointer word: %s\n", state(link_ptr2));
	printf("typed: object in a trailing integer word: %s\n", state(link_more));
	printf("typed array: pointer word of element 7: %s\n", state(link_arr_ptr));
	printf("typed array: integer word of element 7: %s\n", state(link_arr_num));
	printf("uncollectable holder (no other reference): %s\n", state(link_unc));
	printf("atomic object's words: %s\n", state(link_atomic));
	printf("typed object size at least asked: %s\n", GC_size(rec_obj) >= sizeof(struct rec) ? "yes" : "no");
	deep(drop_keeper);
	collect();
	collect();
	printf("after GC_FREE of the uncollectable holder: %s\n", state(link_unc));
	GC_reachable_here(rec_obj);
	GC_reachable_here(rec_array);
	GC_reachable_here(atomic_obj);
	return 0;
}
