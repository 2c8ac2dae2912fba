/* rope: a string library in the style of bdwgc's cords, written for this
 * test: immutable ropes are leaves (atomic character arrays), concatenation
 * nodes and substring nodes, all allocated with the collector and never
 * freed. Concatenation is O(1); a rope too deep is rebalanced the way cords
 * are (Fibonacci-sized slots). The test builds a text piece by piece and
 * cuts, joins and compares it, checking every result against a plain copy
 * kept in malloc'd memory, while the collector runs underneath. */
#include <gc.h>
#include <stdint.h>
#include <stdlib.h>
#include "bdwgc_test.h"

enum { LEAF, CAT, SUB, MAX_DEPTH = 48, SHORT = 16 };

typedef const struct rope *rope;
struct rope {
	int kind, depth;
	size_t len;
	rope left, right;     /* CAT; SUB: left is the base */
	size_t start;         /* SUB */
	const char *chars;    /* LEAF */
};

static rope leaf(const char *s, size_t n)
{
	char *c = GC_MALLOC_ATOMIC(n + 1);
	memcpy(c, s, n);
	c[n] = 0;
	struct rope *r = GC_NEW(struct rope);
	*r = (struct rope){ .kind = LEAF, .len = n, .chars = c };
	return r;
}

static char fetch(rope r, size_t i)
{
	for (;;) {
		if (r->kind == LEAF)
			return r->chars[i];
		if (r->kind == SUB) {
			i += r->start;
			r = r->left;
		} else if (i < r->left->len) {
			r = r->left;
		} else {
			i -= r->left->len;
			r = r->right;
		}
	}
}

static void flatten_into(rope r, size_t from, size_t n, char *out)
{
	for (size_t i = 0; i < n; i++)
		out[i] = fetch(r, from + i);
}

static rope cat_node(rope a, rope b)
{
	struct rope *r = GC_NEW(struct rope);
	int d = a->depth > b->depth ? a->depth : b->depth;
	*r = (struct rope){ .kind = CAT, .depth = d + 1, .len = a->len + b->len, .left = a, .right = b };
	return r;
}

/* ---- balancing, as cords do: insert leaves into slots of Fibonacci sizes */

static size_t fib[MAX_DEPTH + 2];

static void add_piece(rope *slot, rope x)
{
	int i = 0;
	rope acc = NULL;
	while (i < MAX_DEPTH && x->len >= fib[i + 1]) {   /* merge everything smaller first */
		if (slot[i]) {
			acc = acc ? cat_node(slot[i], acc) : slot[i];
			slot[i] = NULL;
		}
		i++;
	}
	x = acc ? cat_node(acc, x) : x;
	for (;; i++) {
		if (slot[i]) {
			x = cat_node(slot[i], x);
			slot[i] = NULL;
		}
		if (i == MAX_DEPTH - 1 || x->len < fib[i + 2]) {
			slot[i] = x;
			return;
		}
	}
}

static void add_all(rope *slot, rope r)
{
	if (r->kind == CAT) {
		add_all(slot, r->left);
		add_all(slot, r->right);
	} else {
		add_piece(slot, r);
	}
}

static rope balance(rope r)
{
	rope slot[MAX_DEPTH] = { 0 };
	add_all(slot, r);
	rope out = NULL;
	for (int i = 0; i < MAX_DEPTH; i++)
		if (slot[i])
			out = out ? cat_node(slot[i], out) : slot[i];
	return out;
}

static rope cat(rope a, rope b)
{
	if (!a->len)
		return b;
	if (!b->len)
		return a;
	if (a->len + b->len <= SHORT) {   /* short: one leaf */
		char buf[SHORT];
		flatten_into(a, 0, a->len, buf);
		flatten_into(b, 0, b->len, buf + a->len);
		return leaf(buf, a->len + b->len);
	}
	rope r = cat_node(a, b);
	return r->depth > MAX_DEPTH - 8 ? balance(r) : r;
}

static rope substr(rope r, size_t start, size_t n)
{
	if (start == 0 && n == r->len)
		return r;
	if (n <= SHORT) {
		char buf[SHORT];
		flatten_into(r, start, n, buf);
		return leaf(buf, n);
	}
	struct rope *s = GC_NEW(struct rope);
	*s = (struct rope){ .kind = SUB, .depth = r->depth + 1, .len = n, .left = r, .start = start };
	return s;
}

static int compare(rope a, rope b)
{
	size_t n = a->len < b->len ? a->len : b->len;
	for (size_t i = 0; i < n; i++)
		if (fetch(a, i) != fetch(b, i))
			return fetch(a, i) < fetch(b, i) ? -1 : 1;
	return a->len < b->len ? -1 : a->len > b->len;
}

static char *to_string(rope r)
{
	char *s = GC_MALLOC_ATOMIC(r->len + 1);
	flatten_into(r, 0, r->len, s);
	s[r->len] = 0;
	return s;
}

/* ---- the test --------------------------------------------------------------- */

static uint64_t seed = 42;
static uint64_t next_random(void)
{
	seed = seed * 6364136223846793005ull + 1442695040888963407ull;
	return seed >> 33;
}

static const char *const words[] = { "garbage ", "collection ", "is ", "memory ", "management ", "without ",
				     "free ", "-- ", "ropes ", "share ", "their ", "pieces. " };

rope text;
static char *plain;   /* the same text, in malloc'd memory */
static size_t plain_len;

__attribute__((noinline)) static void build(void)
{
	text = leaf("", 0);
	plain = malloc(1 << 20);
	for (int i = 0; i < 20000; i++) {
		const char *w = words[next_random() % 12];
		size_t n = strlen(w);
		text = cat(text, leaf(w, n));
		memcpy(plain + plain_len, w, n);
		plain_len += n;
		if (i % 1000 == 0)
			GC_gcollect();
	}
}

static int matches(rope r, const char *s, size_t n)
{
	if (r->len != n)
		return 0;
	char *f = to_string(r);
	return memcmp(f, s, n) == 0;
}

__attribute__((noinline)) static void cut_and_join(int *ok, int *checks)
{
	for (int i = 0; i < 300; i++) {
		size_t a = next_random() % plain_len, b = next_random() % plain_len;
		if (a > b) {
			size_t t = a;
			a = b;
			b = t;
		}
		rope mid = substr(text, a, b - a);
		rope rest = cat(substr(text, 0, a), substr(text, b, plain_len - b));
		rope again = cat(cat(substr(rest, 0, a), mid), substr(rest, a, rest->len - a));
		*ok &= matches(mid, plain + a, b - a);
		*ok &= compare(again, text) == 0;
		*checks += 2;
		(void)GC_MALLOC(1000);   /* some unrelated garbage */
	}
}

int main(void)
{
	test_start();
	GC_INIT();
	fib[0] = 1;
	fib[1] = 2;
	for (int i = 2; i < MAX_DEPTH + 2; i++)
		fib[i] = fib[i - 1] + fib[i - 2];
	deep(build);
	printf("length %zu, matches the plain copy: %s\n", text->len, matches(text, plain, plain_len) ? "yes" : "no");
	printf("depth after balancing stays below %d: %s\n", MAX_DEPTH, text->depth < MAX_DEPTH ? "yes" : "no");
	collect();
	int ok = 1, checks = 0;
	cut_and_join(&ok, &checks);
	printf("%d cut-and-join checks: %s\n", checks, ok ? "all equal" : "MISMATCH");
	rope a = leaf("apple", 5), b = leaf("apricot", 7);
	printf("compare apple apricot: %d, apricot apple: %d, equal: %d\n", compare(a, b), compare(b, a), compare(a, a));
	printf("first 40 characters: %.40s\n", to_string(substr(text, 0, 40)));
	collect();
	printf("after collecting, still intact: %s\n", matches(text, plain, plain_len) ? "yes" : "no");
	free(plain);
	return 0;
}
