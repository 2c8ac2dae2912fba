/* meminfo_fields: /proc/meminfo has every field Linux always prints, each
 * as "Name:   <number> kB" (values differ between machines: only the form
 * is compared). LTP's library reads MemAvailable and Cached before every
 * test (issue 19). */
#include <regex.h>
#include "testlib.h"

int main(void)
{
	static const char *const fields[] = {
		"MemTotal", "MemFree", "MemAvailable", "Buffers", "Cached", "SwapCached", "Active", "Inactive",
		"Active(anon)", "Inactive(anon)", "Active(file)", "Inactive(file)", "Unevictable", "Mlocked",
		"SwapTotal", "SwapFree", "Dirty", "Writeback", "AnonPages", "Mapped", "Shmem", "KReclaimable",
		"Slab", "SReclaimable", "SUnreclaim", "KernelStack", "PageTables", "CommitLimit", "Committed_AS",
		"VmallocTotal", "VmallocUsed", "VmallocChunk", "HugePages_Total", "HugePages_Free", "Hugepagesize",
	};
	static char text[65536];
	FILE *f = fopen("/proc/meminfo", "r");
	if (!f)
		setup_fail("fopen");
	size_t n = fread(text, 1, sizeof(text) - 1, f);
	fclose(f);
	text[n] = 0;
	for (size_t i = 0; i < ARRAY_SIZE(fields); i++) {
		char pattern[96], name[64], lit[64];
		regex_t re;
		size_t k = 0;
		for (const char *s = fields[i]; *s && k < sizeof(lit) - 2; s++) {   /* "(anon)" is literal */
			if (*s == '(' || *s == ')')
				lit[k++] = '\\';
			lit[k++] = *s;
		}
		lit[k] = 0;
		snprintf(pattern, sizeof(pattern), "^%s: +[0-9]+( kB)?$", lit);
		if (regcomp(&re, pattern, REG_EXTENDED | REG_NEWLINE | REG_NOSUB))
			setup_fail("regcomp");
		snprintf(name, sizeof(name), "field_%s", fields[i]);
		show_yes(name, strstr(text, fields[i]) && regexec(&re, text, 0, NULL, 0) == 0);
		regfree(&re);
	}
	unsigned long total = 0, avail = 0;
	char *t = strstr(text, "MemTotal:"), *a = strstr(text, "MemAvailable:");
	if (t && a) {
		sscanf(t, "MemTotal: %lu", &total);
		sscanf(a, "MemAvailable: %lu", &avail);
	}
	show_yes("available_at_most_total", total && avail <= total);
	return 0;
}
