/* swap_basic: a program that touches about twice RAM (the swap boot has
 * 48 MiB, some 34 MiB of frames) runs to completion with every byte intact
 * (CS:APP 9.3: main memory as a cache for the disk). Each page holds a
 * pattern made of its index, written in one sweep and checked in two (one
 * forward, one backward: both orders fault pages back in from swap), then
 * rewritten in place, checked again and unmapped. A heap grown by brk past
 * RAM checks the same. On Linux, the same output with or without swapping.
 */
#include "testlib.h"

enum { MIB = 1 << 20, AREA_MIB = 64, HEAP_MIB = 40 };

static uint64_t word_at(size_t page, size_t i, uint64_t seed)
{
	return (page * 0x9e3779b97f4a7c15ull) ^ (i * 0x100000001b3ull) ^ seed;
}

static void fill_pages(uint64_t *p, size_t pages, uint64_t seed)
{
	for (size_t pg = 0; pg < pages; pg++)
		for (size_t i = 0; i < PAGE / 8; i++)
			p[pg * PAGE / 8 + i] = word_at(pg, i, seed);
}

static size_t bad_pages(const uint64_t *p, size_t pages, uint64_t seed, int backward)
{
	size_t bad = 0;
	for (size_t k = 0; k < pages; k++) {
		size_t pg = backward ? pages - 1 - k : k;
		for (size_t i = 0; i < PAGE / 8; i++)
			if (p[pg * PAGE / 8 + i] != word_at(pg, i, seed)) {
				bad++;
				break;
			}
	}
	return bad;
}

static void mmap_area(void)
{
	size_t pages = (size_t)AREA_MIB * MIB / PAGE;
	uint64_t *p = (uint64_t *)map_anon((size_t)AREA_MIB * MIB, PROT_READ | PROT_WRITE);
	fill_pages(p, pages, 1);
	say("mmap_forward_bad_pages", "%zu", bad_pages(p, pages, 1, 0));
	say("mmap_backward_bad_pages", "%zu", bad_pages(p, pages, 1, 1));
	fill_pages(p, pages, 2);   /* every page written again: swapped pages come back and go out anew */
	say("mmap_rewritten_bad_pages", "%zu", bad_pages(p, pages, 2, 0));
	show_rc("munmap", munmap(p, (size_t)AREA_MIB * MIB));
}

static void brk_heap(void)
{
	size_t pages = (size_t)HEAP_MIB * MIB / PAGE;
	uintptr_t base = sys_brk(0);
	base = (base + PAGE - 1) & ~(uintptr_t)(PAGE - 1);
	uintptr_t top = sys_brk(base + (size_t)HEAP_MIB * MIB);
	show_yes("brk_grew_past_ram", top == base + (size_t)HEAP_MIB * MIB);
	if (top != base + (size_t)HEAP_MIB * MIB)
		return;
	fill_pages((uint64_t *)base, pages, 3);
	say("brk_bad_pages", "%zu", bad_pages((uint64_t *)base, pages, 3, 1));
	show_yes("brk_shrunk", sys_brk(base) == base);   /* frees the slots of the pages on swap */
}

int main(void)
{
	mmap_area();
	brk_heap();
	return 0;
}
