/*
 * The fault log: every page fault as one event (CS:APP 9.3.4), kept in a
 * ring of the last FAULTLOG_SIZE, traced on the console (`trace=fault`,
 * `trace=fault:PROG`), readable as /proc/faultlog and streamed to the second
 * serial port for the host (`faultlog=serial`, tools/pagoda-run --faultlog).
 */
#ifndef PAGODA_FAULTLOG_H
#define PAGODA_FAULTLOG_H
#include "fault.h"

enum { FAULTLOG_SIZE = 128, FAULTLOG_LINE = 320 };

/* From the kernel command line: trace is NULL, "fault" or "fault:PROG";
 * to_serial streams every event to COM2. */
void faultlog_configure(const char *trace, bool to_serial);

/* Record one fault as handle_page_fault ends it (mm/fault.c), or one
 * eviction of a page to swap (mm/vmscan.c: comm "kswapd"). */
void faultlog_record(const struct fault *f, enum fault_result r);

/* Event number seq as one /proc/faultlog line (key=value ..., case=TEXT to
 * the end). Returns false when seq is no longer (or not yet) in the ring. */
bool faultlog_format(uint64_t seq, char *buf, size_t len);

/* The oldest and the next sequence numbers held: [*first, *next). */
void faultlog_range(uint64_t *first, uint64_t *next);

#endif
