/* gc_rescan.c: heap pages whose marked objects must be scanned again,
 * because the program wrote them while an incremental cycle was marking
 * (or, for a generational minor, since the last collection).
 *
 * Two sets, one bit per page each, in the mapping gc_dirty.c makes per
 * chunk:
 *   dirty    written in the current interval (gc_dirty.c fills it);
 *   pending  written in an earlier interval of this cycle and not yet
 *            rescanned: marking steps take pages from it a few at a time
 *            (rescan_some), so a big set costs many short pauses, not one
 *            long one.
 *
 * Rescanning a page pushes the contents of its marked objects that touch
 * one of its written cards (a marked large object: those cards' words
 * only), so whatever the program stored there after the object was
 * scanned gets marked too. A page the kernel reports has every card
 * written; a manual note (gc_dirty.c) names the cards. Unmarked objects are
 * skipped: whoever marks them later scans their current contents. A
 * pending page is rescanned with the marks it had when its interval ended
 * (rescan_defer): objects marked since were scanned since.
 *
 * Owns: every chunk's pending bits, marks and cards, G.rescan_chunk,
 * G.rescan_page, G.rescan_left; adds to G.cycle_rescanned the words each
 * page's rescan pushes, and VISIT_WORDS. Invariants: G.rescan_left is the number of pending bits
 * set; every chunk holding one is at or after G.rescan_chunk in G.chunks
 * (new chunks are added at the head with no pending bit); pending bits are
 * clear outside PHASE_MARKING.
 */
#include <string.h>
#include "gc_internal.h"

enum {
	PAGE_WORDS = GC_PAGE / sizeof(uintptr_t),
	VISIT_WORDS = 16,   /* what looking at a page's mark bits costs, in words scanned */
};

/* The cards [off, off + size) of a page covers, as a mask. */
static uint32_t cards_of(size_t off, size_t size)
{
	size_t first = off / GC_CARD, last = (off + size - 1) / GC_CARD;
	return (uint32_t)((2ull << last) - (1ull << first));
}

/* A marked large object's page: each run of written cards, for the drain
 * to scan within the step's budget. Returns the words pushed. */
static size_t rescan_large_page(char *page, uint32_t cards)
{
	size_t words = (size_t)__builtin_popcount(cards) * (GC_CARD / sizeof(uintptr_t));
	while (cards) {
		unsigned first = (unsigned)__builtin_ctz(cards), n = 0;
		while (first + n < GC_PAGE_CARDS && (cards >> (first + n) & 1))
			n++;
		mark_push_range((uintptr_t *)(page + first * GC_CARD), (uintptr_t *)(page + (first + n) * GC_CARD));
		cards &= n + first >= 32 ? 0 : ~0u << (first + n);
	}
	return words;
}

/* Push what the objects on c's page i that `marks` names and that touch a
 * card of `cards` point to (a large object: those cards' words only).
 * Returns the words pushed. */
static size_t rescan_page(struct gc_chunk *c, size_t i, const uint64_t marks[4], uint32_t cards)
{
	char *page = c->base + i * GC_PAGE;
	struct gc_block *b = block_of((uintptr_t)page);
	if (!b || b->kind == BLOCK_FREE || b->okind == OBJ_ATOMIC || !cards)
		return 0;
	if (b->kind == BLOCK_LARGE) {
		if (!(marks[0] & 1))
			return 0;
		if (b->okind != OBJ_TYPED)
			return rescan_large_page(page, cards);
		mark_contents(b, b->start);
		return block_capacity(b) / sizeof(uintptr_t);
	}
	size_t words = 0;
	for (uint32_t k = 0; k < b->n; k++)
		if ((marks[k >> 6] >> (k & 63)) & 1 && (cards_of((size_t)k * b->size, b->size) & cards)) {
			mark_contents(b, b->start + (size_t)k * b->size);
			words += b->size / sizeof(uintptr_t);
		}
	return words;
}

/* Remember which objects of c's page i are marked now. */
static void snapshot_marks(struct gc_chunk *c, size_t i)
{
	const struct gc_block *b = block_of((uintptr_t)(c->base + i * GC_PAGE));
	if (b && b->kind != BLOCK_FREE)
		memcpy(c->pending_marks[i], b->mark, sizeof b->mark);
	else
		memset(c->pending_marks[i], 0, sizeof c->pending_marks[i]);
}

/* Words rescan_page would scan (before following what it finds), about:
 * the marked share of the written cards. */
static size_t page_cost(struct gc_chunk *c, size_t i)
{
	const struct gc_block *b = block_of((uintptr_t)(c->base + i * GC_PAGE));
	if (!b || b->kind == BLOCK_FREE || b->okind == OBJ_ATOMIC)
		return VISIT_WORDS;
	size_t cards = (size_t)__builtin_popcount(c->cards[i]);
	if (b->kind == BLOCK_LARGE)
		return VISIT_WORDS + (b->mark[0] & 1 ? PAGE_WORDS * cards / GC_PAGE_CARDS : 0);
	return VISIT_WORDS + (size_t)mark_count(b) * b->size / sizeof(uintptr_t) * cards / GC_PAGE_CARDS;
}

static int bit_test(const uint64_t *map, size_t i)
{
	return map && (map[i / 64] >> (i % 64) & 1);
}

size_t rescan_cost(void)
{
	size_t words = 0;
	for (struct gc_chunk *c = G.chunks; c; c = c->next)
		for (size_t i = 0; c->dirty && i < c->npages; i++)
			if (bit_test(c->dirty, i))
				words += page_cost(c, i);
	return words;
}

void rescan_now(void)
{
	for (struct gc_chunk *c = G.chunks; c; c = c->next)
		for (size_t i = 0; c->dirty && i < c->npages; i++)
			if (bit_test(c->dirty, i)) {
				const struct gc_block *b = block_of((uintptr_t)(c->base + i * GC_PAGE));
				G.cycle_rescanned += VISIT_WORDS + (b ? rescan_page(c, i, b->mark, c->cards[i]) : 0);
				mark_drain();
			}
}

/* Each written page becomes pending with the marks it has now: an object
 * marked later is scanned later, after this instant, and so sees every
 * store made before it; stores after it are in the next interval. Only
 * the objects marked now may have been scanned before a store of the
 * interval that ends here. (Marks only grow in a cycle, so a page pending
 * from an earlier interval simply takes the newer marks.) */
size_t rescan_defer(void)
{
	size_t added = 0;
	for (struct gc_chunk *c = G.chunks; c; c = c->next) {
		for (size_t i = 0; c->dirty && i < c->npages; i++) {
			if (!bit_test(c->dirty, i))
				continue;
			added += !bit_test(c->pending, i);
			c->pending[i / 64] |= 1ull << (i % 64);
			c->cards[c->npages + i] |= c->cards[i];
			snapshot_marks(c, i);
		}
	}
	G.rescan_left += added;
	G.rescan_chunk = G.chunks;
	G.rescan_page = 0;
	return added;
}

/* The next pending page at or after the cursor; clears its bit. */
static int take_pending(struct gc_chunk **cp, size_t *ip)
{
	for (struct gc_chunk *c = G.rescan_chunk; c; c = c->next, G.rescan_page = 0) {
		G.rescan_chunk = c;
		for (size_t w = G.rescan_page / 64; c->pending && w < (c->npages + 63) / 64; w++) {
			uint64_t bits = c->pending[w] & (~0ull << (w == G.rescan_page / 64 ? G.rescan_page % 64 : 0));
			if (!bits)
				continue;
			size_t i = w * 64 + (size_t)__builtin_ctzll(bits);
			c->pending[w] &= ~(1ull << (i % 64));
			G.rescan_page = i + 1;
			G.rescan_left--;
			*cp = c;
			*ip = i;
			return 1;
		}
	}
	return 0;
}

int rescan_some(size_t *budget)
{
	struct gc_chunk *c;
	size_t i;
	while (G.rescan_left && *budget) {
		if (!take_pending(&c, &i)) {   /* cannot happen: the count says one is left */
			G.rescan_left = 0;
			break;
		}
		G.cycle_rescanned += VISIT_WORDS + rescan_page(c, i, c->pending_marks[i], c->cards[c->npages + i]);
		c->cards[c->npages + i] = 0;
		*budget = *budget > VISIT_WORDS ? *budget - VISIT_WORDS : 0;
		if (mark_drain_some(budget))
			return 1;
	}
	return G.rescan_left != 0;
}

void rescan_drop(void)
{
	for (struct gc_chunk *c = G.chunks; c; c = c->next)
		if (c->pending) {
			memset(c->pending, 0, (c->npages + 63) / 64 * 8);
			memset(c->cards + c->npages, 0, c->npages * sizeof *c->cards);
		}
	G.rescan_left = 0;
	G.rescan_chunk = NULL;
	G.rescan_page = 0;
}
