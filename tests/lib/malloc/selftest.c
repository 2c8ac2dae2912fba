/* selftest.c - build/user/malloc_selftest: a static musl program that checks,
 * on the host and inside Pagoda, that the allocator really is this program's
 * malloc and works on the real program break.
 *
 * Checks (one PASS/FAIL line each, exit 0 only if all pass):
 *   heap_is_on_the_brk       a large block lies between the initial and the
 *                            current program break (memlib's MEM_BRK backing)
 *   strdup_is_ours           musl's strdup, asprintf, open_memstream (printf
 *   asprintf_is_ours         into a growing buffer) and fopen (the FILE) all
 *   memstream_is_ours        allocate from the Pagoda heap: musl's malloc is
 *   fopen_file_is_ours       not in the program
 *   aligned_apis             memalign, aligned_alloc, posix_memalign, usable size
 *   huge_block_is_mapped     1 MiB lies outside the break, in a mapping
 *   stress_200k              200,000 random malloc/realloc/free with patterns
 *   foreign_brk_move         another allocator moves the break (as musl's internal
 *                            one would): the heap stops growing, requests go to
 *                            mappings instead, nothing breaks; once the break is
 *                            back, the heap grows again
 *   checkheap_clean          mm_checkheap() == 0 at the end
 */
#define _GNU_SOURCE
#include "include/pagoda_malloc.h"
#include "memlib.h"

#include <malloc.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/syscall.h>
#include <unistd.h>

static int failed;
static const char *self;

static void report(const char *name, bool ok, const char *why)
{
    printf("%s malloc/selftest/%s%s%s\n", ok ? "PASS" : "FAIL", name, ok ? "" : ": ",
           ok ? "" : why);
    failed += !ok;
}

static void heap_is_on_the_brk(void)
{
    char *start = (char *)syscall(SYS_brk, 0);
    char *p = malloc(5000); /* a large block: the boundary-tag heap */
    char *end = (char *)syscall(SYS_brk, 0);
    report("heap_is_on_the_brk", p && mem_mode() == MEM_BRK && mem_heap_lo() >= start &&
                                     p >= mem_heap_lo() && p + 5000 <= end,
           "block not between the program break's start and end");
    free(p);
}

static void libc_allocates_from_us(void)
{
    char *s = strdup("pagoda"), *t = NULL, *buf = NULL;
    size_t len = 0;
    report("strdup_is_ours", s && mm_owns(s), "strdup's copy is not in the Pagoda heap");
    report("asprintf_is_ours", asprintf(&t, "%d-%s", 42, s) > 0 && mm_owns(t),
           "asprintf's buffer is not in the Pagoda heap");
    FILE *m = open_memstream(&buf, &len);
    bool ok = m && fprintf(m, "%0500d", 7) == 500 && fclose(m) == 0;
    report("memstream_is_ours", ok && len == 500 && mm_owns(buf),
           "open_memstream's buffer is not in the Pagoda heap");
    FILE *f = fopen(self, "r");
    report("fopen_file_is_ours", f && mm_owns(f) && fgetc(f) == 0x7f,
           "fopen's FILE is not in the Pagoda heap");
    if (f)
        fclose(f);
    free(s);
    free(t);
    free(buf);
}

static void aligned_apis(void)
{
    void *a = memalign(64, 100), *b = aligned_alloc(4096, 5000), *c = NULL;
    int rc = posix_memalign(&c, 256, 10);
    bool ok = a && b && c && rc == 0 && (uintptr_t)a % 64 == 0 && (uintptr_t)b % 4096 == 0 &&
              (uintptr_t)c % 256 == 0 && malloc_usable_size(a) >= 100 &&
              posix_memalign(&c, 24, 10) != 0;
    report("aligned_apis", ok, "an aligned allocation API misbehaved");
    free(a);
    free(b);
    free(c);
}

static void huge_block_is_mapped(void)
{
    size_t n = 1 << 20;
    char *p = malloc(n);
    bool ok = p && mm_owns(p) && (p < mem_heap_lo() || p >= mem_heap_hi());
    if (p)
        memset(p, 0x42, n);
    report("huge_block_is_mapped", ok && p[n - 1] == 0x42, "1 MiB block not in its own mapping");
    free(p);
}

static unsigned rng(void)
{
    static unsigned long s = 88172645463325252ul;
    s ^= s << 13;
    s ^= s >> 7;
    s ^= s << 17;
    return (unsigned)(s >> 16);
}

static void stress(void)
{
    enum { N = 1024 };
    static unsigned char *ptr[N];
    static size_t size[N];
    bool ok = true;
    for (long step = 0; ok && step < 200000; step++) {
        unsigned i = rng() % N;
        if (ptr[i])
            for (size_t k = 0; ok && k < size[i]; k += 1 + size[i] / 64)
                ok = ptr[i][k] == (unsigned char)(i + k);
        if (ptr[i] && rng() % 2) {
            free(ptr[i]);
            ptr[i] = NULL;
            continue;
        }
        size_t n = rng() % 8 ? rng() % 300 : rng() % 20000;
        unsigned char *q = ptr[i] ? realloc(ptr[i], n + 1) : malloc(n + 1);
        size_t keep = ptr[i] && size[i] < n + 1 ? size[i] : n + 1;
        ok = ok && q;
        for (size_t k = 0; ok && ptr[i] && k < keep; k += 1 + size[i] / 64)
            ok = q[k] == (unsigned char)(i + k);
        for (size_t k = 0; ok && k <= n; k++)
            q[k] = (unsigned char)(i + k);
        ptr[i] = q;
        size[i] = n + 1;
    }
    for (unsigned i = 0; i < N; i++)
        free(ptr[i]);
    report("stress_200k", ok, "a payload changed, or an allocation failed");
}

static void foreign_brk_move(void)
{
    enum { N = 200, SIZE = 250000 }; /* below the mapping threshold: a heap block */
    static char *p[N];
    char *kbrk = (char *)syscall(SYS_brk, 0);
    bool moved = (char *)syscall(SYS_brk, kbrk + 4096) == kbrk + 4096, outside = false, ok = true;
    for (int i = 0; ok && i < N && !outside; i++) {
        p[i] = malloc(SIZE);
        ok = p[i] && mm_owns(p[i]);
        outside = ok && (p[i] < mem_heap_lo() || p[i] >= mem_heap_hi());
    }
    for (int i = 0; i < N; i++) {
        free(p[i]);
        p[i] = NULL;
    }
    syscall(SYS_brk, kbrk); /* give the break back */
    char *grown = NULL;
    for (int i = 0; i < N; i++) /* until the heap has to grow once more */
        if ((p[i] = malloc(SIZE)) && (char *)syscall(SYS_brk, 0) > kbrk) {
            grown = p[i];
            break;
        }
    ok = ok && grown && grown >= mem_heap_lo() && grown < mem_heap_hi();
    for (int i = 0; i < N; i++)
        free(p[i]);
    report("foreign_brk_move", moved && outside && ok && mm_checkheap(0) == 0,
           "no fallback to mappings, or the heap did not grow again");
}

int main(int argc, char **argv)
{
    (void)argc;
    self = argv[0];
    heap_is_on_the_brk();
    libc_allocates_from_us();
    aligned_apis();
    huge_block_is_mapped();
    stress();
    foreign_brk_move();
    report("checkheap_clean", mm_checkheap(0) == 0, "mm_checkheap found problems");
    printf("malloc_selftest: %s\n", failed ? "FAILED" : "all passed");
    return failed ? 1 : 0;
}
