/* unit.c - host unit tests of the allocator core, one behaviour each, built
 * with -fsanitize=address,undefined. Every test starts from a fresh heap
 * (mm_init) in a private arena, runs in its own process (fork), and ends with
 * mm_checkheap() == 0.
 * Prints "PASS malloc/unit/<name>" or "FAIL malloc/unit/<name>: file:line: what".
 */
#include "include/pagoda_malloc.h"
#include "malloc_internal.h"

#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

static const char *failure; /* first failed expectation of the running test */
static char failure_buf[256];

static bool expect_at(bool ok, int line, const char *what)
{
    if (!ok && !failure) {
        snprintf(failure_buf, sizeof failure_buf, "unit.c:%d: expected %s", line, what);
        failure = failure_buf;
    }
    return ok;
}
/* The one macro: it records the line and the text of the expectation. */
#define EXPECT(cond) expect_at((cond), __LINE__, #cond)

/* ---- basic contracts ------------------------------------------------------ */

static void malloc_zero_gives_distinct_blocks(void)
{
    char *p = mm_malloc(0), *q = mm_malloc(0);
    EXPECT(p && q && p != q);
    mm_free(p);
    mm_free(q);
}

static void every_size_is_aligned_and_usable(void)
{
    static const size_t big[] = {4095, 4096, 10000, 65536, 200000, 262143, 262144, 1 << 20};
    for (size_t n = 0; n <= 2100; n++) {
        char *p = mm_malloc(n);
        EXPECT(p && (uintptr_t)p % 16 == 0 && mm_usable_size(p) >= n && mm_owns(p));
        memset(p, 0x5a, n);
        mm_free(p);
    }
    for (size_t i = 0; i < sizeof big / sizeof big[0]; i++) {
        char *p = mm_malloc(big[i]);
        EXPECT(p && (uintptr_t)p % 16 == 0 && mm_usable_size(p) >= big[i]);
        memset(p, 0x5a, big[i]);
        mm_free(p);
    }
}

static void free_null_is_a_no_op(void) { mm_free(NULL); }

static void small_sizes_get_exact_slots(void)
{
    for (size_t n = 1; n <= SMALL_MAX; n++) {
        char *p = mm_malloc(n);
        EXPECT(in_small(p) && mm_usable_size(p) == align_up(n, 16));
        mm_free(p);
    }
    char *p = mm_malloc(SMALL_MAX + 1);
    EXPECT(in_heap(p));
    mm_free(p);
}

static void small_slot_reused_after_free(void)
{
    char *p = mm_malloc(24);
    mm_free(p);
    EXPECT(mm_malloc(24) == p);
}

/* A slab is given back when its last slot is freed, and another class reuses it. */
static void empty_slab_reused_by_other_class(void)
{
    char *p[65];
    for (int i = 0; i < 65; i++) /* 64 slots of 16 B fill one slab; one more opens a second */
        p[i] = mm_malloc(16);
    EXPECT(small.nslabs == 2);
    for (int i = 0; i < 64; i++)
        mm_free(p[i]);
    char *q = mm_malloc(128);
    EXPECT(small.nslabs == 2 && slab_of(q) == slab_of(p[0]));
    mm_free(q);
    mm_free(p[64]);
}

/* Fill six and a half slabs with 16-byte blocks and empty slabs 1-4: the slab
 * region then has a run of four empty slabs between live ones (the partly
 * used last slab keeps its class, so the emptied ones are not kept by S4). */
static char **empty_run_of_four_slabs(void)
{
    static char *p[7 * 64 - 32];
    for (int i = 0; i < 7 * 64 - 32; i++)
        p[i] = mm_malloc(16);
    for (int i = 64; i < 5 * 64; i++)
        mm_free(p[i]);
    return p;
}

/* A large request that the heap cannot serve without growing takes a run of
 * empty slabs (a span) instead, grows and shrinks there, and gives it back. */
static void large_block_takes_a_run_of_empty_slabs(void)
{
    empty_run_of_four_slabs();
    uint32_t nslabs = small.nslabs;
    char *q = mm_malloc(3000);
    EXPECT(in_small(q) && is_span(q) && mm_usable_size(q) == 3072 && slab_no(slab_of(q)) == 1);
    memset(q, 0x5a, 3000);
    EXPECT(mm_realloc(q, 4000) == q && mm_usable_size(q) == 4096 && q[2999] == 0x5a);
    EXPECT(mm_realloc(q, 1500) == q && mm_usable_size(q) == 2048 && mm_checkheap(0) == 0);
    char *r = mm_malloc(2000); /* the two pages q gave back */
    EXPECT(is_span(r) && slab_no(slab_of(r)) == 3);
    mm_free(q);
    mm_free(r);
    EXPECT(mm_checkheap(0) == 0 && small.nslabs == nslabs && small_empty_range(1, 4));
}

/* Requests below SPAN_MIN, and the heap's own free blocks, come first. */
static void span_only_where_the_heap_would_grow(void)
{
    empty_run_of_four_slabs();
    char *a = mm_malloc(2000), *b = mm_malloc(200);
    EXPECT(is_span(a) && in_heap(b));
    char *c = mm_malloc(5000), *barrier = mm_malloc(200); /* two empty pages left: too few */
    EXPECT(in_heap(c) && in_heap(barrier));
    mm_free(c);
    char *d = mm_malloc(1500); /* fits in c's free block: no span */
    EXPECT(in_heap(d) && small_empty_range(3, 2) && mm_checkheap(0) == 0);
}

static void checkheap_sees_corrupt_span(void)
{
    empty_run_of_four_slabs();
    char *q = mm_malloc(3000);
    slab_at(slab_no(slab_of(q)) + 2)->prev = 0;
    EXPECT(mm_checkheap(0) > 0);
    slab_at(slab_no(slab_of(q)) + 2)->prev = slab_no(slab_of(q));
    EXPECT(mm_checkheap(0) == 0);
}

static void calloc_zeroes_recycled_memory(void)
{
    size_t sizes[] = {24, 300, 5000};
    for (int i = 0; i < 3; i++) {
        char *p = mm_malloc(sizes[i]);
        memset(p, 0xff, sizes[i]);
        mm_free(p);
        char *q = mm_calloc(1, sizes[i]);
        EXPECT(q == p);
        for (size_t k = 0; k < sizes[i]; k++)
            if (!EXPECT(q[k] == 0))
                break;
        mm_free(q);
    }
}

static void calloc_overflow_is_enomem(void)
{
    errno = 0;
    EXPECT(mm_calloc(SIZE_MAX / 2, 3) == NULL && errno == ENOMEM);
}

static void malloc_too_big_is_enomem(void)
{
    errno = 0;
    EXPECT(mm_malloc(SIZE_MAX - 64) == NULL && errno == ENOMEM);
}

/* ---- realloc ----------------------------------------------------------------- */

static void realloc_null_and_zero(void)
{
    char *p = mm_realloc(NULL, 40);
    EXPECT(p && mm_usable_size(p) >= 40);
    EXPECT(mm_realloc(p, 0) == NULL);
}

static void realloc_grows_at_heap_end_in_place(void)
{
    char *p = mm_malloc(1000);
    memset(p, 7, 1000);
    char *q = mm_realloc(p, 50000);
    EXPECT(q == p && q[999] == 7 && mm_usable_size(q) >= 50000);
    mm_free(q);
}

static void realloc_grows_into_free_neighbour(void)
{
    char *p = mm_malloc(1000), *x = mm_malloc(1000), *y = mm_malloc(1000);
    mm_free(x);
    EXPECT(mm_realloc(p, 1900) == p);
    mm_free(p);
    mm_free(y);
}

static void realloc_shrinks_in_place_and_frees_tail(void)
{
    char *p = mm_malloc(4000), *barrier = mm_malloc(1000);
    EXPECT(mm_realloc(p, 1000) == p);
    char *q = mm_malloc(2000);
    EXPECT(q > p && q < p + 4000); /* the freed tail served it */
    mm_free(q);
    mm_free(p);
    mm_free(barrier);
}

static void realloc_moves_and_keeps_contents(void)
{
    char *p = mm_malloc(100), *barrier = mm_malloc(200);
    for (int i = 0; i < 100; i++)
        p[i] = (char)i;
    char *q = mm_realloc(p, 10000);
    EXPECT(q && q != p);
    for (int i = 0; i < 100; i++)
        if (!EXPECT(q[i] == (char)i))
            break;
    mm_free(q);
    mm_free(barrier);
}

static void realloc_small_stays_within_class(void)
{
    char *p = mm_malloc(20);
    strcpy(p, "pagoda");
    EXPECT(mm_realloc(p, 30) == p);
    char *q = mm_realloc(p, 40);
    EXPECT(q != p && strcmp(q, "pagoda") == 0 && mm_usable_size(q) == 48);
    mm_free(q);
}

/* ---- coalescing, memalign, huge blocks ------------------------------------------- */

static void free_coalesces_both_neighbours(void)
{
    char *a = mm_malloc(500), *b = mm_malloc(500), *c = mm_malloc(500), *d = mm_malloc(500);
    mm_free(a);
    mm_free(c);
    mm_free(b); /* a, b, c become one free block */
    EXPECT(mm_malloc(1500) == a);
    EXPECT(fits.nonempty[0] == 0 && fits.nonempty[1] == 0);
    mm_free(a);
    mm_free(d);
}

static void memalign_every_power_of_two(void)
{
    for (size_t align = 1; align <= (1 << 20); align *= 2) {
        size_t sizes[] = {1, 100, 5000, 300000};
        for (int i = 0; i < 4; i++) {
            char *p = mm_memalign(align, sizes[i]);
            EXPECT(p && (uintptr_t)p % align == 0 && mm_usable_size(p) >= sizes[i]);
            memset(p, 1, sizes[i]);
            EXPECT(mm_checkheap(0) == 0);
            mm_free(p);
        }
    }
}

static void memalign_rejects_bad_alignment(void)
{
    errno = 0;
    EXPECT(mm_memalign(24, 10) == NULL && errno == EINVAL);
}

static void huge_block_is_a_mapping(void)
{
    size_t before = mem_footprint(), n = 1 << 20;
    char *p = mm_malloc(n);
    EXPECT(p && !in_heap(p) && !in_small(p) && mm_owns(p) && mm_usable_size(p) >= n);
    memset(p, 3, n);
    char *q = mm_realloc(p, n + 1000); /* page rounding leaves room: stays */
    char *r = mm_realloc(q, 3 * n);    /* moves, keeps contents */
    EXPECT(q == p && r != q && r[n - 1] == 3);
    mm_free(r);
    EXPECT(mem_footprint() == before);
}

static void huge_calloc_is_zero(void)
{
    char *p = mm_calloc(1, 3 << 20);
    EXPECT(p && p[0] == 0 && p[(3 << 20) - 1] == 0);
    mm_free(p);
}

/* ---- the checker must be able to fail ---------------------------------------------- */

static void checkheap_sees_corrupt_header(void)
{
    char *p = mm_malloc(500), *q = mm_malloc(500);
    (void)p;
    word_t saved = *hdr(q);
    *hdr(q) += 16; /* the size no longer tiles the heap */
    EXPECT(mm_checkheap(0) > 0);
    *hdr(q) = saved;
}

static void checkheap_sees_corrupt_free_list(void)
{
    char *p = mm_malloc(500), *barrier = mm_malloc(500);
    (void)barrier;
    mm_free(p);
    char *saved = links(p)->next;
    links(p)->next = p + 16;
    EXPECT(mm_checkheap(0) > 0);
    links(p)->next = saved;
}

static void checkheap_sees_corrupt_slab(void)
{
    char *p = mm_malloc(16), *q = mm_malloc(16);
    (void)q;
    mm_free(p);
    uint16_t saved = *slot_link(p);
    *slot_link(p) = 8; /* not a slot boundary */
    EXPECT(mm_checkheap(0) > 0);
    *slot_link(p) = saved;
}

static void checkheap_sees_missed_coalescing(void)
{
    char *a = mm_malloc(500), *b = mm_malloc(500), *c = mm_malloc(500);
    (void)c;
    mm_free(a);
    *hdr(b) &= ~(word_t)ALLOC; /* b "free" without footer, list or merge */
    EXPECT(mm_checkheap(0) > 0);
    *hdr(b) |= ALLOC;
}

/* The commonest double free of a large block aborts (in a child process). */
static void double_free_large_aborts(void)
{
    fflush(NULL);
    pid_t pid = fork();
    if (pid == 0) {
        close(2); /* the expected message is tested elsewhere */
        char *p = mm_malloc(1000), *barrier = mm_malloc(1000);
        (void)barrier;
        mm_free(p);
        mm_free(p);
        _exit(0);
    }
    int status = 0;
    waitpid(pid, &status, 0);
    EXPECT(WIFSIGNALED(status) && WTERMSIG(status) == SIGABRT);
}

/* ---- runner ---------------------------------------------------------------------------- */

static const struct {
    const char *name;
    void (*fn)(void);
} tests[] = {
    {"malloc_zero_gives_distinct_blocks", malloc_zero_gives_distinct_blocks},
    {"every_size_is_aligned_and_usable", every_size_is_aligned_and_usable},
    {"free_null_is_a_no_op", free_null_is_a_no_op},
    {"small_sizes_get_exact_slots", small_sizes_get_exact_slots},
    {"small_slot_reused_after_free", small_slot_reused_after_free},
    {"empty_slab_reused_by_other_class", empty_slab_reused_by_other_class},
    {"large_block_takes_a_run_of_empty_slabs", large_block_takes_a_run_of_empty_slabs},
    {"span_only_where_the_heap_would_grow", span_only_where_the_heap_would_grow},
    {"checkheap_sees_corrupt_span", checkheap_sees_corrupt_span},
    {"calloc_zeroes_recycled_memory", calloc_zeroes_recycled_memory},
    {"calloc_overflow_is_enomem", calloc_overflow_is_enomem},
    {"malloc_too_big_is_enomem", malloc_too_big_is_enomem},
    {"realloc_null_and_zero", realloc_null_and_zero},
    {"realloc_grows_at_heap_end_in_place", realloc_grows_at_heap_end_in_place},
    {"realloc_grows_into_free_neighbour", realloc_grows_into_free_neighbour},
    {"realloc_shrinks_in_place_and_frees_tail", realloc_shrinks_in_place_and_frees_tail},
    {"realloc_moves_and_keeps_contents", realloc_moves_and_keeps_contents},
    {"realloc_small_stays_within_class", realloc_small_stays_within_class},
    {"free_coalesces_both_neighbours", free_coalesces_both_neighbours},
    {"memalign_every_power_of_two", memalign_every_power_of_two},
    {"memalign_rejects_bad_alignment", memalign_rejects_bad_alignment},
    {"huge_block_is_a_mapping", huge_block_is_a_mapping},
    {"huge_calloc_is_zero", huge_calloc_is_zero},
    {"checkheap_sees_corrupt_header", checkheap_sees_corrupt_header},
    {"checkheap_sees_corrupt_free_list", checkheap_sees_corrupt_free_list},
    {"checkheap_sees_corrupt_slab", checkheap_sees_corrupt_slab},
    {"checkheap_sees_missed_coalescing", checkheap_sees_missed_coalescing},
    {"double_free_large_aborts", double_free_large_aborts},
};

/* Run one test in a child process, so that a crash (an abort from the
 * allocator, an ASan report) fails that test alone. */
static bool run_one(const char *name, void (*fn)(void))
{
    fflush(stdout);
    pid_t pid = fork();
    if (pid == 0) {
        mm_init();
        fn();
        if (!failure && strncmp(name, "checkheap_sees", 14) && mm_checkheap(0))
            failure = "mm_checkheap found problems after the test";
        printf("%s malloc/unit/%s%s%s\n", failure ? "FAIL" : "PASS", name, failure ? ": " : "",
               failure ? failure : "");
        fflush(stdout);
        _exit(failure ? 1 : 0);
    }
    int status = 0;
    waitpid(pid, &status, 0);
    if (WIFSIGNALED(status))
        printf("FAIL malloc/unit/%s: killed by signal %d\n", name, WTERMSIG(status));
    return WIFEXITED(status) && WEXITSTATUS(status) == 0;
}

int main(void)
{
    int failed = 0;
    setvbuf(stdout, NULL, _IOLBF, 0);
    mem_init(MEM_ARENA);
    for (size_t i = 0; i < sizeof tests / sizeof tests[0]; i++)
        failed += !run_one(tests[i].name, tests[i].fn);
    return failed ? 1 : 0;
}
