/* maps: a process's areas (VMAs) with their resident pages.
 *
 *   maps [PID]        default: maps itself
 *
 * Reads /proc/PID/smaps (Linux's format): for each area its range,
 * permissions and backing, how much of it is mapped (Size) and how much is
 * in memory now (Rss). On Pagoda, areas are filled lazily: Rss grows as the
 * program touches pages (demand paging).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

int main(int argc, char **argv)
{
	char path[64], line[512], range[64] = "", perm[8] = "", name[256] = "";
	unsigned long lo, hi, size = 0, rss;
	FILE *f;

	snprintf(path, sizeof path, "/proc/%s/smaps", argc > 1 ? argv[1] : "self");
	if (!(f = fopen(path, "r"))) {
		perror(path);
		return 1;
	}
	printf("%-34s %5s %10s %10s  %s\n", "range", "perm", "size KiB", "rss KiB", "backing");
	while (fgets(line, sizeof line, f)) {
		if (sscanf(line, "%lx-%lx %7s", &lo, &hi, perm) == 3) {   /* an area's header line */
			snprintf(range, sizeof range, "%lx-%lx", lo, hi);
			name[0] = 0;
			sscanf(line, "%*s %*s %*s %*s %*s %255s", name);
		} else if (sscanf(line, "Size: %lu kB", &size) == 1) {
			continue;
		} else if (sscanf(line, "Rss: %lu kB", &rss) == 1) {
			printf("%-34s %5s %10lu %10lu  %s\n", range, perm, size, rss, name);
		}
	}
	fclose(f);
	return 0;
}
