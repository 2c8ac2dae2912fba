#ifndef PAGODA_AUDIT_H
#define PAGODA_AUDIT_H
/* Check every user frame's refcount against the page tables and shared
 * objects that reference it, after frame_check() and, for each process,
 * pt_check_empty_tables(); panics on a mismatch (a kernel bug). */
void frame_audit(void);
#endif
