/* malloc_lock.h - the allocator's one lock, taken by the C library entry
 * points (malloc_libc.c) around every call into the core or the debug layer.
 *
 * One lock for everything the allocator owns (slabs, the boundary-tag heap,
 * huge blocks, memlib, the debug layer's lists): the core stays the
 * single-threaded CS:APP allocator, and the shim makes it safe. Lock order
 * (docs/locking.md): heap_lock is a leaf - nothing else is taken while it is held.
 *
 * It costs nothing until a second thread can exist: heap_lock() takes the
 * lock only when *mm_single_threaded is 0. That flag is owned by the build:
 *   - the LD_PRELOAD library (malloc_preload.c) points it at glibc's
 *     __libc_single_threaded, which glibc clears before any thread starts
 *     (pthread_create, or a thread glibc makes for itself);
 *   - static musl programs (malloc_threads_wrap.c) clear it in a
 *     pthread_create wrapper (-Wl,--wrap=pthread_create), before the thread
 *     starts. A program that never creates a thread never locks.
 * Either way the flag goes from 1 to 0 once, in the only thread there is,
 * while that thread is not inside the allocator; it never goes back.
 *
 * The lock is a test-and-test-and-set spinlock that yields after a while:
 * no futex, so it works on a kernel without one (Pagoda today); uncontended,
 * it is one atomic exchange and one store.
 *
 * fork: mm_atfork_register() installs handlers that take the lock before a
 * fork and release it in parent and child, so the child never inherits a
 * lock held by a thread that does not exist there.
 */
#ifndef PAGODA_MALLOC_LOCK_H
#define PAGODA_MALLOC_LOCK_H

#include <stdbool.h>

extern volatile char *mm_single_threaded; /* 1 until a second thread may exist */
extern volatile int mm_heap_lock_word;

void mm_lock_slow(void);
void mm_atfork_register(void);

/* Take the lock if threads exist; returns whether it was taken (give it to heap_unlock). */
static inline bool heap_lock(void)
{
    if (*mm_single_threaded)
        return false;
    if (__atomic_exchange_n(&mm_heap_lock_word, 1, __ATOMIC_ACQUIRE))
        mm_lock_slow();
    return true;
}

static inline void heap_unlock(bool taken)
{
    if (taken)
        __atomic_store_n(&mm_heap_lock_word, 0, __ATOMIC_RELEASE);
}

#endif
