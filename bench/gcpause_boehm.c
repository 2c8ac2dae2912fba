/* gcpause_boehm.c: gcpause.h for Debian's libgc. Pauses are the time from
 * GC_EVENT_START to GC_EVENT_END of each collection libgc reports (with
 * GC_enable_incremental, libgc's marking steps inside allocations report no
 * event: gcpause.c's "stall" column, measured by the program, covers them). */
#include <gc.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include "gcpause.h"

static uint64_t *log_buf, started;
static size_t count, cap;

static uint64_t now_ns(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000000u + (uint64_t)ts.tv_nsec;
}

static void on_event(GC_EventType e)
{
	if (e == GC_EVENT_START) {
		started = now_ns();
	} else if (e == GC_EVENT_END && started) {
		if (count == cap) {
			cap = cap ? cap * 2 : 1024;
			log_buf = realloc(log_buf, cap * sizeof *log_buf);
		}
		log_buf[count++] = now_ns() - started;
		started = 0;
	}
}

int pause_set_mode(const char *mode)
{
	if (!strcmp(mode, "manual"))
		GC_set_manual_vdb_allowed(1);   /* the program reports its pointer stores */
	if (!strcmp(mode, "incremental") || !strcmp(mode, "manual"))
		GC_enable_incremental();
	else if (strcmp(mode, "stw"))
		return -1;   /* libgc's incremental mode is its generational one too */
	return 0;
}

void pause_start(void)
{
	GC_set_on_collection_event(on_event);
}

const uint64_t *pause_log(size_t *n)
{
	*n = count;
	return log_buf;
}
