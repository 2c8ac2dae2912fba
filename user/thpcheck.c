/* thpcheck: Pagoda's 2 MiB pages (mm/huge_page.c) seen from user space,
 * with explicit expectations: every line must end in "yes". Not a
 * differential test: what it checks (AnonHugePages, the thp_* counters,
 * one fault per 2 MiB, contiguous frames in pagemap, the fault log's case)
 * depends on the host's transparent_hugepage setting and its memory on
 * Linux, but is fixed on Pagoda. Run by tests/run.py's thp suite under the
 * default (madvise) and under transparent_hugepage=always; the one line
 * that depends on the mode prints a number the harness checks.
 */
#include <fcntl.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/wait.h>
#include <unistd.h>
#include "vmcounters.h"

enum { PAGE = 4096, HUGE = 2 << 20, AREA = 2 * HUGE, RW = PROT_READ | PROT_WRITE };

static void expect(const char *name, int ok)
{
	printf("%s: %s\n", name, ok ? "yes" : "no");
}

static long vmstat(const char *name)
{
	char key[64];
	snprintf(key, sizeof key, "%s ", name);
	return proc_field("/proc/vmstat", key);
}

static long my_faults(void)
{
	return proc_field("/proc/self/vmstat", "pgfault ");
}

/* AnonHugePages (kB) of the smaps area that starts at p, or -1. */
static long smaps_anon_huge(const void *p)
{
	return smaps_field(p, "AnonHugePages:");
}

static uint64_t pfn_of(int pm, const void *p)
{
	uint64_t e = 0;
	if (pread(pm, &e, 8, (off_t)((uintptr_t)p / PAGE * 8)) != 8)
		return 0;
	return e & ((1ull << 55) - 1);
}

/* The 512 pages of the 2 MiB at p sit in 512 consecutive frames, the first
 * 2 MiB-aligned. */
static int frames_contiguous(const char *p)
{
	int pm = open("/proc/self/pagemap", O_RDONLY);
	uint64_t first = pfn_of(pm, p);
	int ok = first && first % 512 == 0;
	for (int i = 1; ok && i < 512; i++)
		ok = pfn_of(pm, p + i * PAGE) == first + i;
	close(pm);
	return ok;
}

static char *huge_area(int advice)
{
	char *p = mmap(NULL, AREA, RW, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	if (p == MAP_FAILED)
		return NULL;
	if (advice)
		madvise(p, AREA, advice);
	return p;
}

static int faultlog_has(const char *text)
{
	static char buf[65536];
	int fd = open("/proc/faultlog", O_RDONLY);
	ssize_t n = fd < 0 ? 0 : read(fd, buf, sizeof buf - 1);
	if (fd >= 0)
		close(fd);
	buf[n > 0 ? n : 0] = 0;
	return strstr(buf, text) != NULL;
}

/* /proc/self/pagetable (the pgtbl lab's walk) has a 2M leaf at p. */
static int pagetable_has_2m_leaf(const void *p)
{
	char line[128], want[40];
	int found = 0;
	snprintf(want, sizeof want, "%016lx ", (unsigned long)p);
	FILE *f = fopen("/proc/self/pagetable", "r");
	while (f && fgets(line, sizeof line, f))
		found |= !strncmp(line, want, strlen(want)) && strstr(line, " 2M ") != NULL;
	if (f)
		fclose(f);
	return found;
}

static void faults_and_counters(void)
{
	long allocs = vmstat("thp_fault_alloc"), meminfo = proc_field("/proc/meminfo", "AnonHugePages:");
	char *p = huge_area(MADV_HUGEPAGE);
	expect("mmap_4m_is_2m_aligned", p && (uintptr_t)p % HUGE == 0);
	long faults = my_faults();
	for (int i = 0; i < AREA / PAGE; i++)
		p[i * PAGE] = (char)i;
	expect("one_fault_per_2m", my_faults() - faults == 2);
	expect("thp_fault_alloc_counts_2", vmstat("thp_fault_alloc") - allocs == 2);
	expect("smaps_anon_huge_4096_kb", smaps_anon_huge(p) == 4096);
	expect("meminfo_anon_huge_grows_4096_kb", proc_field("/proc/meminfo", "AnonHugePages:") - meminfo == 4096);
	expect("pagemap_frames_contiguous", frames_contiguous(p) && frames_contiguous(p + HUGE));
	expect("faultlog_names_huge_fault", faultlog_has("demand-zero 2 MiB page (huge)"));
	expect("pagetable_shows_2m_leaf", pagetable_has_2m_leaf(p) && pagetable_has_2m_leaf(p + HUGE));

	long splits = vmstat("thp_split_pmd");
	mprotect(p + HUGE, HUGE, PROT_READ);
	expect("mprotect_whole_2m_no_split", vmstat("thp_split_pmd") == splits && smaps_anon_huge(p + HUGE) == 2048);
	munmap(p + 5 * PAGE, PAGE);
	expect("partial_munmap_splits_one", vmstat("thp_split_pmd") - splits == 1);
	expect("split_contents_kept", p[4 * PAGE] == 4 && p[6 * PAGE] == 6 && p[511 * PAGE] == (char)511);
	expect("split_anon_huge_2048_kb", smaps_anon_huge(p + 6 * PAGE) == 0 && smaps_anon_huge(p + HUGE) == 2048);
	munmap(p, AREA);
	expect("munmap_meminfo_back", proc_field("/proc/meminfo", "AnonHugePages:") == meminfo);
}

static void fork_splits(void)
{
	char *p = huge_area(MADV_HUGEPAGE);
	memset(p, 1, AREA);
	long splits = vmstat("thp_split_pmd");
	pid_t pid = fork();
	if (pid == 0)
		_exit(p[AREA - 1] == 1 ? 0 : 1);
	int st = 0;
	waitpid(pid, &st, 0);
	expect("fork_splits_both_2m", vmstat("thp_split_pmd") - splits == 2 && WIFEXITED(st) && !WEXITSTATUS(st));
	expect("fork_parent_keeps_data", p[0] == 1 && p[HUGE] == 1);
	munmap(p, AREA);
}

static void advice(void)
{
	long allocs = vmstat("thp_fault_alloc");
	char *p = huge_area(MADV_NOHUGEPAGE);
	memset(p, 2, AREA);
	expect("nohugepage_gets_4k", vmstat("thp_fault_alloc") == allocs && smaps_anon_huge(p) == 0);
	munmap(p, AREA);
	p = huge_area(0);
	memset(p, 3, AREA);
	/* The mode decides (0 under madvise, 2 under always): the harness knows it. */
	printf("plain_area_huge_faults: %ld\n", vmstat("thp_fault_alloc") - allocs);
	munmap(p, AREA);
	p = mmap(NULL, HUGE + PAGE, RW, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	madvise(p, HUGE + PAGE, MADV_HUGEPAGE);
	memset(p, 4, HUGE + PAGE);   /* not placed aligned: 2 MiB only if an aligned 2 MiB lies inside */
	uintptr_t aligned = ((uintptr_t)p + HUGE - 1) & ~(uintptr_t)(HUGE - 1);
	long want = aligned + HUGE <= (uintptr_t)p + HUGE + PAGE ? 2048 : 0;
	expect("odd_length_area_huge_only_where_aligned", smaps_anon_huge(p) == want);
	munmap(p, HUGE + PAGE);
}

int main(void)
{
	faults_and_counters();
	fork_splits();
	advice();
	return 0;
}
