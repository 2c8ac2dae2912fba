/* debugtest.c - one CS:APP 9.11 memory bug per argument, committed on purpose
 * so that the debug layer's detector for it can be seen to fire.
 *
 *   PAGODA_MALLOC_DEBUG=1 malloc_debugtest BUG
 *   malloc_debugtest --debug BUG      (sets the variable and re-executes itself,
 *                                      for shells without environment support)
 *
 * BUG is one of: clean, double_free, invalid_free, interior_free, overflow,
 * underflow, use_after_free, use_after_free_reuse, realloc_invalid, leak.
 * `clean` must exit 0 and print nothing; `leak` exits 0 after the leak list;
 * every other one must print its "pagoda malloc: ..." line and abort.
 * Linked with the libc shim, so plain malloc/free are under test. Output goes
 * through write(2) only: stdio's own buffers would show up as leaks.
 */
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

extern char **environ;

static void say(const char *s)
{
    ssize_t n = write(1, s, strlen(s));
    (void)n;
}

/* Hide where a pointer came from, so the compiler does not refuse (or
 * optimise away) the bugs this program commits on purpose. */
static char *volatile laundry;
static __attribute__((noinline)) char *launder(char *p)
{
    laundry = p;
    return laundry;
}

/* Re-execute with PAGODA_MALLOC_DEBUG=1 prepended to the environment, built
 * without malloc (the allocator decides its layer at the first call). */
static int reexec_debug(char **argv)
{
    static char *env[256];
    size_t n = 0;
    env[n++] = "PAGODA_MALLOC_DEBUG=1";
    for (char **e = environ; *e && n < 255; e++)
        env[n++] = *e;
    env[n] = NULL;
    execve("/proc/self/exe", argv, env);
    execve(argv[0], argv, env);
    say("malloc_debugtest: cannot re-execute itself\n");
    return 2;
}

static void clean(void)
{
    for (int i = 1; i < 2000; i++) {
        char *p = malloc((size_t)i), *q = calloc(2, (size_t)i);
        p = realloc(p, (size_t)i * 3);
        memset(p, 1, (size_t)i * 3);
        free(q);
        free(p);
    }
}

static void double_free(void)
{
    char *p = malloc(24), *again = launder(p);
    free(p);
    free(again);
}

static void invalid_free(void)
{
    char on_stack[32];
    free(launder(on_stack));
}

static void interior_free(void)
{
    char *inside = launder(malloc(64) + 16);
    free(inside);
}

static void overflow(void)
{
    char *p = malloc(24);
    memset(launder(p), 'x', 25); /* one byte too many: the classic off-by-one */
    free(p);
}

static void underflow(void)
{
    char *p = malloc(24);
    launder(p)[-1] = 'x';
    free(p);
}

static void use_after_free(void)
{
    char *p = malloc(32), *stale = launder(p);
    free(p);
    stale[3] = 1; /* found at exit, when the quarantine is checked */
}

static void use_after_free_reuse(void)
{
    char *p = malloc(32), *stale = launder(p);
    free(p);
    stale[3] = 1;
    for (int i = 0; i < 3000; i++) /* push p out of the quarantine: found on reuse */
        free(launder(malloc(100)));
    say("malloc_debugtest: use_after_free_reuse not detected\n");
}

static void realloc_invalid(void)
{
    static char not_heap[64];
    char *r = realloc(launder(not_heap), 100);
    (void)r;
}

static void leak(void)
{
    launder(malloc(100));
    launder(malloc(7));
}

static const struct {
    const char *name;
    void (*fn)(void);
} bugs[] = {
    {"clean", clean}, {"double_free", double_free}, {"invalid_free", invalid_free},
    {"interior_free", interior_free}, {"overflow", overflow}, {"underflow", underflow},
    {"use_after_free", use_after_free}, {"use_after_free_reuse", use_after_free_reuse},
    {"realloc_invalid", realloc_invalid}, {"leak", leak},
};

int main(int argc, char **argv)
{
    if (argc > 2 && strcmp(argv[1], "--debug") == 0) {
        argv[1] = argv[0];
        return reexec_debug(argv + 1);
    }
    for (size_t i = 0; argc == 2 && i < sizeof bugs / sizeof bugs[0]; i++)
        if (strcmp(argv[1], bugs[i].name) == 0) {
            bugs[i].fn();
            return 0;
        }
    say("usage: malloc_debugtest [--debug] clean|double_free|invalid_free|interior_free|"
        "overflow|underflow|use_after_free|use_after_free_reuse|realloc_invalid|leak\n");
    return 2;
}
