/* mtrace_prog.c - a fixed sequence of allocation calls, for the tools/mtrace
 * test: run.py records it and compares the trace line by line with what the
 * sequence must give (ids, calloc's product, alignment, id reuse, free(NULL)).
 * No stdio: its buffers would add allocations of their own. */
#include <malloc.h>
#include <stdlib.h>

static void *volatile keep; /* the compiler must not elide any call */

static void *use(void *p)
{
    keep = p;
    return keep;
}

int main(void)
{
    void *p = use(malloc(10));              /* a 0 10 */
    void *q = use(calloc(3, 7));            /* a 1 21 */
    void *r = use(realloc(NULL, 5));        /* a 2 5 */
    r = use(realloc(r, 100));               /* r 2 100 */
    free(use(NULL));                        /* f -1 */
    void *m = use(memalign(64, 40));        /* m 3 64 40 */
    void *x = NULL;
    if (posix_memalign(&x, 256, 1000))      /* m 4 256 1000 */
        return 1;
    void *a = use(aligned_alloc(16, 64));   /* a 5 64 (16: no extension needed) */
    free(use(p));                           /* f 0 */
    p = use(malloc(12));                    /* a 0 12: id 0 reused */
    free(use(q));                           /* f 1 */
    free(use(r));                           /* f 2 */
    free(use(m));                           /* f 3 */
    free(use(x));                           /* f 4 */
    free(use(a));                           /* f 5 */
    free(use(p));                           /* f 0 */
    return 0;
}
