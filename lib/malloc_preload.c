/* malloc_preload.c - build/host/libpagoda_malloc.so: Pagoda's allocator as
 * the malloc of any dynamically linked Linux program,
 *
 *     LD_PRELOAD=build/host/libpagoda_malloc.so PROGRAM ARGS
 *
 * The library is the core, the debug layer and the libc shim
 * (malloc_libc.c), compiled -fPIC; a version script exports only the C
 * library's names. This file adds what a glibc process needs beyond a static
 * musl one: the lock's flag is glibc's own __libc_single_threaded (cleared
 * by glibc before any second thread runs, whoever creates it), and the fork
 * handlers are installed as soon as the library is loaded.
 * PAGODA_MALLOC_DEBUG=1 works as in static programs.
 */
#include "malloc_lock.h"

#include <sys/single_threaded.h>

static __attribute__((constructor)) void preload_init(void)
{
    mm_single_threaded = (volatile char *)&__libc_single_threaded;
    mm_atfork_register();
}
