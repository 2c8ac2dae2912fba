/* memlib.c - the allocator's memory provider: regions that grow like the
 * program break, and separate mappings for very large blocks.
 * The model, the two backings and the invariants are described in memlib.h.
 *
 *   region:   lo ........................ brk ............ max
 *             |<- handed out (footprint) ->|<- reserved ->|
 *             (MEM_BRK heap: the kernel's break, kbrk, is brk rounded up to 64 KiB)
 *
 *   mapping:  | struct mapping (32 B) | usable bytes .............. |  (page multiple)
 *             all live mappings are on a doubly linked list, so that mem_reset
 *             can unmap leftovers and mem_contains can check a pointer.
 *
 * Callers: lib/malloc_*.c, the trace driver (mode, reset, footprint, bounds).
 */
#include "memlib.h"
#include "malloc_report.h"

#include <errno.h>
#include <sys/mman.h>
#include <sys/syscall.h>
#include <unistd.h>

enum {
    PAGE = 4096,
    BRK_STEP = 64 * 1024, /* the kernel's break moves in steps this big */
};
static const uint64_t MAP_MAGIC = 0x70616764614d4150ull; /* "PAMadgap" */

/* Reservation sizes; a refused reservation is retried at half size down to
 * 1 MiB, so a small machine still gets a working (smaller) region. */
static const size_t RESERVE[MEM_NREGIONS] = {
    [MEM_HEAP] = 512ul << 20,
    [MEM_SLABS] = 64ul << 20,
    [MEM_SLAB_META] = 1ul << 20, /* 16 B per 1 KiB slab of MEM_SLABS */
};

struct region {
    char *lo, *brk, *max;
    char *kbrk; /* MEM_BRK heap only: the kernel's program break */
};

struct mapping {
    struct mapping *next, *prev;
    size_t len; /* whole mapping, header included, page multiple */
    uint64_t magic;
};
_Static_assert(sizeof(struct mapping) == MEM_MAP_HEADER, "mapping header size");

static struct {
    bool initialised;
    enum mem_mode mode;
    struct region region[MEM_NREGIONS];
    struct mapping *maps;
    size_t mapped; /* bytes in live mappings */
    size_t peak;
} mem;

static inline uintptr_t round_up(uintptr_t x, uintptr_t a) { return (x + a - 1) & ~(a - 1); }

/* ---- reservations and the real break ------------------------------------ */

static void *map_anon(size_t len, int extra_flags)
{
    void *p = mmap(NULL, len, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS | extra_flags,
                   -1, 0);
    return p == MAP_FAILED ? NULL : p;
}

/* A kernel that does not know MAP_NORESERVE gets a second try without it. */
static void reserve(struct region *r, size_t want)
{
    for (size_t len = want; len >= (1ul << 20); len /= 2) {
        char *p = map_anon(len, MAP_NORESERVE);
        if (!p)
            p = map_anon(len, 0);
        if (p) {
            r->lo = r->brk = p;
            r->max = p + len;
            return;
        }
    }
    r->lo = r->brk = r->max = NULL; /* sbrk on this region will always fail */
}

static char *kernel_brk(char *want) { return (char *)syscall(SYS_brk, want); }

static void brk_heap_init(struct region *r)
{
    char *cur = kernel_brk(NULL);
    r->kbrk = cur;
    r->lo = r->brk = (char *)round_up((uintptr_t)cur, PAGE);
    r->max = (char *)UINTPTR_MAX;
}

/* Move the kernel's break so that it covers newbrk. Refuses if somebody else
 * (another allocator in the same process) moved the break since we last did:
 * the heap must stay contiguous, and the allocator falls back to mappings. */
static bool brk_cover(struct region *r, char *newbrk)
{
    if (newbrk <= r->kbrk)
        return true;
    if (kernel_brk(NULL) != r->kbrk)
        return false;
    char *want = (char *)round_up((uintptr_t)newbrk, BRK_STEP);
    if (kernel_brk(want) != want)
        return false; /* a refused brk returns the old break */
    r->kbrk = want;
    return true;
}

void mem_init(enum mem_mode mode)
{
    if (mem.initialised) {
        mem_reset();
        return;
    }
    mem.mode = mode;
    if (mode == MEM_BRK)
        brk_heap_init(&mem.region[MEM_HEAP]);
    else
        reserve(&mem.region[MEM_HEAP], RESERVE[MEM_HEAP]);
    reserve(&mem.region[MEM_SLABS], RESERVE[MEM_SLABS]);
    reserve(&mem.region[MEM_SLAB_META], RESERVE[MEM_SLAB_META]);
    mem.initialised = true;
}

bool mem_initialised(void) { return mem.initialised; }
enum mem_mode mem_mode(void) { return mem.mode; }

void mem_reset(void)
{
    for (int i = 0; i < MEM_NREGIONS; i++)
        mem.region[i].brk = mem.region[i].lo;
    while (mem.maps)
        mem_unmap((char *)mem.maps + MEM_MAP_HEADER);
    mem.peak = 0;
}

/* ---- regions ------------------------------------------------------------- */

size_t mem_footprint(void)
{
    size_t sum = mem.mapped;
    for (int i = 0; i < MEM_NREGIONS; i++)
        sum += (size_t)(mem.region[i].brk - mem.region[i].lo);
    return sum;
}

static void note_growth(void)
{
    size_t now = mem_footprint();
    if (now > mem.peak)
        mem.peak = now;
}

/* CS:APP's mem_sbrk for region r: move its break by incr bytes and return the
 * old break, or (void *)-1 with errno = ENOMEM. */
void *mem_region_sbrk(enum mem_region r, intptr_t incr)
{
    struct region *g = &mem.region[r];
    char *old = g->brk;
    bool fits = incr >= 0 ? (uintptr_t)incr <= (uintptr_t)(g->max - old)
                          : (uintptr_t)-incr <= (uintptr_t)(old - g->lo);
    bool is_brk = r == MEM_HEAP && mem.mode == MEM_BRK;
    if (!fits || (is_brk && incr > 0 && !brk_cover(g, old + incr))) {
        errno = ENOMEM;
        return (void *)-1;
    }
    g->brk = old + incr;
    note_growth();
    return old;
}

char *mem_region_lo(enum mem_region r) { return mem.region[r].lo; }
char *mem_region_hi(enum mem_region r) { return mem.region[r].brk; }

/* ---- mappings ------------------------------------------------------------ */

static struct mapping *mapping_of(const void *p)
{
    return (struct mapping *)((char *)p - MEM_MAP_HEADER);
}

void *mem_map(size_t len)
{
    if (len > SIZE_MAX / 2)
        return NULL;
    size_t total = round_up(len + MEM_MAP_HEADER, PAGE);
    struct mapping *m = map_anon(total, 0);
    if (!m)
        return NULL;
    *m = (struct mapping){.next = mem.maps, .prev = NULL, .len = total, .magic = MAP_MAGIC};
    if (mem.maps)
        mem.maps->prev = m;
    mem.maps = m;
    mem.mapped += total;
    note_growth();
    return (char *)m + MEM_MAP_HEADER;
}

void mem_unmap(void *p)
{
    struct mapping *m = mapping_of(p);
    if (m->magic != MAP_MAGIC) {
        mm_report("memlib: mem_unmap(%p): not a mapping (bad magic)", p);
        return;
    }
    if (m->prev)
        m->prev->next = m->next;
    else
        mem.maps = m->next;
    if (m->next)
        m->next->prev = m->prev;
    m->magic = 0;
    mem.mapped -= m->len;
    munmap(m, m->len);
}

size_t mem_map_capacity(const void *p) { return mapping_of(p)->len - MEM_MAP_HEADER; }

bool mem_is_mapping(const void *p)
{
    for (struct mapping *m = mem.maps; m; m = m->next)
        if ((char *)m + MEM_MAP_HEADER == p)
            return true;
    return false;
}

/* ---- queries used by checkers and the driver ----------------------------- */

static bool inside(const char *p, size_t n, const char *lo, const char *hi)
{
    return p >= lo && p <= hi && n <= (size_t)(hi - p);
}

bool mem_contains(const void *ptr, size_t n)
{
    const char *p = ptr;
    for (int i = 0; i < MEM_NREGIONS; i++)
        if (mem.region[i].lo && inside(p, n, mem.region[i].lo, mem.region[i].brk))
            return true;
    for (struct mapping *m = mem.maps; m; m = m->next)
        if (inside(p, n, (char *)m + MEM_MAP_HEADER, (char *)m + m->len))
            return true;
    return false;
}

size_t mem_peak_footprint(void) { return mem.peak; }
void mem_reset_peak(void) { mem.peak = mem_footprint(); }

int mem_check(void)
{
    int bad = 0;
    size_t mapped = 0;
    for (int i = 0; i < MEM_NREGIONS; i++) {
        struct region *g = &mem.region[i];
        if (g->lo > g->brk || g->brk > g->max || (uintptr_t)g->lo % PAGE)
            bad += mm_report("memlib: region %d bounds broken: lo %p brk %p max %p",
                             i, g->lo, g->brk, g->max);
    }
    for (struct mapping *m = mem.maps; m; m = m->next) {
        if (m->magic != MAP_MAGIC || m->len % PAGE || (m->next && m->next->prev != m))
            bad += mm_report("memlib: mapping %p corrupt (len %zu)", (void *)m, m->len);
        mapped += m->len;
    }
    if (mapped != mem.mapped)
        bad += mm_report("memlib: mapped bytes %zu, list says %zu", mem.mapped, mapped);
    if (mem.peak < mem_footprint())
        bad += mm_report("memlib: peak %zu below footprint %zu", mem.peak, mem_footprint());
    return bad;
}
