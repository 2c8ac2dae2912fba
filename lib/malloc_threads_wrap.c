/* malloc_threads_wrap.c - static programs: learn that threads exist.
 *
 * Linked with -Wl,--wrap=pthread_create (MALLOC_USER_LDLIBS), a program's
 * calls to pthread_create reach this function first. Before the first thread
 * starts it clears the allocator's single-threaded flag, so heap_lock() takes
 * the lock from then on, and installs the fork handlers (malloc_lock.h).
 * A program that never calls pthread_create never links this file.
 */
#include "malloc_lock.h"

#include <pthread.h>

int __real_pthread_create(pthread_t *, const pthread_attr_t *, void *(*)(void *), void *);

int __wrap_pthread_create(pthread_t *thread, const pthread_attr_t *attr,
                          void *(*start)(void *), void *arg)
{
    static volatile char threads_exist = 0;
    mm_atfork_register();
    mm_single_threaded = &threads_exist;
    return __real_pthread_create(thread, attr, start, arg);
}
