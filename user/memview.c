/* memview: physical memory on the console, one character per cell of frames,
 * coloured by owner (CS:APP 9.4: one frame may back several pages).
 *
 *   memview            every frame by use: kernel, page tables, user, free
 *   memview PID...     the user frames of each PID get its own letter (a, b,
 *                      ...); a frame that two of them map is '*' (shared,
 *                      for example copy-on-write after fork)
 *
 * Reads /proc/frames (runs of frames with equal use and reference count) and
 * /proc/PID/pagemap (the frame behind each present page). A cell covers
 * several frames when memory is large; it shows the most telling of them
 * (shared > a process's > user > page table > kernel > free).
 */
#include <fcntl.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

enum { COLS = 64, MAX_ROWS = 32, MAX_FRAMES = 1 << 20, MAX_PIDS = 8 };

static unsigned char kind[MAX_FRAMES];   /* what each frame is: one of KINDS */
static const char KINDS[] = ".KPU*abcdefgh";   /* free, kernel, page table, user, shared, pid 0..7 */
static const char *const COLOR[] = { "37", "90", "35", "32", "31", "34", "33", "36", "94", "93", "96", "92", "95" };

static int rank(unsigned char k)
{
	static const int r[] = { 0, 1, 2, 3, 9, 5, 5, 5, 5, 5, 5, 5, 5 };
	return r[k];
}

/* /proc/frames: "FIRST COUNT REF USE" per run. Returns the number of frames. */
static long read_frames(void)
{
	FILE *f = fopen("/proc/frames", "r");
	char use[64];
	unsigned long first, count, ref;
	long n = 0;
	if (!f)
		return -1;
	while (fscanf(f, "%lx %lu %lu %63[^\n]", &first, &count, &ref, use) == 4) {
		unsigned char k = !strcmp(use, "free") ? 0 : !strcmp(use, "user") ? 3 : !strcmp(use, "page tables") ? 2 : 1;
		for (unsigned long i = first; i < first + count && i < MAX_FRAMES; i++)
			kind[i] = k == 3 && ref > 1 ? 4 : k;
		n = first + count;
	}
	fclose(f);
	return n < MAX_FRAMES ? n : MAX_FRAMES;
}

/* Marks the frames of pid's present pages with letter `who` (or '*' if another already has them). */
static void claim(int pid, int who)
{
	char path[64], line[256];
	snprintf(path, sizeof path, "/proc/%d/maps", pid);
	FILE *maps = fopen(path, "r");
	snprintf(path, sizeof path, "/proc/%d/pagemap", pid);
	int pm = open(path, O_RDONLY);
	while (maps && pm >= 0 && fgets(line, sizeof line, maps)) {
		unsigned long lo, hi;
		if (sscanf(line, "%lx-%lx", &lo, &hi) != 2)
			continue;
		for (unsigned long va = lo; va < hi; va += 4096) {
			uint64_t e, pfn;
			if (pread(pm, &e, 8, (off_t)(va / 4096) * 8) != 8 || !(e >> 63))
				continue;
			pfn = e & ((1ull << 55) - 1);
			if (pfn < MAX_FRAMES)
				kind[pfn] = kind[pfn] >= 5 && kind[pfn] != 5 + who ? 4 : 5 + who;
		}
	}
	if (maps)
		fclose(maps);
	if (pm >= 0)
		close(pm);
}

static void draw(long n)
{
	long per = (n + COLS * MAX_ROWS - 1) / (COLS * MAX_ROWS);
	printf("%ld frames, %ld per cell (%ld KiB):\n", n, per, per * 4);
	int shown = -1;   /* the colour in force: change it only when the kind changes */
	for (long cell = 0; cell * per < n; cell++) {
		unsigned char best = 0;
		for (long i = cell * per; i < (cell + 1) * per && i < n; i++)
			if (rank(kind[i]) > rank(best))
				best = kind[i];
		if (best != shown)
			printf("\033[%sm", COLOR[best]);
		shown = best;
		printf("%c%s", KINDS[best], (cell + 1) % COLS ? "" : "\n");
	}
	printf("\033[0m\n. free  K kernel  P page tables  U user  * shared by two or more");
}

int main(int argc, char **argv)
{
	long n = read_frames();
	if (n < 0 || argc - 1 > MAX_PIDS) {
		fprintf(stderr, n < 0 ? "memview: no /proc/frames (Pagoda's)\n" : "usage: memview [PID...] (at most 8)\n");
		return 1;
	}
	for (int i = 1; i < argc; i++)
		claim(atoi(argv[i]), i - 1);
	draw(n);
	for (int i = 1; i < argc; i++)
		printf("  %c pid %s", KINDS[5 + i - 1], argv[i]);
	printf("\n");
	return 0;
}
