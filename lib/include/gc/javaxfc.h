/* gc/javaxfc.h: bdwgc's "run every finalizer now" for Java-like runtimes
 * (lib/gc_finalize.c). bdwgc's thread suspension (GC_suspend_thread,
 * GC_resume_thread, GC_is_thread_suspended) is not offered. */
#ifndef GC_JAVAXFC_H
#define GC_JAVAXFC_H

#include "gc.h"

/* Run the finalizers of all registered objects, reachable or not, until
 * none is left. */
void GC_finalize_all(void);

#endif
