/* gc.h: bdwgc installs its API both as <gc.h> and as <gc/gc.h>; this is the
 * first, the whole of it is in gc/gc.h. */
#include "gc/gc.h"
