/* score.h - the malloc lab's performance index (score.c has the formulas). */
#ifndef PAGODA_MDRIVER_SCORE_H
#define PAGODA_MDRIVER_SCORE_H

#include "trace.h"

#include <stdbool.h>
#include <stddef.h>

struct scored {
    bool ok;
    enum trace_format format;
    enum trace_weight weight;
    double util; /* 0..1 */
    double secs; /* best replay time */
    size_t ops;
};

/* One line per format present among the traces: the index as that format's
 * lab computes it. ref_kops: reference throughput for AUTOLAB (0: unknown). */
void score_print(const struct scored *s, int n, double ref_kops);

#endif
