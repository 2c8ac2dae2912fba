/* trace.h - malloc-lab trace files, read and validated.
 *
 * Two formats are in use; trace_read tells them apart by the header. Both are
 * whitespace-separated tokens: a header of numbers, then the operations
 *   a ID SIZE         ptr[ID] = malloc(SIZE)
 *   r ID SIZE         ptr[ID] = realloc(ptr[ID], SIZE)
 *   f ID              free(ptr[ID])
 *   m ID ALIGN SIZE   ptr[ID] = memalign(ALIGN, SIZE)   (Pagoda's extension,
 *                     written by tools/mtrace; ALIGN a power of two)
 *
 * CLASSIC (CS:APP 2002, ../shared/traces/malloclab/README.md): 4 numbers
 *   sugg_heapsize num_ids num_ops weight         (weight 0 or 1, ignored)
 * or the two-number variant "num_ids num_ops". Each id is allocated once and
 * freed at most once; exactly num_ops operations.
 *
 * AUTOLAB (the 64-bit CS:APP lab of 2016 on, as CMU 15-213 hands it out):
 *   weight num_ids num_ops data_bytes
 * weight 0 = count nothing, 1 = util and throughput, 2 = util only, 3 =
 * throughput only; data_bytes is the trace's peak live payload. The body
 * has more freedom, reproduced as the lab's driver treats it:
 *   f -1              free(NULL)
 *   a ID SIZE         ID may be reused once it has been freed
 *   a ID              (size missing) the size of the previous a/r/m line
 *   r ID SIZE         of an id that is not live: realloc(NULL, SIZE)
 *   r ID 0            frees the block (realloc returns NULL)
 *   ...               operations past num_ops are ignored
 * Detection: the header is AUTOLAB when its first number is a weight (0..3)
 * and its fourth is not (> 1); otherwise CLASSIC.
 *
 * trace_read rejects, with the file name, line number and reason, anything
 * the replay could trip on: a bad header, an unknown operation, an id out of
 * range, a missing or non-numeric size, too few operations, an id allocated
 * while live, a free of an id that is not live (and in CLASSIC: everything
 * the list above allows only in AUTOLAB).
 *
 * The driver's own memory comes from mmap, never from malloc: in the musl
 * build malloc *is* the allocator under test, and mm_init() wipes its heap.
 */
#ifndef PAGODA_MDRIVER_TRACE_H
#define PAGODA_MDRIVER_TRACE_H

#include <stddef.h>
#include <stdint.h>

enum trace_format { TRACE_CLASSIC, TRACE_CLASSIC_SHORT, TRACE_AUTOLAB };
enum trace_weight { W_NONE, W_ALL, W_UTIL, W_PERF }; /* the AUTOLAB weights */
enum { ID_NULL = UINT32_MAX };                         /* "f -1" */

struct op {
    uint64_t size;
    uint32_t id;    /* ID_NULL: free(NULL) */
    uint32_t line;
    uint32_t align; /* 'm' only */
    char type;      /* 'a', 'r', 'f' or 'm' */
};

struct trace {
    const char *path;
    enum trace_format format;
    enum trace_weight weight;  /* W_ALL for CLASSIC */
    uint64_t header_bytes;     /* CLASSIC: sugg_heapsize; AUTOLAB: data_bytes */
    size_t num_ids, num_ops;
    unsigned ignored_from;     /* AUTOLAB: first line of ignored extra operations, or 0 */
    struct op *ops;
};

/* 0 on success; -1 with a "path:line: reason" message in err. */
int trace_read(const char *path, struct trace *t, char *err, size_t errlen);
void trace_free(struct trace *t);
const char *trace_format_name(enum trace_format f);

/* The trace's peak live payload (sum of requested sizes), and the peak of
 * the same sum with every block rounded up to 16 bytes (at least 16): the
 * smallest footprint any allocator with 16-byte alignment could reach.
 * peak_payload / peak_min_footprint bounds every such allocator's utilisation. */
struct trace_bound {
    uint64_t peak_payload, peak_min_footprint;
};
struct trace_bound trace_bound(const struct trace *t);

/* Zeroed driver memory (mmap) and its release; NULL when refused. */
void *drv_alloc(size_t bytes);
void drv_free(void *p, size_t bytes);

#endif
