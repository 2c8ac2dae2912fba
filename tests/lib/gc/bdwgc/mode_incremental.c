/* Linked into a test program to run it in incremental mode from the start
 * (inside Pagoda, where the test runner passes no environment; on the host
 * PAGODA_GC_MODE=incremental does the same). */
#include <gc.h>

__attribute__((constructor)) static void incremental_from_the_start(void)
{
	GC_enable_incremental();
}
