/* swapreplay: a recorded page-reference string, replayed by touching pages.
 *
 * Owns the replay of one string (tools/refstrings.py's format: a "#" header,
 * then one page number per line) in a child process of its own, so each run
 * starts with an empty resident set: the child maps P anonymous pages and
 * writes one byte to page r for each reference r, in order. It then prints
 * one line the bench parses:
 *
 *   swapreplay: kind=K refs=N pages=P majflt=M minflt=m resident=R
 *               major_insns=I major_timed=T insns=S pswpin=W ra_hit=H checked=yes|no
 *
 * majflt/minflt are the child's own (getrusage); resident is the largest
 * number of the area's pages mincore saw resident, sampled every SAMPLE
 * references (the frames the kernel's policy let it hold); major_insns is
 * the summed rdtsc span of the touches that took a major fault (guest
 * instructions under QEMU's -icount shift=0), over T of them; insns the
 * span of the whole replay; pswpin and ra_hit the pages the system read
 * from swap and the faults that found a page read ahead, during the replay
 * (/proc/vmstat pswpin, swap_ra_hit; -1 where the kernel has none). Always true:
 * every page holds the count of writes made to it, and checked=yes says the
 * whole area was read back equal to a count kept aside, so a page lost or
 * mixed up in swap shows as checked=no.
 *
 * usage: swapreplay FILE...      (each FILE replayed in its own child)
 *        swapreplay --probe PAGES   touch PAGES pages twice, print resident=R
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <unistd.h>

#include "icount.h"

enum { PAGE = 4096, SAMPLE = 1024, SLOW = 20000 };

struct refstring {
	char kind[32];
	unsigned *ref;
	long n;
	long pages;
};

struct replay_stats {
	long resident;
	unsigned long long major_insns;
	long major_timed;
};

static void die(const char *what, const char *path)
{
	fprintf(stderr, "swapreplay: %s %s\n", what, path);
	exit(2);
}

/* read_header: "# refstring KIND frames=F pages=P refs=N seed=S". */
static void read_header(FILE *f, struct refstring *s, const char *path)
{
	long frames;

	if (fscanf(f, "# refstring %31s frames=%ld pages=%ld refs=%ld seed=%*d",
		   s->kind, &frames, &s->pages, &s->n) != 4)
		die("bad header in", path);
}

static void read_refstring(const char *path, struct refstring *s)
{
	FILE *f = fopen(path, "r");

	if (!f)
		die("cannot open", path);
	read_header(f, s, path);
	s->ref = malloc(s->n * sizeof(*s->ref));
	if (!s->ref)
		die("no memory for", path);
	for (long i = 0; i < s->n; i++)
		if (fscanf(f, "%u", &s->ref[i]) != 1 || s->ref[i] >= s->pages)
			die("bad reference in", path);
	fclose(f);
}

static char *map_area(long pages)
{
	char *p = mmap(NULL, pages * PAGE, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);

	if (p == MAP_FAILED)
		die("mmap failed for", "the area");
	return p;
}

static long resident_pages(char *area, long pages)
{
	static unsigned char vec[1 << 20];
	long n = 0;

	if (pages > (long)sizeof vec || mincore(area, pages * PAGE, vec) != 0)
		return -1;
	for (long i = 0; i < pages; i++)
		n += vec[i] & 1;
	return n;
}

/* vmstat_field: a /proc/vmstat counter ("pswpin"), or -1. */
static long vmstat_field(const char *name)
{
	char key[64];
	long v, found = -1;
	FILE *f = fopen("/proc/vmstat", "r");

	while (f && fscanf(f, "%63s %ld", key, &v) == 2)
		if (!strcmp(key, name))
			found = v;
	if (f)
		fclose(f);
	return found;
}

static long majflt(void)
{
	struct rusage ru;

	getrusage(RUSAGE_SELF, &ru);
	return ru.ru_majflt;
}

/* touch: one write; a slow one that took a major fault adds to the figures. */
static void touch(char *page, struct replay_stats *st)
{
	long before = majflt();
	unsigned long long t0 = rdtsc();

	(*(volatile unsigned char *)page)++;
	unsigned long long span = rdtsc() - t0;
	if (span > SLOW && majflt() > before) {
		st->major_insns += span;
		st->major_timed++;
	}
}

/* verify: every page's first byte equals the count of writes made to it (mod 256). */
static int verify(char *area, const struct refstring *s)
{
	unsigned char *want = calloc(s->pages, 1);
	int ok = want != NULL;

	for (long i = 0; ok && i < s->n; i++)
		want[s->ref[i]]++;
	for (long p = 0; ok && p < s->pages; p++)
		ok = (unsigned char)area[p * PAGE] == want[p];
	free(want);
	return ok;
}

static void replay(const struct refstring *s)
{
	struct replay_stats st = { 0, 0, 0 };
	char *area = map_area(s->pages);
	long pswpin = vmstat_field("pswpin"), ra_hit = vmstat_field("swap_ra_hit");
	unsigned long long t0 = rdtsc();

	for (long i = 0; i < s->n; i++) {
		touch(area + (long)s->ref[i] * PAGE, &st);
		if (i % SAMPLE == SAMPLE - 1) {
			long r = resident_pages(area, s->pages);
			st.resident = r > st.resident ? r : st.resident;
		}
	}
	unsigned long long span = rdtsc() - t0;
	struct rusage ru;
	getrusage(RUSAGE_SELF, &ru);
	pswpin = pswpin < 0 ? -1 : vmstat_field("pswpin") - pswpin;
	ra_hit = ra_hit < 0 ? -1 : vmstat_field("swap_ra_hit") - ra_hit;
	int ok = verify(area, s);
	printf("swapreplay: kind=%s refs=%ld pages=%ld majflt=%ld minflt=%ld resident=%ld "
	       "major_insns=%llu major_timed=%ld insns=%llu pswpin=%ld ra_hit=%ld checked=%s\n", s->kind, s->n,
	       s->pages, ru.ru_majflt, ru.ru_minflt, st.resident, st.major_insns, st.major_timed, span, pswpin,
	       ra_hit, ok ? "yes" : "no");
}

static int replay_in_child(const char *path)
{
	fflush(stdout);
	pid_t pid = fork();
	if (pid == 0) {
		struct refstring s;
		read_refstring(path, &s);
		replay(&s);
		fflush(stdout);
		_exit(0);
	}
	int status;
	waitpid(pid, &status, 0);
	if (!WIFEXITED(status) || WEXITSTATUS(status) != 0)
		printf("swapreplay: %s failed (status 0x%x)\n", path, status);
	return WIFEXITED(status) && WEXITSTATUS(status) == 0;
}

/* probe: how many pages of an area larger than RAM stay resident. */
static void probe(long pages)
{
	char *area = map_area(pages);

	for (int pass = 0; pass < 2; pass++)
		for (long p = 0; p < pages; p++)
			area[p * PAGE] = (char)pass;
	printf("swapreplay: probe pages=%ld resident=%ld\n", pages, resident_pages(area, pages));
}

int main(int argc, char **argv)
{
	int ok = 1;

	if (argc == 3 && !strcmp(argv[1], "--probe")) {
		probe(atol(argv[2]));
		return 0;
	}
	if (argc < 2) {
		fprintf(stderr, "usage: swapreplay FILE... | swapreplay --probe PAGES\n");
		return 2;
	}
	for (int i = 1; i < argc; i++)
		ok &= replay_in_child(argv[i]);
	return ok ? 0 : 1;
}
