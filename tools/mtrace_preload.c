/* mtrace_preload.c - build/host/libmtrace.so, the recorder behind tools/mtrace.
 *
 * Preloaded into a glibc program, it defines malloc, calloc, realloc, free,
 * memalign, posix_memalign, aligned_alloc, valloc and pvalloc; each calls
 * glibc's own (__libc_malloc & co.) and appends one line to a malloc-lab
 * trace (lib/mdriver/trace.h) in the Autolab format:
 *
 *   a ID SIZE        malloc(SIZE), calloc(N, S) as SIZE = N * S, realloc(NULL, SIZE)
 *   r ID SIZE        realloc of a recorded block (SIZE 0: glibc frees it)
 *   f ID / f -1      free / free(NULL)
 *   m ID ALIGN SIZE  memalign & co. with ALIGN > 16 (smaller: plain 'a')
 *
 * Ids are small integers reused after a free (the Autolab format allows it),
 * so the driver's tables stay as small as the peak number of live blocks.
 * Blocks the recorder never saw allocated (made before it started) are
 * ignored when freed; a realloc of one is recorded as a fresh 'a'.
 *
 * Only the process whose pid is $MTRACE_PID records, into $MTRACE_OUT: the
 * program tools/mtrace execs, not its children (a forked child stops
 * recording; an exec'd one sees another pid). The header
 *   weight(1) num_ids num_ops data_bytes(peak live payload)
 * is written in fixed-width fields at the start of the file and rewritten
 * after every flush of the buffer, so the file is a valid trace of what was
 * flushed even if the program ends with _exit or a signal.
 *
 * Invariants: the table maps exactly the live recorded blocks to their id and
 * size; an id is either live in the table or on the free-id stack or >= next_id;
 * live_bytes is the sum of the table's sizes. One lock (a spinlock held
 * across glibc's call and the record, so the trace order is the real order)
 * guards all of it; nothing here calls malloc.
 */
#define _GNU_SOURCE
#include <fcntl.h>
#include <pthread.h>
#include <sched.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

void *__libc_malloc(size_t);
void *__libc_calloc(size_t, size_t);
void *__libc_realloc(void *, size_t);
void __libc_free(void *);
void *__libc_memalign(size_t, size_t);

enum { BUF_BYTES = 1 << 20, HEADER_FIELD = 20, HEADER_BYTES = 4 * (HEADER_FIELD + 1) };

struct entry {
    uintptr_t ptr; /* 0: empty; 1: deleted */
    uint32_t id;
    uint64_t size;
};

static struct {
    bool active;
    int fd;
    volatile int lock;
    struct entry *table;
    size_t cap, used; /* used counts live and deleted entries */
    uint32_t *free_ids;
    size_t nfree, free_cap;
    uint32_t next_id;
    uint64_t ops, flushed_ops, live_bytes, peak_bytes;
    char *buf;
    size_t len;
} rec;

/* ---- the lock --------------------------------------------------------------------- */

static void rec_lock(void)
{
    while (__atomic_exchange_n(&rec.lock, 1, __ATOMIC_ACQUIRE))
        sched_yield();
}

static void rec_unlock(void) { __atomic_store_n(&rec.lock, 0, __ATOMIC_RELEASE); }

static void fork_child(void)
{
    rec.active = false; /* the child is another process: not ours to record */
    rec_unlock();
}

/* ---- memory of our own (mmap: never the allocator being recorded) ------------------ */

static void *grow(void *old, size_t old_bytes, size_t new_bytes)
{
    void *p = mmap(NULL, new_bytes, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    if (p == MAP_FAILED)
        return NULL;
    if (old) {
        memcpy(p, old, old_bytes);
        munmap(old, old_bytes);
    }
    return p;
}

/* ---- the output -------------------------------------------------------------------------- */

static void write_all(const char *p, size_t n)
{
    while (n > 0) {
        ssize_t w = write(rec.fd, p, n);
        if (w <= 0)
            return;
        p += w;
        n -= (size_t)w;
    }
}

static void write_header(void)
{
    char h[HEADER_BYTES + 1];
    uint64_t num[4] = {1, rec.next_id ? rec.next_id : 1, rec.flushed_ops, rec.peak_bytes};
    for (int i = 0; i < 4; i++)
        snprintf(h + i * (HEADER_FIELD + 1), HEADER_FIELD + 2, "%*lu\n", HEADER_FIELD,
                 (unsigned long)num[i]);
    if (pwrite(rec.fd, h, HEADER_BYTES, 0) != HEADER_BYTES)
        rec.active = false;
}

static void flush(void)
{
    write_all(rec.buf, rec.len);
    rec.len = 0;
    rec.flushed_ops = rec.ops;
    write_header();
}

static void emit(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
static void emit(const char *fmt, ...)
{
    if (rec.len > BUF_BYTES - 128)
        flush();
    va_list ap;
    va_start(ap, fmt);
    rec.len += (size_t)vsnprintf(rec.buf + rec.len, BUF_BYTES - rec.len, fmt, ap);
    va_end(ap);
    rec.ops++;
}

/* ---- pointer -> (id, size) ------------------------------------------------------------ */

static size_t slot_of(uintptr_t p) { return (size_t)((p >> 4) * 0x9e3779b97f4a7c15ull); }

static struct entry *find(uintptr_t p)
{
    for (size_t i = slot_of(p) & (rec.cap - 1);; i = (i + 1) & (rec.cap - 1)) {
        if (rec.table[i].ptr == p)
            return &rec.table[i];
        if (rec.table[i].ptr == 0)
            return NULL;
    }
}

static void put(uintptr_t p, uint32_t id, uint64_t size)
{
    size_t i = slot_of(p) & (rec.cap - 1);
    while (rec.table[i].ptr > 1)
        i = (i + 1) & (rec.cap - 1);
    rec.used += rec.table[i].ptr == 0;
    rec.table[i] = (struct entry){.ptr = p, .id = id, .size = size};
}

/* A new table with room for 4x the live blocks (deleted entries are dropped). */
static bool rehash(void)
{
    struct entry *old = rec.table;
    size_t old_cap = rec.cap, live = rec.next_id - rec.nfree, cap = 1 << 16;
    while (cap < 4 * (live + 1))
        cap *= 2;
    struct entry *t = grow(NULL, 0, cap * sizeof *t);
    if (!t)
        return false;
    rec.table = t;
    rec.cap = cap;
    rec.used = 0;
    for (size_t i = 0; i < old_cap; i++)
        if (old[i].ptr > 1)
            put(old[i].ptr, old[i].id, old[i].size);
    if (old)
        munmap(old, old_cap * sizeof *old);
    return true;
}

static bool room_for_one(void) { return (rec.used + 1) * 2 <= rec.cap || rehash(); }

/* ---- ids ------------------------------------------------------------------------------------ */

static uint32_t id_take(void) { return rec.nfree ? rec.free_ids[--rec.nfree] : rec.next_id++; }

static void id_give(uint32_t id)
{
    if (rec.nfree == rec.free_cap) {
        size_t cap = rec.free_cap ? rec.free_cap * 2 : 1 << 14;
        uint32_t *f = grow(rec.free_ids, rec.free_cap * 4, cap * 4);
        if (!f)
            return; /* the id is simply never reused */
        rec.free_ids = f;
        rec.free_cap = cap;
    }
    rec.free_ids[rec.nfree++] = id;
}

/* ---- recording -------------------------------------------------------------------------------- */

static void note_new(void *p, uint64_t size, size_t align)
{
    if (!p || !room_for_one())
        return;
    uint32_t id = id_take();
    put((uintptr_t)p, id, size);
    rec.live_bytes += size;
    rec.peak_bytes = rec.live_bytes > rec.peak_bytes ? rec.live_bytes : rec.peak_bytes;
    if (align > 16)
        emit("m %u %zu %lu\n", id, align, (unsigned long)size);
    else
        emit("a %u %lu\n", id, (unsigned long)size);
}

static void note_free(void *p)
{
    struct entry *e = p ? find((uintptr_t)p) : NULL;
    if (!p)
        emit("f -1\n");
    if (!e)
        return;
    emit("f %u\n", e->id);
    rec.live_bytes -= e->size;
    id_give(e->id);
    e->ptr = 1;
}

/* realloc(old, size) returned q (the libc call already happened). */
static void note_realloc(void *old, void *q, uint64_t size)
{
    struct entry *e = old ? find((uintptr_t)old) : NULL;
    if (!e)
        return note_new(q, size, 0);
    if (!room_for_one())
        return;
    e = find((uintptr_t)old); /* the table may have been rebuilt */
    if (!q && size)
        return; /* failed: old is untouched */
    uint32_t id = e->id;
    emit("r %u %lu\n", id, (unsigned long)size);
    rec.live_bytes += size - e->size;
    rec.peak_bytes = rec.live_bytes > rec.peak_bytes ? rec.live_bytes : rec.peak_bytes;
    e->ptr = 1;
    if (q)
        put((uintptr_t)q, id, size);
    else
        id_give(id);
}

/* ---- start and end ------------------------------------------------------------------------------ */

static __attribute__((constructor)) void mtrace_start(void)
{
    const char *out = getenv("MTRACE_OUT"), *pid = getenv("MTRACE_PID");
    if (!out || !pid || atol(pid) != (long)getpid())
        return;
    rec.fd = open(out, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
    rec.buf = grow(NULL, 0, BUF_BYTES);
    if (rec.fd < 0 || !rec.buf || !rehash())
        return;
    pthread_atfork(rec_lock, rec_unlock, fork_child);
    write_header();
    lseek(rec.fd, HEADER_BYTES, SEEK_SET);
    rec.active = true;
}

static __attribute__((destructor)) void mtrace_end(void)
{
    rec_lock();
    if (rec.active)
        flush();
    rec.active = false;
    rec_unlock();
}

/* ---- the C library's names ------------------------------------------------------------------------ */

void *malloc(size_t n)
{
    rec_lock();
    void *p = __libc_malloc(n);
    if (rec.active)
        note_new(p, n, 0);
    rec_unlock();
    return p;
}

void *calloc(size_t n, size_t s)
{
    rec_lock();
    void *p = __libc_calloc(n, s);
    if (rec.active)
        note_new(p, (uint64_t)n * s, 0);
    rec_unlock();
    return p;
}

void *realloc(void *old, size_t n)
{
    rec_lock();
    void *q = __libc_realloc(old, n);
    if (rec.active)
        note_realloc(old, q, n);
    rec_unlock();
    return q;
}

void free(void *p)
{
    rec_lock();
    if (rec.active)
        note_free(p);
    __libc_free(p);
    rec_unlock();
}

void *memalign(size_t align, size_t n)
{
    rec_lock();
    void *p = __libc_memalign(align, n);
    if (rec.active)
        note_new(p, n, align);
    rec_unlock();
    return p;
}

void *aligned_alloc(size_t align, size_t n) { return memalign(align, n); }
void *valloc(size_t n) { return memalign(4096, n); }
void *pvalloc(size_t n) { return memalign(4096, (n + 4095) & ~(size_t)4095); }

int posix_memalign(void **out, size_t align, size_t n)
{
    if (align < sizeof(void *) || (align & (align - 1)))
        return 22; /* EINVAL */
    void *p = memalign(align, n);
    if (!p)
        return 12; /* ENOMEM */
    *out = p;
    return 0;
}
