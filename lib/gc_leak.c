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
 * Owns: the site table (gc_table.c: keyed by object address; v[0] file,
 * v[1] return address, v[2] size, v[3] line), outside the scanned memory
 * (else every recorded object would look reachable).
 *
 * Invariant: an object is in the table iff it was allocated in this mode and
 * neither freed nor reported.
 *
 * Callers: gc_alloc.c (record, forget), gc_collect.c (report).
 */
#include <stdio.h>
#include <stdlib.h>
#include "gc_internal.h"
#include "gc_table.h"

struct leak_site {
	void *obj;
	const char *file;
	void *ret;
	size_t size;
	int line;
};

static struct gc_table sites;

void leak_record(void *p, size_t size, const char *file, int line, void *ret)
{
	int fresh;
	struct gc_entry *e = table_put(&sites, (uintptr_t)p, &fresh);
	if (!e)
		return;
	e->v[0] = (uintptr_t)file;
	e->v[1] = (uintptr_t)ret;
	e->v[2] = size;
	e->v[3] = (uintptr_t)line;
}

void leak_forget(void *p)
{
	struct gc_entry *e = table_get(&sites, (uintptr_t)p);
	if (e)
		table_del(&sites, e);
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
	for (struct gc_entry *e = NULL; (e = table_next(&sites, e));) {
		if (gc_was_marked((void *)e->key))
			continue;
		struct leak_site s = { (void *)e->key, (const char *)e->v[0], (void *)e->v[1], e->v[2],
				       (int)e->v[3] };
		report(&s);
		G.leaks_reported++;
		table_del(&sites, e);
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
