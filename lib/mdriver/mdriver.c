/* mdriver.c - the malloc-lab trace driver: correctness, utilisation, speed.
 *
 *   mdriver [-l] [-v] [-c] [-p PASSES] FILE...     replay traces
 *   mdriver -S                                     does libc allocate from us?
 *
 * For each trace:
 *   1. check pass, on a fresh heap (mm_init), through the core (mm_*):
 *      every payload 16-aligned, inside the heap (memlib's regions and
 *      mappings), overlapping no live payload (shadow.c); every payload is
 *      filled with a pattern unique to its id and offset, verified on realloc
 *      (the kept prefix must survive the move) and before free; with -c,
 *      mm_checkheap after every operation, and always at the end.
 *      Utilisation = peak live payload / peak footprint (memlib: the heap's
 *      logical break + slabs + descriptors + mappings).
 *   2. timing: PASSES replays without checks (fresh heap each), best time kept;
 *      with -l the same replays through the C library's malloc, interleaved
 *      with ours so both see the same machine load.
 * Then a table and the line
 *   malloc: avg_util=NN.N% kops=N libc_kops=N ratio=N.NN
 * avg_util is the mean over traces (a failed trace counts 0); kops is total
 * operations over total best time, ours and libc's over the same traces.
 *
 * The host build links only the core, so -l really is glibc. In the musl
 * build the shim makes malloc ours, and -l measures our allocator twice.
 * The heap is a private arena (mem_init(MEM_ARENA)): the driver resets it
 * between runs, and on the host glibc's malloc owns the program break.
 */
#define _GNU_SOURCE /* asprintf */
#include "include/pagoda_malloc.h"
#include "memlib.h"
#include "score.h"
#include "shadow.h"
#include "trace.h"

#include <malloc.h> /* memalign */
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

struct options {
    bool libc, verbose, check_every_op, selfcheck;
    int passes;
    double ref_kops; /* -R: the Autolab score's reference throughput */
};

struct result {
    bool ok;
    double util;   /* 0..1 */
    double bound;  /* 0..1: the best any 16-byte-aligned allocator could do */
    double secs;   /* best time, ours */
    double libc_secs;
    size_t ops;
    enum trace_format format;
    enum trace_weight weight;
};

struct allocator {
    void *(*malloc)(size_t);
    void (*free)(void *);
    void *(*realloc)(void *, size_t);
    void *(*memalign)(size_t, size_t);
};
static const struct allocator ours = {mm_malloc, mm_free, mm_realloc, mm_memalign};
static const struct allocator libc = {malloc, free, realloc, memalign};

/* Per-id state of a replay, in driver memory (see trace.h). */
struct replay {
    char **ptr;
    size_t *size;
    size_t n;
};

static bool replay_open(struct replay *r, size_t n)
{
    r->n = n;
    r->ptr = drv_alloc(n * sizeof *r->ptr);
    r->size = drv_alloc(n * sizeof *r->size);
    return r->ptr && r->size;
}

static void replay_close(struct replay *r)
{
    drv_free(r->ptr, r->n * sizeof *r->ptr);
    drv_free(r->size, r->n * sizeof *r->size);
}

/* ---- payload patterns ------------------------------------------------------- */

static uint64_t pattern_word(uint32_t id, size_t word)
{
    return ((uint64_t)id + 1) * 0x9e3779b97f4a7c15ull ^ (uint64_t)word * 0xc2b2ae3d27d4eb4full;
}

/* Write id's pattern into bytes [from, n) of payload p. */
static void fill(char *p, size_t from, size_t n, uint32_t id)
{
    for (size_t i = from & ~(size_t)7; i < n; i += 8) {
        uint64_t w = pattern_word(id, i / 8);
        size_t skip = i < from ? from - i : 0, k = n - i < 8 ? n - i : 8;
        memcpy(p + i + skip, (char *)&w + skip, k - skip);
    }
}

/* Offset of the first byte that differs from id's pattern, or n. */
static size_t verify(const char *p, size_t n, uint32_t id)
{
    for (size_t i = 0; i < n; i += 8) {
        uint64_t w = pattern_word(id, i / 8);
        size_t k = n - i < 8 ? n - i : 8;
        if (memcmp(p + i, &w, k))
            for (size_t j = 0; j < k; j++)
                if (p[i + j] != ((const char *)&w)[j])
                    return i + j;
    }
    return n;
}

/* ---- the check pass ------------------------------------------------------------ */

static bool op_error(const struct trace *t, size_t i, const char *why, size_t detail)
{
    const struct op *op = &t->ops[i];
    printf("mdriver: %s:%u: operation %zu (%c %u", t->path, op->line, i, op->type, op->id);
    if (op->type != 'f')
        printf(" %lu", (unsigned long)op->size);
    printf("): %s", why);
    if (detail != (size_t)-1)
        printf(" %zu", detail);
    printf("\n");
    return false;
}

/* A new payload for op i at p: non-NULL, aligned, in the heap, not overlapping. */
static bool check_new_payload(const struct trace *t, size_t i, char *p, size_t size)
{
    if (!p)
        return op_error(t, i, "allocation failed (NULL)", (size_t)-1);
    if ((uintptr_t)p % 16)
        return op_error(t, i, "payload not 16-byte aligned", (size_t)-1);
    if (!mem_contains(p, size ? size : 1))
        return op_error(t, i, "payload not inside the heap", (size_t)-1);
    if (mm_usable_size(p) < size)
        return op_error(t, i, "usable size smaller than requested:", mm_usable_size(p));
    if (!shadow_claim(p, size))
        return op_error(t, i, "payload overlaps another live payload", (size_t)-1);
    return true;
}

/* The block of op i's id goes away (r, f): its contents must be intact. */
static bool check_release(const struct trace *t, size_t i, struct replay *r)
{
    uint32_t id = t->ops[i].id;
    size_t bad;
    if (!r->ptr[id])
        return true; /* AUTOLAB: r of an id that is not live is realloc(NULL) */
    if ((bad = verify(r->ptr[id], r->size[id], id)) != r->size[id])
        return op_error(t, i, "payload of a live block changed at byte", bad);
    shadow_release(r->ptr[id], r->size[id]);
    return true;
}

/* "r ID 0": realloc(p, 0) frees p and returns NULL (realloc(NULL, 0) is
 * malloc(0), whose block the replay frees at once). */
static bool check_realloc_zero(const struct trace *t, size_t i, struct replay *r)
{
    uint32_t id = t->ops[i].id;
    char *p = mm_realloc(r->ptr[id], 0);
    bool was_live = r->ptr[id] != NULL;
    r->ptr[id] = NULL;
    r->size[id] = 0;
    if (was_live && p)
        return op_error(t, i, "realloc(p, 0) returned a block, not NULL", (size_t)-1);
    mm_free(p);
    return true;
}

static char *call_alloc(const struct op *op, char *old)
{
    if (op->type == 'a')
        return mm_malloc(op->size);
    if (op->type == 'm')
        return mm_memalign(op->align, op->size);
    return mm_realloc(old, op->size);
}

static bool check_op(const struct trace *t, size_t i, struct replay *r)
{
    const struct op *op = &t->ops[i];
    if (op->id == ID_NULL) {
        mm_free(NULL);
        return true;
    }
    char *old = r->ptr[op->id];
    size_t old_size = r->size[op->id], bad;
    if (op->type != 'a' && op->type != 'm' && !check_release(t, i, r))
        return false;
    if (op->type == 'r' && op->size == 0)
        return check_realloc_zero(t, i, r);
    if (op->type == 'f') {
        mm_free(old);
        r->ptr[op->id] = NULL;
        r->size[op->id] = 0;
        return true;
    }
    char *p = call_alloc(op, old);
    if (!check_new_payload(t, i, p, op->size))
        return false;
    if (op->type == 'm' && (uintptr_t)p % op->align)
        return op_error(t, i, "payload not aligned as memalign asked", (size_t)-1);
    size_t kept = op->type == 'r' && old ? (old_size < op->size ? old_size : op->size) : 0;
    if ((bad = verify(p, kept, op->id)) != kept)
        return op_error(t, i, "realloc lost the payload's contents at byte", bad);
    fill(p, kept, op->size, op->id);
    r->ptr[op->id] = p;
    r->size[op->id] = op->size;
    return true;
}

/* Replay with every check; fills in ok and util. */
static void check_pass(const struct trace *t, const struct options *o, struct result *res)
{
    struct replay r;
    size_t live = 0, peak = 0;
    res->ok = false;
    if (!replay_open(&r, t->num_ids) || mm_init() < 0) {
        printf("mdriver: %s: cannot set up the replay\n", t->path);
        replay_close(&r);
        return;
    }
    shadow_reset();
    mem_reset_peak();
    bool ok = true;
    for (size_t i = 0; ok && i < t->num_ops; i++) {
        uint32_t id = t->ops[i].id;
        live -= id == ID_NULL ? 0 : r.size[id];
        ok = check_op(t, i, &r);
        live += id == ID_NULL ? 0 : r.size[id];
        peak = live > peak ? live : peak;
        if (ok && o->check_every_op && mm_checkheap(0))
            ok = op_error(t, i, "mm_checkheap found problems after this operation", (size_t)-1);
    }
    fflush(stdout); /* mm_checkheap writes to stderr */
    if (ok && mm_checkheap(o->verbose))
        ok = op_error(t, t->num_ops - 1, "mm_checkheap found problems at the end", (size_t)-1);
    res->ok = ok;
    res->util = ok && mem_peak_footprint() ? (double)peak / (double)mem_peak_footprint() : 0;
    replay_close(&r);
}

/* ---- timing --------------------------------------------------------------------- */

static double now(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec * 1e-9;
}

static void replay_fast(const struct trace *t, const struct allocator *a, char **ptr)
{
    for (size_t i = 0; i < t->num_ops; i++) {
        const struct op *op = &t->ops[i];
        char **slot = op->id == ID_NULL ? &(char *){NULL} : &ptr[op->id];
        if (op->type == 'a')
            *slot = a->malloc(op->size);
        else if (op->type == 'm')
            *slot = a->memalign(op->align, op->size);
        else if (op->type == 'f' || op->size == 0) {
            a->free(*slot); /* "r ID 0" frees: realloc(p, 0) differs between libraries */
            *slot = NULL;
        } else
            *slot = a->realloc(*slot, op->size);
    }
}

/* One timed replay; afterwards frees what an unbalanced trace left (untimed). */
static double time_once(const struct trace *t, const struct allocator *a, struct replay *r)
{
    if (a == &ours)
        mm_init();
    memset(r->ptr, 0, r->n * sizeof *r->ptr);
    double t0 = now();
    replay_fast(t, a, r->ptr);
    double secs = now() - t0;
    for (size_t id = 0; a == &libc && id < r->n; id++)
        a->free(r->ptr[id]);
    return secs;
}

static void time_trace(const struct trace *t, const struct options *o, struct result *res)
{
    struct replay r;
    res->secs = res->libc_secs = 1e30;
    if (!replay_open(&r, t->num_ids))
        return;
    for (int pass = 0; pass < o->passes; pass++) {
        double s = time_once(t, &ours, &r);
        res->secs = s < res->secs ? s : res->secs;
        if (o->libc) {
            s = time_once(t, &libc, &r);
            res->libc_secs = s < res->libc_secs ? s : res->libc_secs;
        }
    }
    replay_close(&r);
}

/* ---- output ----------------------------------------------------------------------- */

static const char *base_name(const char *path)
{
    const char *s = strrchr(path, '/');
    return s ? s + 1 : path;
}

static void print_row(const char *name, const struct result *r, const struct options *o)
{
    printf("%-22s %-4s %6.1f%% %6.1f%% %8zu %10.0f %10.0f", name, r->ok ? "yes" : "no",
           r->util * 100, r->bound * 100, r->ops, r->ok ? r->secs * 1e6 : 0,
           r->ok ? r->ops / r->secs / 1e3 : 0);
    if (o->libc && r->ok)
        printf(" %10.0f %10.0f %6.2f", r->libc_secs * 1e6, r->ops / r->libc_secs / 1e3,
               r->libc_secs / r->secs);
    printf("\n");
}

/* The lab's performance index; Autolab's reference is -R, else glibc's (-l). */
static void print_score(const struct result *res, int n, const struct options *o,
                        double libc_kops)
{
    struct scored *s = drv_alloc((size_t)n * sizeof *s);
    if (!s || o->passes == 0) {
        drv_free(s, (size_t)n * sizeof *s);
        return;
    }
    for (int i = 0; i < n; i++)
        s[i] = (struct scored){.ok = res[i].ok, .format = res[i].format,
                               .weight = res[i].weight, .util = res[i].util,
                               .secs = res[i].ok ? res[i].secs : 0, .ops = res[i].ops};
    score_print(s, n, o->ref_kops > 0 ? o->ref_kops : libc_kops);
    drv_free(s, (size_t)n * sizeof *s);
}

static void print_summary(const struct result *res, int n, const struct options *o)
{
    double util = 0, bound = 0, secs = 0, libc_secs = 0, ops = 0;
    for (int i = 0; i < n; i++) {
        util += res[i].util;
        bound += res[i].bound;
        if (res[i].ok) {
            secs += res[i].secs;
            libc_secs += res[i].libc_secs;
            ops += (double)res[i].ops;
        }
    }
    double kops = secs > 0 ? ops / secs / 1e3 : 0;
    double libc_kops = o->libc && libc_secs > 0 ? ops / libc_secs / 1e3 : 0;
    printf("%-22s %-4s %6.1f%% %6.1f%% %8.0f %10.0f %10.0f", "total", "", n ? util / n * 100 : 0,
           n ? bound / n * 100 : 0, ops, secs * 1e6, kops);
    if (o->libc)
        printf(" %10.0f %10.0f %6.2f", libc_secs * 1e6, libc_kops, kops / libc_kops);
    printf("\n");
    if (!o->libc)
        printf("(libc not measured: run with -l)\n");
    printf("malloc: avg_util=%.1f%% kops=%.0f libc_kops=%.0f ratio=%.2f\n",
           n ? util / n * 100 : 0, kops, libc_kops, libc_kops > 0 ? kops / libc_kops : 0);
    print_score(res, n, o, libc_kops);
}

/* ---- main --------------------------------------------------------------------------- */

static int usage(void)
{
    fprintf(stderr, "usage: mdriver [-l] [-v] [-c] [-p PASSES] [-R KOPS] FILE...\n"
                    "       mdriver -S\n"
                    "  -l  also time the C library's malloc, in the same run\n"
                    "  -v  verbose: trace format, header and heap summary per trace\n"
                    "  -c  mm_checkheap after every operation (slow)\n"
                    "  -p  timing passes, best kept (default 5; 0: correctness only)\n"
                    "  -R  reference throughput (Kops/s) for the Autolab score (default: glibc's, -l)\n"
                    "  -S  self-check: do strdup/printf allocate from the Pagoda heap?\n");
    return 2;
}

static int parse_options(int argc, char **argv, struct options *o)
{
    int c;
    *o = (struct options){.passes = 5};
    while ((c = getopt(argc, argv, "lvcp:R:S")) != -1) {
        if (c == 'l')
            o->libc = true;
        else if (c == 'v')
            o->verbose = true;
        else if (c == 'c')
            o->check_every_op = true;
        else if (c == 'p')
            o->passes = atoi(optarg);
        else if (c == 'R')
            o->ref_kops = atof(optarg);
        else if (c == 'S')
            o->selfcheck = true;
        else
            return -1;
    }
    return o->passes < 0 ? -1 : 0;
}

/* In the musl build strdup and asprintf must reach mm_malloc through the shim. */
static int selfcheck(void)
{
    char *s = strdup("pagoda"), *t = NULL;
    bool ours = s && mm_owns(s);
    if (asprintf(&t, "%s %d", "printf", 42) > 0)
        ours = ours && mm_owns(t);
    printf("malloc: C library calls reach the Pagoda allocator: %s\n", ours ? "yes" : "no");
    free(s);
    free(t);
    return ours ? 0 : 1;
}

static void print_trace_info(const struct trace *t, const struct trace_bound *b)
{
    printf("%s: format %s, weight %d, %zu ids, %zu operations; peak payload %lu bytes, "
           "smallest 16-byte-aligned footprint %lu bytes\n", t->path,
           trace_format_name(t->format), (int)t->weight, t->num_ids, t->num_ops,
           (unsigned long)b->peak_payload, (unsigned long)b->peak_min_footprint);
    if (t->ignored_from)
        printf("%s: operations from line %u on are past the header's count: ignored, as the "
               "lab's driver does\n", t->path, t->ignored_from);
    if (t->format == TRACE_AUTOLAB && t->header_bytes != b->peak_payload)
        printf("%s: note: the header's data_bytes is %lu\n", t->path,
               (unsigned long)t->header_bytes);
}

static void run_trace(const char *path, const struct options *o, struct result *res)
{
    struct trace t;
    char err[256];
    *res = (struct result){0};
    if (trace_read(path, &t, err, sizeof err) < 0) {
        printf("mdriver: %s\n", err);
        return;
    }
    struct trace_bound b = trace_bound(&t);
    res->ops = t.num_ops;
    res->format = t.format;
    res->weight = t.weight;
    res->bound = b.peak_min_footprint ? (double)b.peak_payload / (double)b.peak_min_footprint : 0;
    if (o->verbose)
        print_trace_info(&t, &b);
    check_pass(&t, o, res);
    if (res->ok && o->passes > 0)
        time_trace(&t, o, res);
    trace_free(&t);
}

int main(int argc, char **argv)
{
    struct options o;
    if (parse_options(argc, argv, &o) < 0)
        return usage();
    mem_init(MEM_ARENA);
    if (o.selfcheck)
        return selfcheck();
    int n = argc - optind, failed = 0;
    if (n <= 0)
        return usage();
    struct result *res = drv_alloc((size_t)n * sizeof *res);
    printf("%-22s %-4s %7s %7s %8s %10s %10s%s\n", "trace", "ok", "util", "bound", "ops", "ours us",
           "ours Kops", o.libc ? "    libc us  libc Kops  ratio" : "");
    for (int i = 0; i < n; i++) {
        run_trace(argv[optind + i], &o, &res[i]);
        print_row(base_name(argv[optind + i]), &res[i], &o);
        failed += !res[i].ok;
        fflush(stdout);
    }
    print_summary(res, n, &o);
    shadow_destroy();
    return failed ? 1 : 0;
}
