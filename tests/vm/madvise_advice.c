/* madvise_advice: the advice values Linux acts on besides DONTNEED.
 *
 *   WIPEONFORK/KEEPONFORK  the child gets the area empty (zeros) / a copy
 *   DONTFORK/DOFORK        the child has a hole there / a copy
 *   FREE                   private anonymous only; the data may be dropped
 *   REMOVE                 shared writable file memory only
 *   POPULATE_READ/WRITE    pages resident afterwards (mincore)
 *   flag advice            splits the area exactly (counted in /proc/self/maps)
 * Regression (issue 19): WIPEONFORK returned 0 and the child still read the
 * parent's data.
 */
#define _GNU_SOURCE
#include <fcntl.h>
#include <sys/mman.h>
#include "testlib.h"

#ifndef MADV_POPULATE_READ
#define MADV_POPULATE_READ 22
#define MADV_POPULATE_WRITE 23
#endif

static int child_reads(void *arg)
{
	const char *p = arg;
	return p[0] == 'w' ? 1 : p[0] == 0 ? 0 : 2;   /* 0: zero, 1: the parent's data */
}

static const char *in_child(char *p)
{
	int st = child_run(child_reads, p);
	if (WIFSIGNALED(st))
		return status_str(st);
	return WEXITSTATUS(st) == 0 ? "zero" : WEXITSTATUS(st) == 1 ? "parent's data" : "other";
}

/* Areas of /proc/self/maps that start inside [p, p + len). */
static int areas_in(const char *p, size_t len)
{
	FILE *f = fopen("/proc/self/maps", "r");
	char line[512];
	int n = 0;
	if (!f)
		return -1;
	while (fgets(line, sizeof(line), f)) {
		unsigned long lo = strtoul(line, NULL, 16);
		n += lo >= (unsigned long)p && lo < (unsigned long)p + len;
	}
	fclose(f);
	return n;
}

static const char *res(const char *p, size_t pages)
{
	static char out[32];
	unsigned char v[32];
	if (mincore((void *)p, pages * PAGE, v))
		return "error";
	for (size_t i = 0; i < pages; i++)
		out[i] = v[i] & 1 ? '1' : '0';
	out[pages] = 0;
	return out;
}

static void fork_advice(void)
{
	char *p = map_anon(4 * PAGE, PROT_READ | PROT_WRITE);
	memset(p, 'w', 4 * PAGE);
	show_rc("wipeonfork", madvise(p, 4 * PAGE, MADV_WIPEONFORK));
	say("wipeonfork_child_reads", "%s", in_child(p));
	say("wipeonfork_parent_reads", "%s", p[0] == 'w' ? "parent's data" : "changed");
	show_rc("keeponfork", madvise(p, 4 * PAGE, MADV_KEEPONFORK));
	say("keeponfork_child_reads", "%s", in_child(p));
	show_rc("wipeonfork_middle_page", madvise(p + PAGE, PAGE, MADV_WIPEONFORK));
	say("wipeonfork_middle_areas", "%d", areas_in(p, 4 * PAGE));
	say("wipeonfork_middle_child_page1", "%s", in_child(p + PAGE));
	say("wipeonfork_middle_child_page2", "%s", in_child(p + 2 * PAGE));
	madvise(p + PAGE, PAGE, MADV_KEEPONFORK);
	say("keeponfork_merges_again", "%d", areas_in(p, 4 * PAGE));
	show_rc("wipeonfork_shared", madvise(map_shared(PAGE), PAGE, MADV_WIPEONFORK));
	show_rc("dontfork", madvise(p, 2 * PAGE, MADV_DONTFORK));
	say("dontfork_child_reads", "%s", in_child(p));
	say("dontfork_child_reads_rest", "%s", in_child(p + 2 * PAGE));
	say("dontfork_areas", "%d", areas_in(p, 4 * PAGE));
	show_rc("dofork", madvise(p, 2 * PAGE, MADV_DOFORK));
	say("dofork_child_reads", "%s", in_child(p));
	say("dofork_areas", "%d", areas_in(p, 4 * PAGE));
}

static void file_advice(const char *self)
{
	int fd = open(self, O_RDONLY);
	long f = fd < 0 ? -1 : sys_mmap(0, PAGE, PROT_READ | PROT_WRITE, MAP_PRIVATE, fd, 0);
	if (f == -1)
		setup_fail("mmap self");
	show_rc("wipeonfork_file", madvise((void *)f, PAGE, MADV_WIPEONFORK));
	show_rc("free_file", madvise((void *)f, PAGE, MADV_FREE));
	show_rc("remove_file_private", madvise((void *)f, PAGE, MADV_REMOVE));
	close(fd);
}

static void other_advice(void)
{
	char *p = map_anon(4 * PAGE, PROT_READ | PROT_WRITE);
	memset(p, 'f', 4 * PAGE);
	show_rc("free", madvise(p, 2 * PAGE, MADV_FREE));
	show_yes("free_data_old_or_zero", (p[0] == 'f' || p[0] == 0) && p[2 * PAGE] == 'f');
	show_rc("free_shared", madvise(map_shared(PAGE), PAGE, MADV_FREE));
	show_rc("remove_private", madvise(p, PAGE, MADV_REMOVE));
	show_rc("cold", madvise(p, PAGE, MADV_COLD));
	show_rc("pageout", madvise(p, PAGE, MADV_PAGEOUT));
	show_rc("sequential", madvise(p, PAGE, MADV_SEQUENTIAL));
	show_rc("random", madvise(p + PAGE, PAGE, MADV_RANDOM));
	say("hint_areas", "%d", areas_in(p, 4 * PAGE));
	show_rc("normal_all", madvise(p, 4 * PAGE, MADV_NORMAL));
	say("normal_merges", "%d", areas_in(p, 4 * PAGE));
	show_rc("dontdump", madvise(p, PAGE, MADV_DONTDUMP));
	show_rc("dodump", madvise(p, PAGE, MADV_DODUMP));
	show_rc("hugepage", madvise(p, 4 * PAGE, MADV_HUGEPAGE));
	show_rc("nohugepage", madvise(p, 4 * PAGE, MADV_NOHUGEPAGE));
	char *q = map_anon(4 * PAGE, PROT_READ | PROT_WRITE);
	show_rc("populate_read", madvise(q, 2 * PAGE, MADV_POPULATE_READ));
	show_rc("populate_write", madvise(q + 2 * PAGE, PAGE, MADV_POPULATE_WRITE));
	say("populated", "%s", res(q, 4));
	char *r = map_anon(2 * PAGE, PROT_READ);
	show_rc("populate_write_read_only", madvise(r, PAGE, MADV_POPULATE_WRITE));
	show_rc("populate_read_read_only", madvise(r, PAGE, MADV_POPULATE_READ));
	char *n = map_anon(2 * PAGE, PROT_NONE);
	show_rc("populate_read_prot_none", madvise(n, PAGE, MADV_POPULATE_READ));
	say("prot_none_not_populated", "%s", res(n, 2));
}

int main(int argc, char **argv)
{
	(void)argc;
	fork_advice();
	file_advice(self_exe(argv[0]));
	other_advice();
	return 0;
}
