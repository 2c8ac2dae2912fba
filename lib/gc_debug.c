/* gc_debug.c: debug allocation (bdwgc's GC_debug_* family, and GC_MALLOC &
 * co. when a program defines GC_DEBUG): every object records where it was
 * allocated and is wrapped in guard words, checked when it is freed and
 * after every collection (CS:APP 9.11: "writing past the end of a block").
 *
 *   base                                         body = what the program gets
 *   | file | line | size | START ^ body | body ... size bytes | END ^ body | ... | END ^ body |
 *     0      8      16     24             32                   32 + round8(size)   last word
 *
 * The layout and the checks follow bdwgc's, so a smashed object is reported
 * with the same lines:
 *   GC_check_heap_block: found 1 smashed heap objects:
 *    0x... in or near object at 0x... (prog.c:12, sz= 16)
 *   GC_debug_free: found smashed location at 0x... in or near object at ...
 * A freed debug object is not reused at once (unless leak-finding): its size
 * field becomes the object's capacity (bdwgc's "deallocated" mark) and its
 * body is filled with 0xdeadbeef words, so a second free is reported and the
 * collector reclaims it when it is unreachable.
 *
 * Owns: `debugging`, set by the first debug allocation (only then does a
 * collection check guards). Invariant: an object whose word 3 is START ^
 * (base + 32) was made here.
 */
#include <stdio.h>
#include <string.h>
#include "gc_internal.h"
#include "include/gc/gc.h"

struct dbg_hdr {
	const char *file;
	GC_word line;
	GC_word size;          /* bytes asked for; == capacity once freed */
	GC_word start_flag;    /* START_FLAG ^ body */
};

enum { HDR = sizeof(struct dbg_hdr), DEBUG_BYTES = HDR + sizeof(GC_word) - 1, MAX_SMASHED = 64 };
static const GC_word START_FLAG = 0xfedcba9876543210ul, END_FLAG = 0xbadc0ffee0ddf00dul;
static const GC_word FREED_MARK = 0xdeadbeefdeadbeeful;

static int debugging;
static struct { char *at; struct dbg_hdr *h; } smashed[MAX_SMASHED];
static unsigned nsmashed;

static size_t round_words(size_t n)
{
	return (n + sizeof(GC_word) - 1) / sizeof(GC_word);
}

static GC_word *end_flag(struct dbg_hdr *h)
{
	return (GC_word *)(h + 1) + round_words(h->size);
}

static GC_word *last_word(struct dbg_hdr *h)
{
	return (GC_word *)h + gc_size(h) / sizeof(GC_word) - 1;
}

static void *annotate(struct dbg_hdr *h, size_t n, const char *file, int line)
{
	if (!h)
		return NULL;
	char *body = (char *)(h + 1);
	h->file = file;
	h->line = (GC_word)line;
	h->size = n;
	h->start_flag = START_FLAG ^ (GC_word)body;
	*end_flag(h) = END_FLAG ^ (GC_word)body;
	*last_word(h) = END_FLAG ^ (GC_word)body;
	if (G.find_leak) {
		leak_forget(h);
		leak_record(h, n, file, line, NULL);
	}
	return body;
}

/* The first smashed word, in bdwgc's order of checks; NULL if intact. */
static char *first_smashed(struct dbg_hdr *h)
{
	GC_word body = (GC_word)(h + 1);
	if (h->size + DEBUG_BYTES > gc_size(h))
		return (char *)&h->size;
	if (h->start_flag != (START_FLAG ^ body))
		return (char *)&h->start_flag;
	if (*last_word(h) != (END_FLAG ^ body))
		return (char *)last_word(h);
	if (*end_flag(h) != (END_FLAG ^ body))
		return (char *)end_flag(h);
	return NULL;
}

static void print_smashed(const char *msg, char *at, struct dbg_hdr *h)
{
	if (at <= (char *)&h->size || !h->file)
		fprintf(stderr, "%s %p in or near object at %p(<smashed>, appr. sz= %lu)\n", msg, (void *)at,
			(void *)(h + 1), (unsigned long)(gc_size(h) - DEBUG_BYTES));
	else
		fprintf(stderr, "%s %p in or near object at %p (%s:%d, sz= %lu)\n", msg, (void *)at,
			(void *)(h + 1), h->file, (int)h->line, (unsigned long)h->size);
}

static void *debug_alloc(size_t n, enum obj_kind k, const char *file, int line)
{
	debugging = 1;
	if (n > SIZE_MAX - 2 * HDR)
		return NULL;
	size_t total = HDR + round_words(n) * sizeof(GC_word) + sizeof(GC_word);
	return annotate(gc_malloc_kind(total, k), n, file, line);
}

void *GC_debug_malloc(size_t n, const char *s, int i) { return debug_alloc(n, OBJ_NORMAL, s, i); }
void *GC_debug_malloc_atomic(size_t n, const char *s, int i) { return debug_alloc(n, OBJ_ATOMIC, s, i); }
void *GC_debug_malloc_uncollectable(size_t n, const char *s, int i)
{
	return debug_alloc(n, OBJ_UNCOLLECTABLE, s, i);
}
void *GC_debug_malloc_atomic_uncollectable(size_t n, const char *s, int i)
{
	return debug_alloc(n, OBJ_UNCOLLECTABLE, s, i);   /* scanned: conservative */
}
void *GC_debug_malloc_ignore_off_page(size_t n, const char *s, int i) { return debug_alloc(n, OBJ_NORMAL, s, i); }
void *GC_debug_malloc_atomic_ignore_off_page(size_t n, const char *s, int i)
{
	return debug_alloc(n, OBJ_ATOMIC, s, i);
}
void *GC_debug_malloc_stubborn(size_t n, const char *s, int i) { return debug_alloc(n, OBJ_NORMAL, s, i); }
void *GC_debug_malloc_replacement(size_t n) { return debug_alloc(n, OBJ_NORMAL, "unknown", 0); }

char *GC_debug_strdup(const char *str, const char *s, int i)
{
	size_t n = strlen(str) + 1;
	char *d = debug_alloc(n, OBJ_ATOMIC, s, i);
	return d ? memcpy(d, str, n) : NULL;
}

char *GC_debug_strndup(const char *str, size_t len, const char *s, int i)
{
	size_t n = strnlen(str, len);
	char *d = debug_alloc(n + 1, OBJ_ATOMIC, s, i);
	if (d) {
		memcpy(d, str, n);
		d[n] = 0;
	}
	return d;
}

/* The debug header of p's object, or NULL when p is not a debug object body. */
static struct dbg_hdr *header_of(const void *p)
{
	struct gc_block *b;
	char *base = object_of(p, &b);
	if (!base || (char *)p != base + HDR || block_capacity(b) < HDR + sizeof(GC_word))
		return NULL;
	return (struct dbg_hdr *)base;
}

static void mark_freed(struct dbg_hdr *h)
{
	h->size = gc_size(h);
	for (GC_word *w = (GC_word *)(h + 1); w <= last_word(h); w++)
		*w = FREED_MARK;
}

void GC_debug_free(void *p)
{
	if (!p)
		return;
	struct dbg_hdr *h = header_of(p);
	if (!h) {
		fprintf(stderr, "GC_debug_free called on pointer %p w/o debugging info\n", p);
		return;
	}
	char *at = first_smashed(h);
	if (at)
		print_smashed(h->size == gc_size(h) ? "GC_debug_free: found previously deallocated (?) object at"
						     : "GC_debug_free: found smashed location at", at, h);
	struct gc_block *b = block_of((uintptr_t)h);
	if (G.find_leak || b->okind == OBJ_UNCOLLECTABLE)
		gc_free(h);
	else
		mark_freed(h);
}

void *GC_debug_realloc(void *p, size_t n, const char *s, int i)
{
	if (!p)
		return GC_debug_malloc(n, s, i);
	if (n == 0) {
		GC_debug_free(p);
		return NULL;
	}
	struct dbg_hdr *h = header_of(p);
	if (!h)
		return NULL;
	struct gc_block *b = block_of((uintptr_t)h);
	void *q = debug_alloc(n, b->okind == OBJ_ATOMIC ? OBJ_ATOMIC : OBJ_NORMAL, s, i);
	if (q) {
		memcpy(q, p, n < h->size ? n : h->size);
		GC_debug_free(p);
	}
	return q;
}

void *GC_debug_realloc_replacement(void *p, size_t n) { return GC_debug_realloc(p, n, "unknown", 0); }

/* ---- finalizers on debug objects: the program's fn sees the body ---------- */

struct closure {
	GC_finalization_proc fn;
	void *cd;
};

static void call_with_body(void *base, void *data)
{
	struct closure *c = data;
	c->fn((char *)base + HDR, c->cd);
}

typedef void (*register_fn)(void *, GC_finalization_proc, void *, GC_finalization_proc *, void **);

static void debug_register(register_fn reg, void *p, GC_finalization_proc fn, void *cd, GC_finalization_proc *ofn,
			   void **ocd)
{
	struct dbg_hdr *h = header_of(p);
	if (!h) {
		reg(p, fn, cd, ofn, ocd);
		return;
	}
	struct closure *c = NULL;
	if (fn && (c = gc_malloc(sizeof *c))) {
		c->fn = fn;
		c->cd = cd;
	}
	GC_finalization_proc old;
	void *old_cd;
	reg(h, fn ? call_with_body : NULL, c, &old, &old_cd);
	if (ofn)
		*ofn = old == call_with_body ? ((struct closure *)old_cd)->fn : old;
	if (ocd)
		*ocd = old == call_with_body ? ((struct closure *)old_cd)->cd : old_cd;
}

void GC_debug_register_finalizer(void *p, GC_finalization_proc fn, void *cd, GC_finalization_proc *ofn, void **ocd)
{
	debug_register(GC_register_finalizer, p, fn, cd, ofn, ocd);
}

void GC_debug_register_finalizer_ignore_self(void *p, GC_finalization_proc fn, void *cd, GC_finalization_proc *ofn,
					     void **ocd)
{
	debug_register(GC_register_finalizer_ignore_self, p, fn, cd, ofn, ocd);
}

void GC_debug_register_finalizer_no_order(void *p, GC_finalization_proc fn, void *cd, GC_finalization_proc *ofn,
					  void **ocd)
{
	debug_register(GC_register_finalizer_no_order, p, fn, cd, ofn, ocd);
}

void GC_debug_register_finalizer_unreachable(void *p, GC_finalization_proc fn, void *cd, GC_finalization_proc *ofn,
					     void **ocd)
{
	debug_register(GC_register_finalizer_unreachable, p, fn, cd, ofn, ocd);
}

void GC_debug_change_stubborn(const void *p) { (void)p; }
void GC_debug_end_stubborn_change(const void *p) { GC_end_stubborn_change(header_of(p) ? (char *)p - HDR : p); }
void GC_debug_ptr_store_and_dirty(void *p, const void *q)
{
	*(const void **)p = q;
	GC_end_stubborn_change(p);
}
void GC_debug_register_displacement(size_t n) { (void)n; }

/* ---- the check after marking ---------------------------------------------- */

static void check_object(char *obj, struct gc_block *b)
{
	struct dbg_hdr *h = (struct dbg_hdr *)obj;
	if (block_capacity(b) < HDR + sizeof(GC_word) || h->start_flag != (START_FLAG ^ (GC_word)(h + 1)) ||
	    h->size == gc_size(h))
		return;   /* not a debug object, or a freed one */
	char *at = first_smashed(h);
	if (at && nsmashed < MAX_SMASHED) {
		smashed[nsmashed].at = at;
		smashed[nsmashed++].h = h;
	}
}

static void check_block(struct gc_block *b)
{
	if (b->okind == OBJ_TYPED || b->okind == OBJ_FINALIZED)
		return;
	if (b->kind == BLOCK_LARGE && (b->mark[0] & 1))
		check_object(b->start, b);
	for (uint32_t k = 0; b->kind == BLOCK_SMALL && k < b->n; k++)
		if (mark_test(b, k))
			check_object(b->start + (size_t)k * b->size, b);
}

void debug_check_heap(void)
{
	if (!debugging)
		return;
	nsmashed = 0;
	for (struct gc_chunk *c = G.chunks; c; c = c->next)
		for (size_t i = 0; i < c->npages;) {
			struct gc_block *b = &c->hdr[i];
			if (b->kind != BLOCK_FREE)
				check_block(b);
			i += b->kind == BLOCK_SMALL ? 1 : b->n;
		}
	if (!nsmashed)
		return;
	fprintf(stderr, "GC_check_heap_block: found %u smashed heap objects:\n", nsmashed);
	for (unsigned i = nsmashed; i-- > 0;)
		print_smashed("", smashed[i].at, smashed[i].h);
}
