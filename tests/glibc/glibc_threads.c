/* glibc_threads: tests/proc/threads.c built with the host's gcc -static
 * (glibc) instead of musl. glibc's pthreads take other paths into the
 * kernel: clone3 for pthread_create, tgkill for pthread_kill, FUTEX_*_BITSET
 * and no requeue in its condition variables, set_robust_list and rseq per
 * thread. The cases and their output are the same.
 */
#include "proc/threads.c"
