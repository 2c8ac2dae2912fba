/* mreplay.c - replay one malloc-lab trace through whatever malloc the process
 * has: the C library's, or one given with LD_PRELOAD (bench/malloc_bench.py
 * runs this one binary under each allocator, one process per trace).
 *
 *   mreplay [-p PASSES] TRACE
 *
 * prints one line
 *   mreplay: ops=N payload=BYTES footprint=BYTES util=PCT best_us=US kops=K
 *
 * 1. Footprint: one replay that writes every byte of every payload (so the
 *    pages behind it are really there), with the kernel's peak resident set
 *    reset just before it (writing 5 to /proc/self/clear_refs) and read just
 *    after (VmHWM). footprint = VmHWM - the resident set before the replay:
 *    every page the allocator touched for blocks, headers, metadata, mapped
 *    or from the break, counted the same way whatever the allocator is.
 *    util = peak live payload / footprint (page-granular: tiny traces lose).
 * 2. Throughput: PASSES replays without touching payloads (as the lab's
 *    timed runs), best kept; blocks a trace leaves live are freed after each
 *    pass, untimed. The same process, so later passes run on the allocator's
 *    warm state - for every allocator alike.
 * The trace and the driver's tables are in mmap'd memory (trace.c), outside
 * the allocator being measured.
 */
#define _GNU_SOURCE
#include "mdriver/trace.h"

#include <fcntl.h>
#include <malloc.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

/* A field of /proc/self/status in KiB ("VmHWM:", "VmRSS:"), read without stdio's malloc. */
static long status_kib(const char *field)
{
    char buf[4096];
    int fd = open("/proc/self/status", O_RDONLY);
    ssize_t n = fd < 0 ? -1 : read(fd, buf, sizeof buf - 1);
    if (fd >= 0)
        close(fd);
    if (n <= 0)
        return -1;
    buf[n] = 0;
    char *p = strstr(buf, field);
    return p ? atol(p + strlen(field)) : -1;
}

static void reset_peak_rss(void)
{
    int fd = open("/proc/self/clear_refs", O_WRONLY);
    if (fd >= 0 && write(fd, "5", 1) != 1)
        fprintf(stderr, "mreplay: cannot reset the peak resident set\n");
    if (fd >= 0)
        close(fd);
}

/* Replay once; with touch, write every payload byte. Returns the peak live payload. */
static size_t replay(const struct trace *t, char **ptr, size_t *size, int touch)
{
    size_t live = 0, peak = 0;
    for (size_t i = 0; i < t->num_ops; i++) {
        const struct op *op = &t->ops[i];
        if (op->id == ID_NULL) {
            free(NULL);
            continue;
        }
        char **slot = &ptr[op->id];
        live -= size[op->id];
        if (op->type == 'a')
            *slot = malloc(op->size);
        else if (op->type == 'm')
            *slot = memalign(op->align, op->size);
        else if (op->type == 'f' || op->size == 0) {
            free(*slot); /* "r ID 0" frees: realloc(p, 0) differs between libraries */
            *slot = NULL;
        } else
            *slot = realloc(*slot, op->size);
        size[op->id] = *slot ? op->size : 0;
        live += size[op->id];
        peak = live > peak ? live : peak;
        if (touch && *slot)
            memset(*slot, (int)i, op->size);
    }
    return peak;
}

static void free_leftovers(const struct trace *t, char **ptr, size_t *size)
{
    for (size_t id = 0; id < t->num_ids; id++) {
        free(ptr[id]);
        ptr[id] = NULL;
        size[id] = 0;
    }
}

static double now(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec * 1e-9;
}

int main(int argc, char **argv)
{
    int passes = 5, c;
    while ((c = getopt(argc, argv, "p:")) != -1)
        if (c == 'p')
            passes = atoi(optarg);
    if (optind != argc - 1 || passes < 1) {
        fprintf(stderr, "usage: mreplay [-p PASSES] TRACE\n");
        return 2;
    }
    struct trace t;
    char err[256];
    if (trace_read(argv[optind], &t, err, sizeof err) < 0) {
        printf("mreplay: %s\n", err);
        return 1;
    }
    char **ptr = drv_alloc(t.num_ids * sizeof *ptr);
    size_t *size = drv_alloc(t.num_ids * sizeof *size);
    memset(ptr, 0, t.num_ids * sizeof *ptr); /* the driver's pages are not the allocator's */
    memset(size, 0, t.num_ids * sizeof *size);
    long before = status_kib("VmRSS:");
    reset_peak_rss();
    size_t payload = replay(&t, ptr, size, 1);
    long hwm = status_kib("VmHWM:");
    free_leftovers(&t, ptr, size);
    double best = 1e30;
    for (int p = 0; p < passes; p++) {
        double t0 = now();
        replay(&t, ptr, size, 0);
        double s = now() - t0;
        best = s < best ? s : best;
        free_leftovers(&t, ptr, size);
    }
    size_t footprint = (size_t)(hwm - before) * 1024;
    printf("mreplay: ops=%zu payload=%zu footprint=%zu util=%.1f best_us=%.0f kops=%.0f\n",
           t.num_ops, payload, footprint, footprint ? 100.0 * (double)payload / (double)footprint : 0,
           best * 1e6, (double)t.num_ops / best / 1e3);
    return 0;
}
