/* workingset: the per-process working set and page-fault frequency
 * (mm/workingset.c), checked with explicit expectations: every line must end
 * in "yes". Pagoda only (Linux has no such lines in /proc/PID/status); the
 * test suite runs it inside Pagoda (tests/run.py, suite pagoda).
 *
 * Everything is measured in the process's own CPU time: each case loops
 * until its /proc/self/status WsWindows has advanced by two, so one whole
 * window lies inside the case, however loaded the machine is. A loop that
 * burns more than GIVE_UP_TICKS of its own time without a window ending
 * fails instead of hanging.
 */
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/resource.h>
#include <sys/times.h>
#include <sys/wait.h>
#include <unistd.h>

/* AREA: the pages touched; SLACK: the program's own pages a window also
 * sees (text, stack, data, the status buffer). */
enum { PAGE = 4096, AREA = 512, SLACK = 64, GIVE_UP_TICKS = 3000 };

struct ws {
	long windows, pages, faults, pff;
};

static char buf[4096];

static long field(const char *text, const char *name)
{
	const char *at = strstr(text, name);
	return at ? strtol(at + strlen(name), NULL, 10) : -1;
}

static struct ws read_ws(int pid)
{
	char path[64];
	snprintf(path, sizeof path, pid ? "/proc/%d/status" : "/proc/self/status", pid);
	int fd = open(path, O_RDONLY);
	ssize_t n = fd < 0 ? -1 : read(fd, buf, sizeof buf - 1);
	close(fd);
	buf[n > 0 ? n : 0] = 0;
	return (struct ws){ field(buf, "\nWsWindows:\t"), field(buf, "\nWsPages:\t"), field(buf, "\nPffFaults:\t"),
			    field(buf, "\nPff:\t") };
}

static long own_ticks(void)
{
	struct tms t;
	times(&t);
	return (long)(t.tms_utime + t.tms_stime);
}

/* "name: yes", or "name: no (the figures seen)". */
static void expect(const char *name, int ok, struct ws w)
{
	if (ok)
		printf("%s: yes\n", name);
	else
		printf("%s: no (windows=%ld pages=%ld faults=%ld pff=%ld)\n", name, w.windows, w.pages, w.faults, w.pff);
}

/* Run step() until two more windows have ended; the figures of the last,
 * which step() filled entirely. windows is -1 if none ended in time. */
static struct ws two_windows(void (*step)(char *), char *area)
{
	struct ws w = read_ws(0);
	long start = w.windows, t0 = own_ticks();
	while (w.windows < start + 2) {
		if (own_ticks() - t0 > GIVE_UP_TICKS)
			return (struct ws){ -1, -1, -1, -1 };
		step(area);
		w = read_ws(0);
	}
	return w;
}

/* The window with the largest working set among three more that step()
 * filled: one of them spans a whole sweep of the area even when a status
 * read under debug_vm (its audits) takes most of a window. */
static struct ws most_pages(void (*step)(char *), char *area)
{
	struct ws best = { -1, -1, -1, -1 };
	for (int i = 0; i < 3; i++) {
		struct ws w = two_windows(step, area);
		if (w.windows < 0)
			return w;
		best = w.pages > best.pages ? w : best;
	}
	return best;
}

static unsigned sweeps;   /* touch_area calls: each page holds this, mod 256 */

static void touch_area(char *area)
{
	for (int i = 0; i < AREA; i++)
		((volatile char *)area)[i * PAGE]++;
	sweeps++;
}

static void nothing(char *area)
{
	(void)area;
}

static void fault_a_little(char *area)
{
	(void)area;
	char *p = mmap(NULL, 16 * PAGE, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	if (p == MAP_FAILED)
		return;
	for (int i = 0; i < 16; i++)
		p[i * PAGE] = 1;
	munmap(p, 16 * PAGE);
}

/* A child asleep in read() takes no CPU time: its windows stand still
 * while its parent's go by. */
static void sleeper_stands_still(void)
{
	int fds[2];
	if (pipe(fds))
		return expect("sleeper_windows_stand_still", 0, (struct ws){ 0, 0, 0, 0 });
	fflush(stdout);
	pid_t pid = fork();
	if (pid == 0) {
		char c;
		close(fds[1]);
		_exit(read(fds[0], &c, 1) == 1 ? 0 : 1);
	}
	close(fds[0]);
	char path[64], stat[256];
	snprintf(path, sizeof path, "/proc/%d/stat", pid);
	for (int asleep = 0; !asleep;) {   /* until it is blocked in read(): state S */
		int fd = open(path, O_RDONLY);
		ssize_t n = fd < 0 ? -1 : read(fd, stat, sizeof stat - 1);
		close(fd);
		stat[n > 0 ? n : 0] = 0;
		asleep = strstr(stat, ") S ") != NULL;
	}
	long before = read_ws(pid).windows;
	struct ws mine = two_windows(nothing, NULL);
	long after = read_ws(pid).windows;
	write(fds[1], "x", 1);
	waitpid(pid, NULL, 0);
	expect("sleeper_windows_stand_still", mine.windows > 0 && before >= 0 && after == before,
	       (struct ws){ after - before, mine.windows, 0, 0 });
}

int main(void)
{
	char *area = mmap(NULL, AREA * PAGE, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	if (area == MAP_FAILED || read_ws(0).windows < 0) {
		printf("workingset_lines_present: no\n");
		return 1;
	}
	touch_area(area);   /* the faults first: a window during them sees only part of the area */
	struct ws w = most_pages(touch_area, area);
	expect("touched_pages_are_the_working_set", w.pages >= AREA && w.pages <= AREA + SLACK, w);
	w = two_windows(nothing, area);
	expect("unused_pages_leave_it", w.windows > 0 && w.pages >= 1 && w.pages <= SLACK, w);
	expect("no_faults_no_pff", w.windows > 0 && w.faults == 0 && w.pff == 0, w);
	w = two_windows(fault_a_little, area);
	expect("faults_counted_in_pff", w.windows > 0 && w.faults > 0 && w.pff >= w.faults, w);
	sleeper_stands_still();
	int intact = 1;
	for (int i = 0; i < AREA; i++)
		intact &= (unsigned char)area[i * PAGE] == (unsigned char)sweeps;
	expect("data_intact", intact, w);
	return 0;
}
