/* kwrite: the kernel reading and writing user pages nobody has touched yet
 * (copy_to_user must resolve the demand-zero fault, not fail), across page
 * boundaries, in the heap, in a page just made writable, in shared memory,
 * and in copy-on-write pages of a child (the parent's copy must not change).
 */
#include <fcntl.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/sysinfo.h>
#include <sys/uio.h>
#include <sys/utsname.h>
#include "testlib.h"

static const char *self;
static char reference[3 * PAGE];

/* straddle: a fresh two-page mapping and a pointer `before` bytes ahead of
 * its page boundary, so an object written there spans both pages. */
static char *straddle(size_t before)
{
	return map_anon(2 * PAGE, PROT_READ | PROT_WRITE) + PAGE - before;
}

static void file_reads(void)
{
	int fd = open(self, O_RDONLY);
	char *fresh = map_anon(4 * PAGE, PROT_READ | PROT_WRITE);
	char *a = map_anon(PAGE, PROT_READ | PROT_WRITE);
	char *b = map_anon(2 * PAGE, PROT_READ | PROT_WRITE);
	struct iovec iov[2] = { { a + 100, 1000 }, { b + PAGE - 50, 2000 } };

	read(fd, reference, sizeof reference);
	lseek(fd, 0, SEEK_SET);
	show_rc("read_3_pages_into_fresh_at_100", read(fd, fresh + 100, 3 * PAGE));
	show_yes("read_into_fresh_matches", !memcmp(fresh + 100, reference, 3 * PAGE));
	show_yes("read_into_fresh_rest_zero", all_zero(fresh, 100) &&
		 all_zero(fresh + 100 + 3 * PAGE, PAGE - 100));
	lseek(fd, 0, SEEK_SET);
	show_rc("readv_into_fresh", readv(fd, iov, 2));
	show_yes("readv_into_fresh_matches", !memcmp(a + 100, reference, 1000) &&
		 !memcmp(b + PAGE - 50, reference + 1000, 2000));
	uintptr_t heap = sys_brk(0);
	sys_brk(heap + 2 * PAGE);
	lseek(fd, 0, SEEK_SET);
	show_rc("read_into_fresh_heap", read(fd, (char *)heap, 2 * PAGE));
	show_yes("read_into_fresh_heap_matches", !memcmp((char *)heap, reference, 2 * PAGE));
	sys_brk(heap);
	char *p = map_anon(PAGE, PROT_NONE);
	sys_mprotect((uintptr_t)p, PAGE, PROT_READ | PROT_WRITE);
	lseek(fd, 0, SEEK_SET);
	show_rc("read_into_page_made_writable", read(fd, p, 64));
	close(fd);
}

static void struct_writes(void)
{
	int fd = open(self, O_RDONLY);
	struct stat *st = (struct stat *)straddle(40);
	struct timespec *ts = (struct timespec *)straddle(8);
	struct utsname *u = (struct utsname *)straddle(100);
	struct sysinfo *si = (struct sysinfo *)straddle(24);
	struct rusage *ru = (struct rusage *)straddle(16);
	char *cwd = straddle(1);
	unsigned long *fs = (unsigned long *)straddle(4);
	int *status = (int *)straddle(2);

	show_rc("fstat_straddling_fresh", syscall(SYS_fstat, fd, st));
	show_yes("fstat_straddling_regular", S_ISREG(st->st_mode) && st->st_size > 3 * PAGE);
	show_rc("clock_straddling_fresh", syscall(SYS_clock_gettime, CLOCK_MONOTONIC, ts));
	show_rc("uname_straddling_fresh", syscall(SYS_uname, u));
	show_yes("uname_straddling_machine", !strcmp(u->machine, "x86_64"));
	show_rc("sysinfo_straddling_fresh", syscall(SYS_sysinfo, si));
	show_rc("getrusage_straddling_fresh", syscall(SYS_getrusage, RUSAGE_SELF, ru));
	show_yes("getcwd_straddling_fresh", syscall(SYS_getcwd, cwd, 256) > 0 && cwd[0] == '/');
	show_rc("arch_prctl_straddling_fresh", syscall(SYS_arch_prctl, 0x1003, fs));
	pid_t pid = fork_flushed();
	if (pid == 0)
		_exit(21);
	show_yes("wait4_straddling_fresh", wait4(pid, status, 0, NULL) == pid);
	show_status("wait4_straddling_status", *status);
	close(fd);
}

static void kernel_reads_fresh(void)
{
	char *path = map_anon(PAGE, PROT_READ | PROT_WRITE);
	struct iovec *iov = (struct iovec *)map_anon(PAGE, PROT_READ | PROT_WRITE);
	struct timespec *req = (struct timespec *)map_anon(PAGE, PROT_READ | PROT_WRITE);

	show_rc("open_path_in_fresh_page", open(path, O_RDONLY));
	fflush(stdout);
	show_rc("writev_iovs_in_fresh_page", writev(1, iov, 4));
	show_rc("nanosleep_req_in_fresh_page", syscall(SYS_nanosleep, req, NULL));
}

static int child_kernel_writes(void *arg)
{
	char *p = arg;
	int fd = open(self, O_RDONLY);

	if (read(fd, p, PAGE) != PAGE)
		return 1;
	if (syscall(SYS_fstat, fd, p + PAGE) != 0)
		return 2;
	if (syscall(SYS_clock_gettime, CLOCK_MONOTONIC, p + 2 * PAGE) != 0)
		return 3;
	return memcmp(p, reference, PAGE) == 0 ? 0 : 4;
}

static void cow_targets(void)
{
	char *p = map_anon(3 * PAGE, PROT_READ | PROT_WRITE);

	memset(p, 'q', 3 * PAGE);
	show_child("child_kernel_writes_cow", child_kernel_writes, p);
	show_yes("parent_pages_unchanged", check_bytes(p, 3 * PAGE, 'q'));
	char *s = map_shared(3 * PAGE);
	show_child("child_kernel_writes_shared", child_kernel_writes, s);
	show_yes("parent_sees_shared_kernel_write", !memcmp(s, reference, PAGE));
	char *u = map_anon(3 * PAGE, PROT_READ | PROT_WRITE);
	show_child("child_kernel_writes_untouched", child_kernel_writes, u);
	show_yes("parent_untouched_still_zero", all_zero(u, 3 * PAGE));
}

int main(int argc, char **argv)
{
	(void)argc;
	self = self_exe(argv[0]);
	file_reads();
	struct_writes();
	kernel_reads_fresh();
	cow_targets();
	return 0;
}
