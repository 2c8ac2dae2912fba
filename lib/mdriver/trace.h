/* trace.h - malloc-lab trace files, read and validated.
 *
 * Format (see ../shared/traces/malloclab/README.md): whitespace-separated
 * tokens, a header of 4 numbers (suggested heap size, number of ids, number of
 * operations, weight) or, in the two-line variant, 2 (ids, operations); then
 * the operations "a ID SIZE" (malloc), "r ID SIZE" (realloc), "f ID" (free).
 *
 * trace_read rejects, with the file name and line number, anything the replay
 * could trip on: a bad header, an unknown operation, an id out of range, a
 * missing or non-numeric size, the wrong number of operations, an id allocated
 * twice, a realloc or free of an id that is not allocated.
 *
 * The driver's own memory comes from mmap, never from malloc: in the musl
 * build malloc *is* the allocator under test, and mm_init() wipes its heap.
 */
#ifndef PAGODA_MDRIVER_TRACE_H
#define PAGODA_MDRIVER_TRACE_H

#include <stddef.h>
#include <stdint.h>

struct op {
    uint64_t size;
    uint32_t id;
    uint32_t line;
    char type; /* 'a', 'r' or 'f' */
};

struct trace {
    const char *path;
    size_t num_ids, num_ops;
    int header_numbers; /* 4, or 2 for the two-line variant */
    struct op *ops;
};

/* 0 on success; -1 with a "path:line: reason" message in err. */
int trace_read(const char *path, struct trace *t, char *err, size_t errlen);
void trace_free(struct trace *t);

/* Zeroed driver memory (mmap) and its release; NULL when refused. */
void *drv_alloc(size_t bytes);
void drv_free(void *p, size_t bytes);

#endif
