/* gcpause_pagoda.c: gcpause.h for Pagoda's collector, whose own pause log
 * counts every pause (a stop-the-world collection, or an incremental
 * cycle's start, each marking step and its finish). */
#include <gc.h>
#include <string.h>
#include "gcpause.h"

int pause_set_mode(const char *mode)
{
	if (!strcmp(mode, "manual"))
		GC_set_manual_vdb_allowed(1);   /* the program reports its pointer stores */
	if (!strcmp(mode, "incremental") || !strcmp(mode, "manual"))
		GC_enable_incremental();
	else if (!strcmp(mode, "generational"))
		GC_enable_generational();
	else if (strcmp(mode, "stw"))
		return -1;
	return 0;
}

void pause_start(void)
{
}

const uint64_t *pause_log(size_t *n)
{
	const uint64_t *log;
	*n = gc_get_pause_log(&log);
	return log;
}
