/* mlock: mlock, mlock2, munlock, mlockall, munlockall, MAP_LOCKED, and
 * RLIMIT_MEMLOCK, observed through mincore (a locked page is resident
 * without being touched).
 *
 * The cases run in a child that first gives up root (setuid(65534)): root
 * with CAP_IPC_LOCK passes RLIMIT_MEMLOCK on Linux; Pagoda's processes
 * have no CAP_IPC_LOCK (setuid is accepted there and changes nothing).
 */
#define _GNU_SOURCE
#include <sys/mman.h>
#include <sys/resource.h>
#include "testlib.h"

#define MLOCK_ONFAULT_ 1
#define MCL_CURRENT_ 1
#define MCL_FUTURE_ 2
#define MCL_ONFAULT_ 4

static const char *res(const char *p, size_t pages)
{
	static char out[64];
	unsigned char v[64];
	if (mincore((void *)p, pages * PAGE, v))
		return "error";
	for (size_t i = 0; i < pages && i < 63; i++)
		out[i] = v[i] & 1 ? '1' : '0';
	out[pages < 63 ? pages : 63] = 0;
	return out;
}

/* VmLck from /proc/self/status, in kB (-1 if absent). */
static long vmlck(void)
{
	FILE *f = fopen("/proc/self/status", "r");
	char line[256];
	long kb = -1;
	while (f && fgets(line, sizeof(line), f))
		if (sscanf(line, "VmLck: %ld kB", &kb) == 1)
			break;
	if (f)
		fclose(f);
	return kb;
}

static void set_limit(size_t bytes)
{
	struct rlimit r = { bytes, bytes };
	if (setrlimit(RLIMIT_MEMLOCK, &r))
		setup_fail("setrlimit");
}

static void basics(void)
{
	char *p = map_anon(32 * PAGE, PROT_READ | PROT_WRITE);
	show_rc("mlock_8_pages", mlock(p, 8 * PAGE));
	say("locked_pages_resident", "%s", res(p, 10));
	say("vmlck_kb", "%ld", vmlck());
	show_rc("mlock_16_more_over_limit", mlock(p + 8 * PAGE, 16 * PAGE));
	say("refused_range_untouched", "%s", res(p + 8 * PAGE, 4));
	show_rc("mlock_same_again", mlock(p, 8 * PAGE));
	show_rc("mlock_unaligned_start", mlock(p + 100, PAGE));
	show_rc("munlock_8", munlock(p, 8 * PAGE));
	say("vmlck_kb_after_munlock", "%ld", vmlck());
	show_rc("mlock_16_after_unlock", mlock(p + 8 * PAGE, 16 * PAGE));
	show_rc("munlock_all_of_it", munlock(p, 32 * PAGE));
	show_rc("mlock_len_zero", mlock(p, 0));
	show_rc("mlock_hole_start", mlock(unmapped_page(), PAGE));
	char *q = map_anon(4 * PAGE, PROT_READ | PROT_WRITE);
	sys_munmap((uintptr_t)(q + 2 * PAGE), 2 * PAGE);
	show_rc("mlock_hole_after", mlock(q, 4 * PAGE));
	say("hole_after_first_part_locked", "%s", res(q, 2));
	munlock(q, 2 * PAGE);
	show_rc("mlock2_bad_flags", syscall(SYS_mlock2, p, PAGE, 2));
	char *f = map_anon(4 * PAGE, PROT_READ | PROT_WRITE);
	show_rc("mlock2_onfault", syscall(SYS_mlock2, f, 4 * PAGE, MLOCK_ONFAULT_));
	say("onfault_not_populated", "%s", res(f, 4));
	f[PAGE] = 1;
	say("onfault_after_touch", "%s", res(f, 4));
	munlock(f, 4 * PAGE);
	char *n = map_anon(2 * PAGE, PROT_NONE);
	show_rc("mlock_prot_none", mlock(n, 2 * PAGE));
	munlock(n, 2 * PAGE);
	show_rc("madvise_dontneed_locked_area", (mlock(p, PAGE), madvise(p, PAGE, MADV_DONTNEED)));
	show_rc("madvise_dontneed_locked_advice", madvise(p, PAGE, 24));
	munlock(p, PAGE);
}

static void all_and_future(void)
{
	show_rc("mlockall_zero", mlockall(0));
	show_rc("mlockall_onfault_alone", mlockall(MCL_ONFAULT_));
	show_rc("mlockall_bad_bit", mlockall(8));
	show_rc("mlockall_current_over_limit", mlockall(MCL_CURRENT_));
	show_rc("mlockall_future", mlockall(MCL_FUTURE_));
	long m = sys_mmap(0, 4 * PAGE, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	say("future_mapping_populated", "%s", m == -1 ? "mmap failed" : res((char *)m, 4));
	show_rc("future_mapping_over_limit",
		sys_mmap(0, 64 * PAGE, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0) == -1 ? -1 : 0);
	pid_t pid = fork_flushed();
	if (pid == 0) {   /* the child inherits neither the locks nor MCL_FUTURE */
		long c = sys_mmap(0, 4 * PAGE, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
		_exit(c != -1 && !strcmp(res((char *)c, 4), "0000") ? 0 : 1);
	}
	show_status("child_not_locked", reap(pid));
	show_rc("munlockall", munlockall());
	long u = sys_mmap(0, 64 * PAGE, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	say("after_munlockall_not_populated", "%s", u == -1 ? "mmap failed" : res((char *)u, 4));
	long l = sys_mmap(0, 4 * PAGE, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS | MAP_LOCKED, -1, 0);
	say("map_locked_populated", "%s", l == -1 ? "mmap failed" : res((char *)l, 4));
	show_rc("mremap_locked_growth_over_limit",
		l == -1 ? 0 : syscall(SYS_mremap, l, 4 * PAGE, 64 * PAGE, MREMAP_MAYMOVE, 0) == -1 ? -1 : 0);
	long g = syscall(SYS_mremap, l, 4 * PAGE, 6 * PAGE, MREMAP_MAYMOVE, 0);
	say("mremap_locked_growth_populated", "%s", g == -1 ? "mremap failed" : res((char *)g, 6));
	munlockall();
	set_limit(0);
	show_rc("mlock_limit_zero", mlock((void *)u, PAGE));
	show_rc("munlock_limit_zero", munlock((void *)u, PAGE));
	show_rc("map_locked_limit_zero",
		sys_mmap(0, PAGE, PROT_READ, MAP_PRIVATE | MAP_ANONYMOUS | MAP_LOCKED, -1, 0) == -1 ? -1 : 0);
	show_rc("mlockall_limit_zero", mlockall(MCL_FUTURE_));
}

int main(void)
{
	pid_t pid = fork_flushed();
	if (pid == 0) {
		if (setuid(65534))
			setup_fail("setuid");
		set_limit(16 * PAGE);
		basics();
		all_and_future();
		fflush(stdout);
		_exit(0);
	}
	show_status("cases_ran", reap(pid));
	return 0;
}
