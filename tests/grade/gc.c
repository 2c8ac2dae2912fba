/* Graded cases of the gc lab: mark finds what is reachable, sweep frees the
 * rest (CS:APP 9.10). The measures are the collector's heap size (lib/gc_heap.c,
 * outside the lab's code), the kernel's free frames and the objects' contents. */
#include "grade.h"

#include <pagoda_gc.h>
#include <string.h>

struct node {
	struct node *next;
	long value;
	char pad[48];
};

static struct node *volatile root;   /* a root in the data segment */

static struct node *list(long n)
{
	struct node *head = NULL;
	for (long i = n; i-- > 0;) {
		struct node *x = gc_malloc(sizeof *x);
		x->next = head;
		x->value = i * 7;
		head = x;
	}
	return head;
}

static long check_list(const struct node *x, long n)
{
	long i = 0;
	for (; x && i < n; x = x->next, i++)
		if (x->value != i * 7)
			return i;
	return i;
}

static void make_garbage(long bytes)
{
	for (long done = 0; done < bytes; done += 64)
		gc_malloc(64);
}

/* A list reachable from a global survives collections, unchanged, while
 * garbage is allocated over and over around it. */
static int reachable_survives(void)
{
	gc_init();
	root = list(20000);
	for (int round = 0; round < 5; round++) {
		make_garbage(8 << 20);
		gc_collect();
	}
	long ok = check_list(root, 20000);
	EXPECT(ok == 20000, "expected all 20000 reachable nodes intact, seen node %ld changed", ok);
	EXPECT(gc_was_marked(root) == 1, "expected the list head marked by the last collection, seen %d",
	       gc_was_marked(root));
	return 0;
}

/* Objects reachable only through other heap objects (not from a root) are
 * kept too: marking follows pointers transitively. */
static int transitive(void)
{
	gc_init();
	struct node **box = gc_malloc(sizeof *box);
	*box = list(1000);
	root = (struct node *)box;
	make_garbage(4 << 20);
	gc_collect();
	struct node *head = *(struct node **)root;
	long ok = check_list(head, 1000);
	EXPECT(ok == 1000, "expected 1000 nodes reachable through a heap object, seen %ld intact", ok);
	EXPECT(gc_was_marked(head) == 1 && gc_was_marked(head->next->next) == 1,
	       "expected the nodes marked by the collection, seen %d", gc_was_marked(head));
	return 0;
}

/* Garbage is reclaimed: allocating 40 times 8 MiB of garbage leaves the heap
 * far below 320 MiB, and the kernel's free frames say the same. */
static int garbage_reclaimed(void)
{
	gc_init();
	long f0 = free_frames();
	for (int round = 0; round < 40; round++)
		make_garbage(8 << 20);
	struct gc_stats st;
	gc_get_stats(&st);
	long used = f0 - free_frames();
	EXPECT(st.heap_bytes <= 64u << 20, "expected the heap to stay under 64 MiB, seen %zu MiB", st.heap_bytes >> 20);
	EXPECT(used * PAGE <= 80l << 20, "expected under 80 MiB of frames used, seen %ld MiB", used * PAGE >> 20);
	EXPECT(st.collections >= 1, "expected collections to have run, seen %lu", (unsigned long)st.collections);
	return 0;
}

/* After a collection the live count is exactly what is reachable. */
static int live_count_exact(void)
{
	gc_init();
	root = list(5000);
	make_garbage(1 << 20);
	gc_collect();
	struct gc_stats st;
	gc_get_stats(&st);
	EXPECT(st.live_objects >= 5000 && st.live_objects <= 5000 + 64,
	       "expected about 5000 live objects after a collection, seen %zu", st.live_objects);
	return 0;
}

/* Large objects (many pages) are freed when unreachable, kept when not. */
static int large_objects(void)
{
	gc_init();
	char *keep = gc_malloc(1 << 20);
	memset(keep, 5, 1 << 20);
	root = (struct node *)keep;
	for (int i = 0; i < 100; i++)
		gc_malloc(1 << 20);
	gc_collect();
	struct gc_stats st;
	gc_get_stats(&st);
	EXPECT(((char *)root)[12345] == 5, "expected the reachable large object intact, seen %d", ((char *)root)[12345]);
	EXPECT(st.heap_bytes <= 40u << 20, "expected unreachable 1 MiB objects freed (heap under 40 MiB), seen %zu MiB",
	       st.heap_bytes >> 20);
	return 0;
}

const struct grade_case gc_cases[] = {
	{ "gc/reachable_survives", reachable_survives },
	{ "gc/transitive", transitive },
	{ "gc/garbage_reclaimed", garbage_reclaimed },
	{ "gc/live_count_exact", live_count_exact },
	{ "gc/large_objects", large_objects },
	{ NULL, NULL },
};
GRADE_CASES(gc_cases)
