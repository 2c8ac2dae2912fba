/* uaccess: every kind of bad user pointer, handed to syscalls that read user
 * memory and to syscalls that write it. Each must return EFAULT and change
 * nothing (the file offset stays, the target page keeps its bytes, nothing
 * reaches stdout): the kernel checks and copies, it never faults itself.
 *
 * Pointer kinds: NULL, the first kernel-half address, the first non-canonical
 * address, a page just unmapped, a PROT_NONE page, the last byte below the
 * user-space ceiling (2^47 - 4096; an access there crosses it); and, for
 * writes only, a read-only page, the program's text and its rodata.
 * A path string at the last byte is left out: the stack may sit right below
 * the ceiling (always on Pagoda, without ASLR on Linux), and a zero byte
 * there is a valid empty path.
 */
#include <fcntl.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/sysinfo.h>
#include <sys/uio.h>
#include <sys/utsname.h>
#include "testlib.h"

struct kind {
	const char *name;
	void *ptr;
};

static int file_fd;
static char readonly_before[64];

static struct kind kinds[9];
static int nkinds_read, nkinds_write;

static void text_marker(void)
{
}

static void make_kinds(void)
{
	static const char rodata[64] = "rodata";
	char *none = map_anon(PAGE, PROT_NONE);
	char *ro = map_anon(PAGE, PROT_READ);
	struct kind common[] = {
		{ "null", NULL },
		{ "kernel", (void *)KERNEL_ADDR },
		{ "noncanonical", (void *)NONCANON_ADDR },
		{ "unmapped", unmapped_page() },
		{ "prot_none", none },
		{ "crossing_ceiling", (void *)(USER_TOP - 1) },
	};
	struct kind writes[] = {
		{ "readonly", ro },
		{ "text", (void *)text_marker },
		{ "rodata", (void *)rodata },
	};

	memcpy(kinds, common, sizeof common);
	nkinds_read = ARRAY_SIZE(common);
	memcpy(kinds + nkinds_read, writes, sizeof writes);
	nkinds_write = nkinds_read + ARRAY_SIZE(writes);
	memcpy(readonly_before, ro, sizeof readonly_before);
}

/* ---- syscalls that read user memory ---------------------------------- */

static long use_write(void *p) { return write(1, p, 8); }
static long use_open(void *p) { return open(p, O_RDONLY); }
static long use_stat(void *p) { return syscall(SYS_stat, p, &(struct stat){ 0 }); }
static long use_access(void *p) { return syscall(SYS_access, p, F_OK); }
static long use_nanosleep(void *p) { return syscall(SYS_nanosleep, p, NULL); }
static long use_sigprocmask(void *p) { return syscall(SYS_rt_sigprocmask, SIG_BLOCK, p, NULL, 8); }

static long use_writev_array(void *p)
{
	return writev(1, p, 1);
}

static long use_writev_base(void *p)
{
	struct iovec iov = { p, 8 };

	return writev(1, &iov, 1);
}

static long use_execve(void *p)
{
	char *argv[] = { "x", NULL };

	return execve(p, argv, NULL);
}

/* ---- syscalls that write user memory --------------------------------- */

static long use_read(void *p) { return read(file_fd, p, 8); }
static long use_fstat(void *p) { return syscall(SYS_fstat, file_fd, p); }
static long use_clock(void *p) { return syscall(SYS_clock_gettime, CLOCK_MONOTONIC, p); }
static long use_uname(void *p) { return syscall(SYS_uname, p); }
static long use_getcwd(void *p) { return syscall(SYS_getcwd, p, 64); }
static long use_sysinfo(void *p) { return syscall(SYS_sysinfo, p); }
static long use_getrusage(void *p) { return syscall(SYS_getrusage, RUSAGE_SELF, p); }
static long use_arch_prctl(void *p) { return syscall(SYS_arch_prctl, 0x1003, p); }
static long use_sigaction_old(void *p) { return syscall(SYS_rt_sigaction, SIGUSR1, NULL, p, 8); }
static long use_getdents(void *p) { return syscall(SYS_getdents64, file_fd, p, 4096); }

static long use_readv_base(void *p)
{
	struct iovec iov = { p, 8 };

	return readv(file_fd, &iov, 1);
}

static long use_wait4(void *p)
{
	pid_t pid = fork_flushed();
	long rc;
	int e;

	if (pid == 0)
		_exit(0);
	rc = wait4(pid, p, 0, NULL);
	if (rc == pid)
		return 0;
	e = errno;
	wait4(pid, NULL, WNOHANG, NULL);	/* already reaped on Linux */
	errno = e;
	return rc;
}

struct use {
	const char *name;
	long (*call)(void *);
	int is_path;	/* reads a NUL-terminated string */
};

static const struct use reads[] = {
	{ "write", use_write, 0 }, { "writev_array", use_writev_array, 0 },
	{ "writev_base", use_writev_base, 0 }, { "open", use_open, 1 },
	{ "stat", use_stat, 1 }, { "access", use_access, 1 },
	{ "execve", use_execve, 1 }, { "nanosleep", use_nanosleep, 0 },
	{ "sigprocmask_set", use_sigprocmask, 0 },
};

static const struct use writes[] = {
	{ "read", use_read, 0 }, { "readv_base", use_readv_base, 0 },
	{ "fstat", use_fstat, 0 }, { "clock_gettime", use_clock, 0 },
	{ "uname", use_uname, 0 }, { "getcwd", use_getcwd, 0 },
	{ "sysinfo", use_sysinfo, 0 }, { "getrusage", use_getrusage, 0 },
	{ "arch_prctl_get_fs", use_arch_prctl, 0 },
	{ "sigaction_old", use_sigaction_old, 0 }, { "wait4_status", use_wait4, 0 },
};

static void run_matrix(const struct use *uses, size_t n, int nkinds)
{
	char name[80];

	for (size_t u = 0; u < n; u++) {
		for (int k = 0; k < nkinds; k++) {
			if (uses[u].is_path && !strcmp(kinds[k].name, "crossing_ceiling"))
				continue;
			snprintf(name, sizeof name, "%s_%s", uses[u].name, kinds[k].name);
			fflush(stdout);
			show_rc(name, uses[u].call(kinds[k].ptr));
		}
	}
}

static void no_partial_effect(void)
{
	show_rc("offset_unchanged_after_efaults", lseek(file_fd, 0, SEEK_CUR));
	show_yes("readonly_page_unchanged",
		 memcmp(readonly_before, kinds[nkinds_read].ptr, 64) == 0);
}

static void getdents_case(const char *self)
{
	int dir = open(prog_dir(self), O_RDONLY | O_DIRECTORY);
	int saved = file_fd;

	file_fd = dir;
	show_rc("getdents_prot_none", use_getdents(kinds[4].ptr));
	show_rc("getdents_readonly", use_getdents(kinds[nkinds_read].ptr));
	file_fd = saved;
	close(dir);
}

int main(int argc, char **argv)
{
	(void)argc;
	file_fd = open(self_exe(argv[0]), O_RDONLY);
	make_kinds();
	run_matrix(reads, ARRAY_SIZE(reads), nkinds_read);
	run_matrix(writes, ARRAY_SIZE(writes), nkinds_write);
	no_partial_effect();
	getdents_case(argv[0]);
	return 0;
}
