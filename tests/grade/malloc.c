/* Graded cases of the malloc lab: the student's lib/mm.c, run by the trace
 * driver (/bin/mdriver_lab) inside Pagoda over the ramdisk's traces, and
 * compared with Pagoda's own allocator (/bin/mdriver) on the same traces.
 *
 * The driver prints the classic malloc-lab index with its constants
 * (lib/mdriver/score.c: 0.60 U + 0.40 min(1, T / 600 Kops/s)). Points come
 * from correctness, U and the page faults each trace takes; the throughput T
 * is printed, never graded (it is a time, and TCG's at that).
 */
#include "grade.h"

#include <dirent.h>
#include <string.h>
#include <sys/resource.h>


static char *traces[64];
static int ntraces;

static void find_traces(void)
{
	static char names[64][280];
	DIR *d = opendir("/traces");
	struct dirent *e;
	ntraces = 0;
	while (d && (e = readdir(d)) && ntraces < 60)
		if (!strncmp(e->d_name, "gen-", 4) && strstr(e->d_name, "-bal.rep")) {
			snprintf(names[ntraces], sizeof names[0], "/traces/%s", e->d_name);
			traces[ntraces] = names[ntraces];
			ntraces++;
		}
	if (d)
		closedir(d);
}

/* PROG -p PASSES [FLAG] TRACES... (one timing pass for -v, none otherwise): its status and the page faults it took (wait4's
 * rusage). Its output (the table and "malloc: avg_util=... kops=...") goes to
 * the console, where tools/grade reads the numbers (malloc.tests). */
static int driver(const char *prog, const char *flag, char **files, int n, long *faults)
{
	char *argv[72] = { (char *)prog, "-p", flag && flag[1] == 'v' ? "1" : "0" };
	int k = 3;
	if (flag)
		argv[k++] = (char *)flag;
	for (int i = 0; i < n && k < 70; i++)
		argv[k++] = files[i];
	argv[k] = NULL;
	struct rusage ru;
	getrusage(RUSAGE_CHILDREN, &ru);
	long before = ru.ru_minflt;
	int st = run_program(argv, NULL);
	getrusage(RUSAGE_CHILDREN, &ru);
	*faults = ru.ru_minflt - before;
	return st;
}

/* Every trace replays correctly (payloads aligned, in the heap, not
 * overlapping, contents kept; mm_checkheap clean at the end). */
static int all_traces_correct(void)
{
	long f;
	find_traces();
	EXPECT(ntraces > 0, "expected traces in /traces, seen none");
	int st = driver("/bin/mdriver_lab", NULL, traces, ntraces, &f);
	EXPECT(st == 0, "expected every trace correct (driver status 0), seen status %d", st);
	return 0;
}

/* The short traces with mm_checkheap after every operation. */
static int checked_every_op(void)
{
	char *shorts[] = { "/traces/gen-short1-bal.rep", "/traces/gen-short2-bal.rep" };
	long f;
	int st = driver("/bin/mdriver_lab", "-c", shorts, 2, &f);
	EXPECT(st == 0, "expected both short traces to pass with checks, seen status %d", st);
	return 0;
}

/* The student's driver with one timing pass: tools/grade takes U from its
 * "malloc: avg_util=" line, checks U >= 70% (malloc.tests) and shows the
 * driver's classic index line (with its constants). */
static int utilisation(void)
{
	long f;
	find_traces();
	int st = driver("/bin/mdriver_lab", "-v", traces, ntraces, &f);
	EXPECT(st == 0, "expected every trace correct, seen status %d", st);
	return 0;
}

/* Page faults per trace inside Pagoda: every first touch of a heap page is
 * one fault, so faults count the frames the heap made resident. A heap that
 * reuses freed memory touches at most twice the pages Pagoda's own does. */
static int faults_per_trace(void)
{
	find_traces();
	int bad = 0;
	long f[64], rf[64];
	for (int i = 0; i < ntraces; i++) {
		driver("/bin/mdriver_lab", NULL, &traces[i], 1, &f[i]);
		driver("/bin/mdriver", NULL, &traces[i], 1, &rf[i]);
	}
	printf("%-28s %8s %8s\n", "trace", "faults", "Pagoda's");
	for (int i = 0; i < ntraces; i++)
		printf("%-28s %8ld %8ld\n", traces[i] + 8, f[i], rf[i]);
	for (int i = 0; i < ntraces; i++)
		if (f[i] > 2 * rf[i] + 64) {
			printf("expected at most %ld faults (2 x Pagoda's + 64) for %s, seen %ld\n", 2 * rf[i] + 64,
			       traces[i], f[i]);
			bad = 1;
		}
	return bad;
}

const struct grade_case malloc_cases[] = {
	{ "malloc/checked_every_op", checked_every_op },
	{ "malloc/all_traces_correct", all_traces_correct },
	{ "malloc/utilisation", utilisation },
	{ "malloc/faults_per_trace", faults_per_trace },
	{ NULL, NULL },
};
GRADE_CASES(malloc_cases)
