/* malloc_report.h - printing from inside the allocator.
 *
 * stdio may call malloc (glibc allocates stdout's buffer on first use, musl's
 * fopen allocates the FILE), and the allocator's diagnostics are often printed
 * while the heap is broken. So they are formatted into a stack buffer with
 * vsnprintf (which allocates nothing for these formats) and written to file
 * descriptor 2 with one write(2).
 */
#ifndef PAGODA_MALLOC_REPORT_H
#define PAGODA_MALLOC_REPORT_H

/* Print one line (a newline is added) on stderr; returns 1 so that checkers can
 * count problems with `bad += mm_report(...)`. */
int mm_report(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

#endif
