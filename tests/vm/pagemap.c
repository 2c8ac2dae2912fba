/* pagemap: /proc/self/pagemap's 64-bit entries (present 63, swapped 62,
 * file/shared-anonymous 61, exclusively mapped 56, frame number 54..0) for
 * untouched, written, forked, copied and shared pages; the read rules
 * (8-byte offsets and counts, the end of user space); clear_refs' parsing and
 * return values. The soft-dirty bit (55) is left out: the host kernel may be
 * built without CONFIG_MEM_SOFT_DIRTY (then it reads 0 everywhere); user/
 * softdirty.c checks it where it is tracked. Frame numbers are shown only to
 * CAP_SYS_ADMIN (root here, and every Pagoda process). */
#include <fcntl.h>
#include <sys/mman.h>
#include <unistd.h>
#include "testlib.h"

#define PM_PRESENT   (1ull << 63)
#define PM_SWAP      (1ull << 62)
#define PM_FILE      (1ull << 61)
#define PM_EXCLUSIVE (1ull << 56)
#define PM_PFN       ((1ull << 55) - 1)

static int pm = -1;

static uint64_t entry_in(int fd, const void *p)
{
	uint64_t e = 0;
	if (lseek(fd, (off_t)((uintptr_t)p / PAGE * 8), SEEK_SET) < 0 || read(fd, &e, 8) != 8)
		setup_fail("pagemap read");
	return e;
}

static uint64_t entry(const void *p)
{
	return entry_in(pm, p);
}

/* The fields both kernels report, as "present=1 swap=0 file=0 excl=1 pfn=shown". */
static void show_entry(const char *name, const void *p)
{
	uint64_t e = entry(p);
	int pfn_ok = (e & PM_PFN) ? (e & PM_PRESENT) && geteuid() == 0 : 1;
	say(name, "present=%d swap=%d file=%d excl=%d pfn=%s", !!(e & PM_PRESENT), !!(e & PM_SWAP),
	    !!(e & PM_FILE), !!(e & PM_EXCLUSIVE), !pfn_ok ? "wrong" : (e & PM_PFN) ? "shown" : "none");
}

static uint64_t parent_pfn;

/* In a child, the fd opened by the parent still shows the parent's pages
 * ("self" is resolved at open); a new open shows the child's own. */
static int child_cow(void *arg)
{
	char *p = arg;
	int own = open("/proc/self/pagemap", O_RDONLY);
	show_entry("parent_page_seen_from_child", p);
	show_yes("child_shares_frame_before_write", (entry_in(own, p) & PM_PFN) == parent_pfn);
	p[0] = 2;
	show_entry("parent_page_after_child_write", p);
	show_yes("child_has_new_frame_after_write", (entry_in(own, p) & PM_PFN) != parent_pfn);
	show_yes("child_copy_exclusive", (entry_in(own, p) & PM_EXCLUSIVE) != 0);
	return 0;
}

static int child_shared(void *arg)
{
	volatile char *s = arg;
	int own = open("/proc/self/pagemap", O_RDONLY);
	show_yes("shared_in_child_present_before_touch", (entry_in(own, (void *)s) & PM_PRESENT) != 0);
	(void)s[0];
	show_entry("shared_parent_entry_after_child_read", (void *)s);
	show_yes("shared_child_same_frame", (entry_in(own, (void *)s) & PM_PFN) == parent_pfn);
	show_yes("shared_child_file_bit", (entry_in(own, (void *)s) & PM_FILE) != 0);
	return 0;
}

static void read_rules(void)
{
	uint64_t buf[4];
	lseek(pm, 1, SEEK_SET);
	show_rc("read_unaligned_offset", read(pm, buf, 8));
	lseek(pm, 0, SEEK_SET);
	show_rc("read_unaligned_count", read(pm, buf, 12));
	show_rc("read_zero_count", read(pm, buf, 0));
	lseek(pm, (off_t)((USER_TOP / PAGE - 1) * 8), SEEK_SET);
	show_rc("read_last_page_of_two", read(pm, buf, 16));
	show_rc("read_past_end", read(pm, buf, 8));
	lseek(pm, 0, SEEK_SET);
	show_rc("read_four", read(pm, buf, 32));
	show_rc("write_pagemap", write(open("/proc/self/pagemap", O_RDWR), "4", 1));
}

static void clear_refs_rules(void)
{
	int fd = open("/proc/self/clear_refs", O_RDWR);
	show_ok("open_clear_refs", fd);
	char c;
	show_rc("read_clear_refs", read(fd, &c, 1));
	static const char *const inputs[] = { "4", "1", "2", "3", "5", " 4\n", "0", "6", "-1", "abc", "4x", "",
					      "4                   ", "99999999999" };
	for (unsigned i = 0; i < ARRAY_SIZE(inputs); i++) {
		char name[40];
		snprintf(name, sizeof name, "clear_refs_input_%u", i);
		show_rc(name, write(fd, inputs[i], strlen(inputs[i])));
	}
	close(fd);
}

/* One read of many entries (crossing page tables, a hole between two areas,
 * a count that is no multiple of any batch) gives what reading each page's
 * entry alone gives. No huge pages: the host would map some of them. */
static void bulk_read(void)
{
	enum { PAGES = 1536, HOLE = 700, HOLE_PAGES = 10, FIRST = 3 };
	static uint64_t bulk[PAGES];
	char *p = map_anon(PAGES * PAGE, PROT_READ | PROT_WRITE);
	madvise(p, PAGES * PAGE, MADV_NOHUGEPAGE);
	for (unsigned i = 0; i < PAGES; i += 7)
		p[(size_t)i * PAGE] = 1;
	munmap(p + (size_t)HOLE * PAGE, HOLE_PAGES * PAGE);
	size_t n = PAGES - FIRST - 2;
	ssize_t got = lseek(pm, (off_t)((uintptr_t)p / PAGE + FIRST) * 8, SEEK_SET) < 0 ? -1 : read(pm, bulk, n * 8);
	unsigned same = 0, present = 0, hole_zero = 0;
	for (size_t i = 0; i < n; i++) {
		size_t page = FIRST + i;
		same += bulk[i] == entry(p + page * PAGE);
		present += page % 7 == 0 && page - HOLE >= HOLE_PAGES && (bulk[i] & PM_PRESENT);
		hole_zero += page - HOLE < HOLE_PAGES && bulk[i] == 0;
	}
	say("bulk_read", "bytes=%zd same_as_single=%u of %zu touched_present=%u hole_zero=%u", got, same, n, present,
	    hole_zero);
	munmap(p, PAGES * PAGE);
}

int main(void)
{
	pm = open("/proc/self/pagemap", O_RDONLY);
	show_ok("open_pagemap", pm);
	if (pm < 0)
		return 0;
	char *p = map_anon(4 * PAGE, PROT_READ | PROT_WRITE);
	show_entry("untouched", p);
	p[0] = 1;
	show_entry("written", p);
	show_entry("neighbour_untouched", p + PAGE);
	show_entry("hole", unmapped_page());
	parent_pfn = entry(p) & PM_PFN;
	show_child("child_cow", child_cow, p);
	show_entry("parent_after_child", p);
	show_yes("parent_frame_kept", (entry(p) & PM_PFN) == parent_pfn);

	char *s = map_shared(PAGE);
	show_entry("shared_untouched", s);
	s[0] = 1;
	show_entry("shared_written", s);
	parent_pfn = entry(s) & PM_PFN;
	show_child("child_shared", child_shared, s);

	int fd = open("/proc/self/clear_refs", O_WRONLY);
	show_rc("clear_soft_dirty", write(fd, "4", 1));
	close(fd);
	p[PAGE] = 3;
	s[0] = 4;
	show_entry("written_after_clear", p + PAGE);
	show_entry("shared_after_clear", s);
	say("values_kept", "%d %d %d", p[0], p[PAGE], s[0]);

	bulk_read();
	read_rules();
	clear_refs_rules();
	return 0;
}
