/* malloc_report.c - one diagnostic line to stderr without touching the heap.
 * See malloc_report.h for why stdio is avoided. */
#include "malloc_report.h"

#include <stdarg.h>
#include <stdio.h>
#include <unistd.h>

int mm_report(const char *fmt, ...)
{
    char line[512];
    va_list ap;
    va_start(ap, fmt);
    int n = vsnprintf(line, sizeof line - 1, fmt, ap);
    va_end(ap);
    if (n < 0)
        return 1;
    if ((size_t)n > sizeof line - 2)
        n = sizeof line - 2;
    line[n++] = '\n';
    for (int done = 0; done < n;) {
        ssize_t w = write(2, line + done, (size_t)(n - done));
        if (w <= 0)
            break;
        done += (int)w;
    }
    return 1;
}
