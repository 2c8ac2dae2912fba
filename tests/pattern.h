/* tests/pattern.h: byte patterns for the tests that push memory through swap.
 *
 * A region is filled with a tag: its 64-bit word i holds pattern_word(tag, i),
 * a value that differs for every (tag, i) pair, so a page that comes back
 * from swap at the wrong address, from another process, stale (an older tag)
 * or zero-filled is a wrong word. Checks compare every word, hence every
 * byte, and return how many words are wrong (0: intact).
 *
 * Sizes are fixed in MiB, not taken from the machine: the same binary prints
 * the same lines on the host Linux (plenty of RAM, no swap needed) and on
 * Pagoda booted with --mem 48M and a swap disk, where they are two to three
 * times RAM.
 */
#ifndef PAGODA_TESTS_PATTERN_H
#define PAGODA_TESTS_PATTERN_H

#include <stddef.h>
#include <stdint.h>

enum { MIB = 1 << 20 };

static inline uint64_t pattern_word(uint64_t tag, size_t i)
{
	return (tag << 48) ^ ((uint64_t)i * 0x9e3779b97f4a7c15ull) ^ tag;
}

/* pattern_fill: words [first, first + n) of p take tag's pattern. */
static inline void pattern_fill(void *p, size_t first, size_t n, uint64_t tag)
{
	volatile uint64_t *w = p;

	for (size_t i = first; i < first + n; i++)
		w[i] = pattern_word(tag, i);
}

/* pattern_check: how many of words [first, first + n) differ from tag's pattern. */
static inline size_t pattern_check(const void *p, size_t first, size_t n, uint64_t tag)
{
	const volatile uint64_t *w = p;
	size_t bad = 0;

	for (size_t i = first; i < first + n; i++)
		bad += w[i] != pattern_word(tag, i);
	return bad;
}

/* The same, in whole pages: page k of the region is words [k*512, (k+1)*512). */
enum { WORDS_PER_PAGE = 4096 / 8 };

static inline void pattern_fill_pages(void *p, size_t first_page, size_t pages, uint64_t tag)
{
	pattern_fill(p, first_page * WORDS_PER_PAGE, pages * WORDS_PER_PAGE, tag);
}

static inline size_t pattern_check_pages(const void *p, size_t first_page, size_t pages, uint64_t tag)
{
	return pattern_check(p, first_page * WORDS_PER_PAGE, pages * WORDS_PER_PAGE, tag);
}

#endif
