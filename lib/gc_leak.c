/* gc_leak.c: leak-finding mode (CS:APP 9.11, "memory leaks"; Boehm's
 * find-leak mode).
 *
 * In this mode the program frees its objects with gc_free as it would with
 * free, and the collector acts as a checker: an object that became
 * unreachable without being freed is a leak. Every collection, and one more
 * at exit, prints each leak once,
 *
 *     gc: leak: 48 bytes at 0x7f..., allocated at leaky.c:21
 *
 * and then reclaims it. The site is the file:line given by gc.h's GC_MALLOC,
 * or, when a program called gc_malloc directly, an address inside the call
 * instruction (return address - 1), which `addr2line -e prog ADDR` turns into
 * the line.
 *
 * Owns: the site table, an open-addressing hash set keyed by object address,
 * in its own mmap'd memory. That memory is never scanned (else every recorded
 * object would look reachable).
 *
 * Invariants: an object is in the table iff it was allocated in this mode and
 * neither freed nor reported; used + tombstones <= cap / 2.
 *
 * Callers: gc_alloc.c (record, forget), gc_collect.c (report).
 */
#include <stdio.h>
#include <stdlib.h>
#include <sys/mman.h>
#include "gc_internal.h"

struct leak_site {
	void *obj;               /* NULL: empty; TOMB: deleted */
	const char *file;
	void *ret;
	size_t size;
	int line;
};

#define TOMB ((void *)1)

static struct leak_site *table;
static size_t cap, used, tombs;

static size_t slot_of(const void *p)
{
	return (size_t)(((uintptr_t)p >> 4) * 0x9e3779b97f4a7c15ull) & (cap - 1);
}

static void insert(struct leak_site s)
{
	size_t i = slot_of(s.obj);
	while (table[i].obj && table[i].obj != TOMB)
		i = (i + 1) & (cap - 1);
	if (table[i].obj == TOMB)
		tombs--;
	table[i] = s;
	used++;
}

static int rehash(size_t newcap)
{
	struct leak_site *old = table;
	size_t oldcap = cap;
	void *m = mmap(NULL, newcap * sizeof *table, PROT_READ | PROT_WRITE,
		       MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	if (m == MAP_FAILED)
		return -1;
	table = m;
	cap = newcap;
	used = tombs = 0;
	for (size_t i = 0; i < oldcap; i++)
		if (old[i].obj && old[i].obj != TOMB)
			insert(old[i]);
	if (old)
		munmap(old, oldcap * sizeof *table);
	return 0;
}

void leak_record(void *p, size_t size, const char *file, int line, void *ret)
{
	if ((used + tombs + 1) * 2 > cap && rehash(cap ? (used * 4 > cap ? cap * 2 : cap) : 1024))
		return;
	insert((struct leak_site){ .obj = p, .file = file, .ret = ret, .size = size, .line = line });
}

static struct leak_site *find(const void *p)
{
	if (!cap)
		return NULL;
	for (size_t i = slot_of(p); table[i].obj; i = (i + 1) & (cap - 1))
		if (table[i].obj == p)
			return &table[i];
	return NULL;
}

void leak_forget(void *p)
{
	struct leak_site *s = find(p);
	if (s) {
		s->obj = TOMB;
		used--;
		tombs++;
	}
}

static void report(const struct leak_site *s)
{
	if (s->file)
		fprintf(stderr, "gc: leak: %zu bytes at %p, allocated at %s:%d\n", s->size, s->obj,
			s->file, s->line);
	else
		fprintf(stderr, "gc: leak: %zu bytes at %p, allocated from %p\n", s->size, s->obj,
			(void *)((char *)s->ret - 1));   /* inside the call: addr2line names its line */
}

/* After marking: report every recorded object left unmarked; the sweep that
 * follows reclaims it. */
void leak_report_unmarked(void)
{
	for (size_t i = 0; i < cap; i++) {
		struct leak_site *s = &table[i];
		if (!s->obj || s->obj == TOMB || gc_was_marked(s->obj))
			continue;
		report(s);
		G.leaks_reported++;
		s->obj = TOMB;
		used--;
		tombs++;
	}
}

static void report_at_exit(void)
{
	gc_collect();
}

void leak_install_exit_report(void)
{
	static int installed;
	if (!installed)
		atexit(report_at_exit);
	installed = 1;
}
