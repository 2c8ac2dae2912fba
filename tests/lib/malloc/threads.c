/* threads.c - a multi-threaded program for the allocator's LD_PRELOAD tests.
 *
 *   malloc_threads [THREADS] [ROUNDS]
 *
 * THREADS workers each run ROUNDS rounds of random malloc / calloc / realloc
 * / memalign / free on their own blocks, fill every block with a pattern of
 * its owner and size and check it before every realloc and free; each round
 * they also hand one block to the next worker through a locked mailbox, which
 * frees it (so blocks are freed by a thread other than the one that made them).
 * Worker 0 forks now and then while the others allocate: the child must be
 * able to malloc and free (no lock inherited in a held state) and exits 0.
 *
 * The output depends only on the arguments (seeded per thread, no timing),
 * so the test compares it between a normal run and an LD_PRELOAD run.
 * Exit status 0, or 1 with a line naming the broken check.
 */
#include <malloc.h>
#include <pthread.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

enum { SLOTS = 256, MAXT = 16 };

struct block {
    unsigned char *p;
    size_t n;
    unsigned tag;
};

struct letter {
    struct letter *next;
    struct block b;
};

static struct {
    pthread_mutex_t lock;
    struct letter *box[MAXT]; /* box[i]: blocks waiting for worker i to free them */
} mail = {.lock = PTHREAD_MUTEX_INITIALIZER};

static int nthreads, rounds;
static volatile int failed;

static uint64_t next_rand(uint64_t *s)
{
    *s ^= *s << 13;
    *s ^= *s >> 7;
    *s ^= *s << 17;
    return *s;
}

static void fill(struct block *b)
{
    for (size_t i = 0; i < b->n; i++)
        b->p[i] = (unsigned char)(b->tag * 31 + i);
}

static int intact(const struct block *b, size_t n)
{
    for (size_t i = 0; i < n && i < b->n; i++)
        if (b->p[i] != (unsigned char)(b->tag * 31 + i))
            return 0;
    return 1;
}

static void fail(const char *what, unsigned tag)
{
    printf("malloc_threads: FAIL %s (block tag %u)\n", what, tag);
    failed = 1;
}

static size_t random_size(uint64_t *s)
{
    uint64_t r = next_rand(s);
    return r % 8 == 0 ? r % 70000 : r % 8 == 1 ? r % 3000 : r % 200;
}

static void new_block(struct block *b, uint64_t *s, unsigned tag)
{
    size_t n = random_size(s);
    unsigned kind = (unsigned)(next_rand(s) % 3);
    b->tag = tag;
    b->n = n;
    if (kind == 0)
        b->p = malloc(n);
    else if (kind == 1)
        b->p = calloc(1, n);
    else
        b->p = memalign(64, n);
    if (!b->p || (kind == 2 && (uintptr_t)b->p % 64))
        fail("allocation", tag);
    if (kind == 1)
        for (size_t i = 0; i < n; i++)
            if (b->p[i])
                fail("calloc not zero", tag);
    fill(b);
}

static void drop(struct block *b)
{
    if (b->p && !intact(b, b->n))
        fail("contents changed before free", b->tag);
    free(b->p);
    b->p = NULL;
}

static void resize(struct block *b, uint64_t *s)
{
    size_t n = random_size(s);
    if (!intact(b, b->n))
        fail("contents changed before realloc", b->tag);
    unsigned char *q = realloc(b->p, n ? n : 1);
    if (!q)
        return fail("realloc", b->tag);
    b->p = q;
    size_t keep = b->n < n ? b->n : n;
    b->n = keep;
    if (!intact(b, keep))
        fail("realloc lost contents", b->tag);
    b->n = n ? n : 1;
    fill(b);
}

static void drop_letters(struct letter *l)
{
    while (l) {
        struct letter *next = l->next;
        drop(&l->b);
        free(l);
        l = next;
    }
}

/* Always give block b (its slot becomes empty) to the next worker; free the
 * blocks others gave us. What we give does not depend on timing. */
static void exchange(int me, struct block *b)
{
    struct letter *out = malloc(sizeof *out);
    if (!out)
        return fail("letter", 0);
    out->b = *b;
    *b = (struct block){0};
    pthread_mutex_lock(&mail.lock);
    int to = (me + 1) % nthreads;
    out->next = mail.box[to];
    mail.box[to] = out;
    struct letter *in = mail.box[me];
    mail.box[me] = NULL;
    pthread_mutex_unlock(&mail.lock);
    drop_letters(in);
}

static void fork_check(void)
{
    pid_t pid = fork();
    if (pid == 0) {
        char *p = malloc(1000), *q = strdup("child");
        free(p);
        free(q);
        _exit(p && q ? 0 : 1);
    }
    int st;
    if (pid < 0 || waitpid(pid, &st, 0) != pid || !WIFEXITED(st) || WEXITSTATUS(st))
        fail("fork child could not allocate", 0);
}

static void *worker(void *arg)
{
    int me = (int)(intptr_t)arg;
    uint64_t seed = 0x9e3779b97f4a7c15ull * (uint64_t)(me + 1);
    struct block *mine = calloc(SLOTS, sizeof *mine);
    unsigned long sum = 0;
    for (int r = 0; r < rounds && !failed; r++) {
        for (int k = 0; k < 64; k++) {
            struct block *b = &mine[next_rand(&seed) % SLOTS];
            unsigned tag = (unsigned)(me * 1000003 + r * 64 + k);
            if (!b->p)
                new_block(b, &seed, tag);
            else if (next_rand(&seed) % 2)
                resize(b, &seed);
            else
                drop(b);
            sum += b->n;
        }
        exchange(me, &mine[next_rand(&seed) % SLOTS]);
        if (me == 0 && r % 50 == 25)
            fork_check();
    }
    for (int i = 0; i < SLOTS; i++)
        drop(&mine[i]);
    free(mine);
    return (void *)sum;
}

int main(int argc, char **argv)
{
    nthreads = argc > 1 ? atoi(argv[1]) : 4;
    rounds = argc > 2 ? atoi(argv[2]) : 400;
    if (nthreads < 1 || nthreads > MAXT || rounds < 1)
        return 2;
    pthread_t t[MAXT];
    for (int i = 0; i < nthreads; i++)
        pthread_create(&t[i], NULL, worker, (void *)(intptr_t)i);
    unsigned long total = 0;
    for (int i = 0; i < nthreads; i++) {
        void *sum;
        pthread_join(t[i], &sum);
        printf("worker %d: %lu bytes requested\n", i, (unsigned long)sum);
        total += (unsigned long)sum;
    }
    for (int i = 0; i < nthreads; i++)
        drop_letters(mail.box[i]);
    printf("malloc_threads: %d threads, %d rounds, %lu bytes, %s\n", nthreads, rounds, total,
           failed ? "FAILED" : "ok");
    return failed;
}
