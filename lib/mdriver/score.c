/* score.c - the malloc lab's performance index, computed the way each lab's
 * driver computes it, with the constants of its config.h printed beside it.
 *
 * CLASSIC (CS:APP 2002 config.h): UTIL_WEIGHT = 0.60, AVG_LIBC_THRUPUT = 600E3
 *   util = mean utilisation over the traces
 *   tput = total operations / total seconds                      (ops/s)
 *   index = 100 * (0.60 * util + 0.40 * min(1, tput / 600E3))
 *
 * AUTOLAB (the 64-bit lab's config.h): UTIL_WEIGHT = 0.60, MIN_SPACE = 0.55,
 * MAX_SPACE = 0.74, MIN_SPEED_RATIO = 0.50, MAX_SPEED_RATIO = 0.90
 *   util = mean over traces of weight 1 (all) or 2 (util only)
 *   tput = geometric mean of Kops/s over traces of weight 1 or 3 (perf only)
 *   scale(v, lo, hi) = 0 below lo, 1 above hi, linear between
 *   index = 100 * (0.60 * scale(util, 0.55, 0.74)
 *                + 0.40 * scale(tput, 0.50 * ref, 0.90 * ref))
 *   ref is the throughput of the lab's reference allocator on the grading
 *   machine (its mdriver-ref); here it is glibc's, measured in the same run
 *   (-l), or given with -R KOPS.
 * Both labs score 0 when any trace fails.
 */
#include "score.h"

#include <math.h>
#include <stdio.h>

static const double UTIL_WEIGHT = 0.60;
static const double AVG_LIBC_THRUPUT = 600e3;
static const double MIN_SPACE = 0.55, MAX_SPACE = 0.74;
static const double MIN_SPEED_RATIO = 0.50, MAX_SPEED_RATIO = 0.90;

static double scale(double v, double lo, double hi)
{
    return v < lo ? 0 : v > hi ? 1 : (v - lo) / (hi - lo);
}

static bool counts_util(enum trace_weight w) { return w == W_ALL || w == W_UTIL; }
static bool counts_perf(enum trace_weight w) { return w == W_ALL || w == W_PERF; }

static void score_classic(const struct scored *s, int n)
{
    double util = 0, secs = 0, ops = 0;
    bool all_ok = true;
    for (int i = 0; i < n; i++) {
        util += s[i].util;
        secs += s[i].secs;
        ops += (double)s[i].ops;
        all_ok = all_ok && s[i].ok;
    }
    util /= n;
    double tput = secs > 0 ? ops / secs : 0;
    double p1 = UTIL_WEIGHT * util;
    double p2 = (1 - UTIL_WEIGHT) * (tput > AVG_LIBC_THRUPUT ? 1 : tput / AVG_LIBC_THRUPUT);
    printf("score (CS:APP classic, %d traces; UTIL_WEIGHT=%.2f AVG_LIBC_THRUPUT=%.0f ops/s): "
           "util %.1f%% -> %.1f, throughput %.0f Kops/s -> %.1f, perf index %.1f/100\n",
           n, UTIL_WEIGHT, AVG_LIBC_THRUPUT, util * 100, p1 * 100, tput / 1e3, p2 * 100,
           all_ok ? (p1 + p2) * 100 : 0.0);
}

static void score_autolab(const struct scored *s, int n, double ref_kops)
{
    double util = 0, log_tput = 0;
    int nu = 0, np = 0;
    bool all_ok = true;
    for (int i = 0; i < n; i++) {
        all_ok = all_ok && s[i].ok;
        if (counts_util(s[i].weight)) {
            util += s[i].util;
            nu++;
        }
        if (counts_perf(s[i].weight) && s[i].secs > 0) {
            log_tput += log((double)s[i].ops / s[i].secs / 1e3);
            np++;
        }
    }
    util = nu ? util / nu : 0;
    double tput = np ? exp(log_tput / np) : 0;
    double p1 = UTIL_WEIGHT * scale(util, MIN_SPACE, MAX_SPACE);
    double p2 = ref_kops > 0 ? (1 - UTIL_WEIGHT) * scale(tput, MIN_SPEED_RATIO * ref_kops,
                                                         MAX_SPEED_RATIO * ref_kops)
                             : 0; /* no reference: throughput not scored */
    printf("score (Autolab, %d traces; UTIL_WEIGHT=%.2f MIN_SPACE=%.2f MAX_SPACE=%.2f "
           "MIN_SPEED_RATIO=%.2f MAX_SPEED_RATIO=%.2f, reference %.0f Kops/s%s): "
           "util %.1f%% -> %.1f, throughput (geometric mean) %.0f Kops/s -> %.1f, "
           "perf index %.1f/100\n",
           n, UTIL_WEIGHT, MIN_SPACE, MAX_SPACE, MIN_SPEED_RATIO, MAX_SPEED_RATIO, ref_kops,
           ref_kops > 0 ? "" : " (none: run with -l or -R)", util * 100, p1 * 100, tput,
           p2 * 100, all_ok ? (p1 + p2) * 100 : 0.0);
}

void score_print(const struct scored *s, int n, double ref_kops)
{
    struct scored classic[n > 0 ? n : 1], autolab[n > 0 ? n : 1];
    int nc = 0, na = 0;
    for (int i = 0; i < n; i++) {
        if (s[i].format == TRACE_AUTOLAB)
            autolab[na++] = s[i];
        else
            classic[nc++] = s[i];
    }
    if (nc)
        score_classic(classic, nc);
    if (na)
        score_autolab(autolab, na, ref_kops);
}
