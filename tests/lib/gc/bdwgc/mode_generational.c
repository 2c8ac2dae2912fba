/* Linked into a test program to run it in generational mode from the start
 * (see mode_incremental.c). */
#include <gc.h>

__attribute__((constructor)) static void generational_from_the_start(void)
{
	GC_enable_generational();
}
