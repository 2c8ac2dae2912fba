/* bdwgc_prog.c: a program written for the Boehm-Demers-Weiser collector,
 * using only <gc.h>. The test builds it unchanged against Debian's libgc and
 * against Pagoda's lib/include/gc.h; both must print the same lines.
 *
 * It builds a word-count table (strings from GC_STRDUP, buckets grown with
 * GC_REALLOC), keeps a list of atomic buffers, registers a malloc'd root,
 * and collects along the way, checking everything it built.
 */
#include <gc.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

struct entry {
	char *word;
	long count;
	struct entry *next;
};

struct table {
	struct entry **bucket;
	size_t nbuckets, nentries;
};

static struct table *words;

static size_t hash(const char *s)
{
	size_t h = 5381;
	while (*s)
		h = h * 33 + (unsigned char)*s++;
	return h;
}

static void grow(struct table *t)
{
	size_t n = t->nbuckets * 2;
	struct entry **b = GC_MALLOC(n * sizeof *b);
	for (size_t i = 0; i < t->nbuckets; i++)
		for (struct entry *e = t->bucket[i], *next; e; e = next) {
			next = e->next;
			e->next = b[hash(e->word) % n];
			b[hash(e->word) % n] = e;
		}
	t->bucket = b;   /* the old array becomes garbage */
	t->nbuckets = n;
}

static void count_word(struct table *t, const char *w)
{
	struct entry **slot = &t->bucket[hash(w) % t->nbuckets];
	for (struct entry *e = *slot; e; e = e->next)
		if (strcmp(e->word, w) == 0) {
			e->count++;
			return;
		}
	struct entry *e = GC_NEW(struct entry);
	e->word = GC_STRDUP(w);
	e->count = 1;
	e->next = *slot;
	*slot = e;
	if (++t->nentries > t->nbuckets)
		grow(t);
}

static long lookup(const struct table *t, const char *w)
{
	for (struct entry *e = t->bucket[hash(w) % t->nbuckets]; e; e = e->next)
		if (strcmp(e->word, w) == 0)
			return e->count;
	return 0;
}

int main(void)
{
	GC_INIT();
	words = GC_MALLOC(sizeof *words);
	words->nbuckets = 4;
	words->bucket = GC_MALLOC(4 * sizeof *words->bucket);
	char w[32];
	for (int i = 0; i < 200000; i++) {
		snprintf(w, sizeof w, "w%d", (i * 7919) % 5000);
		count_word(words, w);
		if (i % 50000 == 0)
			GC_gcollect();
	}
	printf("entries=%zu w0=%ld w4999=%ld w5000=%ld\n", words->nentries, lookup(words, "w0"),
	       lookup(words, "w4999"), lookup(words, "w5000"));

	/* A growing atomic buffer, and a root the collector cannot see. */
	char *buf = GC_MALLOC_ATOMIC(1);
	size_t len = 0;
	for (int i = 0; i < 1000; i++) {
		buf = GC_REALLOC(buf, len + 8);
		len += (size_t)snprintf(buf + len, 8, "%d,", i % 10);
	}
	void **hidden = malloc(16 * sizeof *hidden);
	GC_add_roots(hidden, hidden + 16);
	hidden[3] = GC_STRDUP("kept by a registered root");
	GC_disable();
	for (int i = 0; i < 10000; i++)
		(void)GC_MALLOC(100);
	GC_enable();
	GC_gcollect();
	printf("buf=%.20s len=%zu hidden=%s\n", buf, len, (char *)hidden[3]);

	void *p = GC_MALLOC(1 << 20);
	GC_FREE(p);
	printf("heap>0=%d gc_no>0=%d free<=heap=%d base=%d\n", GC_get_heap_size() > 0,
	       GC_get_gc_no() > 0, GC_get_free_bytes() <= GC_get_heap_size(),
	       GC_base(buf + 5) == buf);
	return 0;
}
