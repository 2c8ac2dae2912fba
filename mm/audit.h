#ifndef PAGODA_AUDIT_H
#define PAGODA_AUDIT_H
/* Check every user frame's refcount against the page tables and shared
 * objects that reference it; panics on a mismatch (a kernel bug). */
void frame_audit(void);
#endif
