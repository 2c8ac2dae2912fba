/* tests/testlib.h: the helpers every differential user test is written with.
 *
 * A test program is one behaviour group. It prints one line per case,
 *
 *     case_name: observed result
 *
 * and exits 0. The same static binary runs on the host Linux (the oracle) and
 * on Pagoda, and the harness compares the two outputs line by line. What is
 * always true of the output, and what these helpers exist to guarantee:
 *   - nothing printed depends on pids, addresses, times, ASLR or the directory
 *     the program lives in: tests print relations ("yes"), decoded statuses
 *     ("killed by SIGSEGV") and errno names ("-1 EFAULT"), never raw values
 *     that differ between runs;
 *   - stdout is flushed before every fork and every exit path (child_run,
 *     probe_*, flush_out), so a child never prints its parent's buffered lines
 *     a second time;
 *   - a child that is expected to die prints nothing before it dies.
 *
 * Raw syscall() is used wherever libc would hide the kernel's answer (mmap's
 * length check, brk's raw return value, stat's fallback paths).
 *
 * The program directory is taken from argv[0] ("/bin" on Pagoda, the build
 * directory on the host) so tests can execve each other and open the data
 * file "notelf" (a text file the harness puts beside the binaries).
 */
#ifndef PAGODA_TESTLIB_H
#define PAGODA_TESTLIB_H

#include <errno.h>
#include <signal.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <sched.h>
#include <time.h>
#include <unistd.h>

#define ARRAY_SIZE(a) (sizeof(a) / sizeof((a)[0]))

enum { PAGE = 4096 };

/* Addresses every EFAULT case uses: the first kernel-half address, the first
 * non-canonical address above user space, and the user-space ceiling
 * (Linux's TASK_SIZE: 2^47 minus one page). */
static const uintptr_t KERNEL_ADDR = 0xffff800000000000ul;
static const uintptr_t NONCANON_ADDR = 0x0000800000000000ul;
static const uintptr_t USER_TOP = 0x00007ffffffff000ul;

/* ---- names ------------------------------------------------------------- */

static const char *const errno_names[] = {
	[EPERM] = "EPERM", [ENOENT] = "ENOENT", [ESRCH] = "ESRCH",
	[EINTR] = "EINTR", [EIO] = "EIO", [ENXIO] = "ENXIO", [E2BIG] = "E2BIG",
	[ENOEXEC] = "ENOEXEC", [EBADF] = "EBADF", [ECHILD] = "ECHILD",
	[EAGAIN] = "EAGAIN", [ENOMEM] = "ENOMEM", [EACCES] = "EACCES",
	[EFAULT] = "EFAULT", [EBUSY] = "EBUSY", [EEXIST] = "EEXIST",
	[EXDEV] = "EXDEV", [ENODEV] = "ENODEV", [ENOTDIR] = "ENOTDIR",
	[EISDIR] = "EISDIR", [EINVAL] = "EINVAL", [ENFILE] = "ENFILE",
	[EMFILE] = "EMFILE", [ENOTTY] = "ENOTTY", [EFBIG] = "EFBIG",
	[ENOSPC] = "ENOSPC", [ESPIPE] = "ESPIPE", [EROFS] = "EROFS",
	[EMLINK] = "EMLINK", [EPIPE] = "EPIPE", [EDOM] = "EDOM",
	[ERANGE] = "ERANGE", [ENAMETOOLONG] = "ENAMETOOLONG",
	[ENOSYS] = "ENOSYS", [ENOTEMPTY] = "ENOTEMPTY", [ELOOP] = "ELOOP",
	[EOVERFLOW] = "EOVERFLOW", [EOPNOTSUPP] = "EOPNOTSUPP",
	[ETIMEDOUT] = "ETIMEDOUT",
};

static const char *const signal_names[] = {
	[SIGHUP] = "SIGHUP", [SIGINT] = "SIGINT", [SIGQUIT] = "SIGQUIT",
	[SIGILL] = "SIGILL", [SIGTRAP] = "SIGTRAP", [SIGABRT] = "SIGABRT",
	[SIGBUS] = "SIGBUS", [SIGFPE] = "SIGFPE", [SIGKILL] = "SIGKILL",
	[SIGUSR1] = "SIGUSR1", [SIGSEGV] = "SIGSEGV", [SIGUSR2] = "SIGUSR2",
	[SIGPIPE] = "SIGPIPE", [SIGALRM] = "SIGALRM", [SIGTERM] = "SIGTERM",
	[SIGCHLD] = "SIGCHLD", [SIGCONT] = "SIGCONT", [SIGSTOP] = "SIGSTOP",
	[SIGSYS] = "SIGSYS",
};

/* errno_name: "EINVAL" for a known number, "E<n>" otherwise. The buffer is
 * static: use the result before the next call. */
static inline const char *errno_name(int e)
{
	static char unknown[16];

	if (e > 0 && (size_t)e < ARRAY_SIZE(errno_names) && errno_names[e])
		return errno_names[e];
	snprintf(unknown, sizeof unknown, "E%d", e);
	return unknown;
}

static inline const char *signal_name(int s)
{
	static char unknown[16];

	if (s > 0 && (size_t)s < ARRAY_SIZE(signal_names) && signal_names[s])
		return signal_names[s];
	snprintf(unknown, sizeof unknown, "SIG%d", s);
	return unknown;
}

/* status_str: a wait status decoded the way the expected outputs spell it.
 * The core-dump bit is ignored on purpose: it depends on the host's limits. */
static inline const char *status_str(int st)
{
	static char buf[48];

	if (WIFEXITED(st))
		snprintf(buf, sizeof buf, "exited %d", WEXITSTATUS(st));
	else if (WIFSIGNALED(st))
		snprintf(buf, sizeof buf, "killed by %s", signal_name(WTERMSIG(st)));
	else
		snprintf(buf, sizeof buf, "status 0x%x", st);
	return buf;
}

/* ---- printing one case ------------------------------------------------- */

__attribute__((format(printf, 2, 3)))
static inline void say(const char *name, const char *fmt, ...)
{
	va_list ap;

	printf("%s: ", name);
	va_start(ap, fmt);
	vprintf(fmt, ap);
	va_end(ap);
	putchar('\n');
}

/* show_rc: for a libc-style call whose success value is deterministic (0, a
 * byte count): prints it, or "-1 ENAME". Pass the call itself as rc, so errno
 * is read before anything else can change it. */
static inline void show_rc(const char *name, long rc)
{
	int e = errno;

	if (rc == -1)
		say(name, "-1 %s", errno_name(e));
	else
		say(name, "%ld", rc);
}

/* show_ok: for a call whose success value is not deterministic (an fd, a pid,
 * an address): prints "ok" or "-1 ENAME". */
static inline void show_ok(const char *name, long rc)
{
	int e = errno;

	if (rc == -1)
		say(name, "-1 %s", errno_name(e));
	else
		say(name, "ok");
}

static inline void show_yes(const char *name, int cond)
{
	say(name, "%s", cond ? "yes" : "no");
}

static inline void show_status(const char *name, int st)
{
	say(name, "%s", status_str(st));
}

static inline void flush_out(void)
{
	fflush(stdout);
}

/* setup_fail: a precondition of the test itself broke (not a case result);
 * the line names it and the non-zero exit makes the harness report it. */
static inline void setup_fail(const char *what)
{
	int e = errno;

	printf("setup_failed: %s: %s\n", what, errno_name(e));
	fflush(stdout);
	_exit(1);
}

/* ---- raw syscalls ------------------------------------------------------ */

/* sys_mmap: the kernel's mmap, without musl's length and offset checks.
 * Returns the address, or -1 with errno set. */
static inline long sys_mmap(uintptr_t addr, size_t len, int prot, int flags,
			    int fd, long off)
{
	return syscall(SYS_mmap, addr, len, prot, flags, fd, off);
}

static inline long sys_munmap(uintptr_t addr, size_t len)
{
	return syscall(SYS_munmap, addr, len);
}

static inline long sys_mprotect(uintptr_t addr, size_t len, int prot)
{
	return syscall(SYS_mprotect, addr, len, prot);
}

/* sys_brk: the raw break (brk never fails with an errno: a refusal returns
 * the old break). */
static inline uintptr_t sys_brk(uintptr_t want)
{
	return (uintptr_t)syscall(SYS_brk, want);
}

static inline long sys_gettid(void)
{
	return syscall(SYS_gettid);
}

/* map_anon: a private anonymous mapping the test needs in order to run; a
 * failure is a setup failure, not a case. */
static inline char *map_anon(size_t len, int prot)
{
	long p = sys_mmap(0, len, prot, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);

	if (p == -1)
		setup_fail("mmap");
	return (char *)p;
}

static inline char *map_shared(size_t len)
{
	long p = sys_mmap(0, len, PROT_READ | PROT_WRITE,
			  MAP_SHARED | MAP_ANONYMOUS, -1, 0);

	if (p == -1)
		setup_fail("mmap shared");
	return (char *)p;
}

/* unmapped_page: an address that was mapped a moment ago and is now a hole. */
static inline char *unmapped_page(void)
{
	char *p = map_anon(PAGE, PROT_READ | PROT_WRITE);

	sys_munmap((uintptr_t)p, PAGE);
	return p;
}

/* reserve: a window of n pages that nothing else uses, mapped PROT_NONE so
 * that its neighbourhood stays fixed; tests place MAP_FIXED mappings inside
 * it, and an access that strays onto a reserved page faults. */
static inline char *reserve(size_t pages)
{
	return map_anon(pages * PAGE, PROT_NONE);
}

/* place: a private anonymous RW mapping of n pages at exactly p. */
static inline char *place(char *p, size_t pages, int prot)
{
	long r = sys_mmap((uintptr_t)p, pages * PAGE, prot,
			  MAP_PRIVATE | MAP_ANONYMOUS | MAP_FIXED, -1, 0);

	if (r != (long)p)
		setup_fail("mmap fixed");
	return p;
}

/* ---- signal handlers --------------------------------------------------- */

/* set_handler: sigaction with an empty sa_mask; SA_SIGINFO in flags makes
 * fn a three-argument handler. */
static inline void set_handler(int sig, void *fn, int flags)
{
	struct sigaction sa;

	memset(&sa, 0, sizeof sa);
	if (flags & SA_SIGINFO)
		sa.sa_sigaction = (void (*)(int, siginfo_t *, void *))fn;
	else
		sa.sa_handler = (void (*)(int))fn;
	sa.sa_flags = flags;
	sigemptyset(&sa.sa_mask);
	if (sigaction(sig, &sa, NULL))
		setup_fail("sigaction");
}

/* ---- children ---------------------------------------------------------- */

/* reap: wait for pid and return its raw status (setup failure if the wait
 * itself fails). */
static inline int reap(pid_t pid)
{
	int st = 0;

	if (wait4(pid, &st, 0, NULL) != pid)
		setup_fail("wait4");
	return st;
}

static inline pid_t fork_flushed(void)
{
	pid_t pid;

	fflush(stdout);
	pid = fork();
	if (pid < 0)
		setup_fail("fork");
	return pid;
}

/* child_run: run fn(arg) in a child and return its raw wait status. The child
 * exits with fn's return value, after flushing what it printed. */
static inline int child_run(int (*fn)(void *), void *arg)
{
	pid_t pid = fork_flushed();
	int code;

	if (pid == 0) {
		code = fn(arg);
		fflush(stdout);
		_exit(code);
	}
	return reap(pid);
}

static inline void show_child(const char *name, int (*fn)(void *), void *arg)
{
	show_status(name, child_run(fn, arg));
}

/* ---- access probes: does a user access at p fault? --------------------- */

static inline int probe_read_fn(void *p)
{
	return *(volatile char *)p & 0;
}

static inline int probe_write_fn(void *p)
{
	volatile char *c = p;

	*c = *c;
	return 0;
}

static inline int probe_exec_fn(void *p)
{
	((void (*)(void))p)();
	return 0;
}

/* can_read/can_write/can_exec: 1 when the access completes in a child,
 * 0 when the child is killed by SIGSEGV (any other end is a setup failure). */
static inline int probe_with(int (*fn)(void *), void *p)
{
	int st = child_run(fn, p);

	if (WIFEXITED(st) && WEXITSTATUS(st) == 0)
		return 1;
	if (WIFSIGNALED(st) && WTERMSIG(st) == SIGSEGV)
		return 0;
	printf("probe_unexpected: %s\n", status_str(st));
	return 0;
}

static inline int can_read(void *p)
{
	return probe_with(probe_read_fn, p);
}

static inline int can_write(void *p)
{
	return probe_with(probe_write_fn, p);
}

/* can_exec: p must hold a `ret` instruction (copy_ret). */
static inline int can_exec(void *p)
{
	return probe_with(probe_exec_fn, p);
}

/* access_str: "rw", "r-" or "--" as user accesses at p find it. A write is
 * probed only when a read works (x86 has no write-only pages). */
static inline const char *access_str(void *p)
{
	if (!can_read(p))
		return "--";
	return can_write(p) ? "rw" : "r-";
}

static inline void show_access(const char *name, void *p)
{
	say(name, "%s", access_str(p));
}

/* copy_ret: put one `ret` (0xc3) at p, so calling p returns at once where
 * execution is allowed. */
static inline void copy_ret(void *p)
{
	*(volatile unsigned char *)p = 0xc3;
}

/* ---- shared flags between parent and child ----------------------------- */

/* wait_for: spin (yielding) until *flag reaches want. The harness timeout is
 * the bound: a kernel that loses the shared write hangs and fails. */
static inline void wait_for(volatile int *flag, int want)
{
	while (*flag != want)
		sched_yield();
}

/* sleep_ms: nanosleep that survives being cut short. */
static inline void sleep_ms(long ms)
{
	struct timespec ts = { ms / 1000, (ms % 1000) * 1000000L };

	while (nanosleep(&ts, &ts) == -1 && errno == EINTR)
		;
}

/* spawn_blocked: a child that only ends when killed. */
static inline pid_t spawn_blocked(void)
{
	pid_t pid = fork_flushed();

	if (pid == 0)
		for (;;)
			sleep_ms(1000);
	return pid;
}

/* wait_gone: wait until pid, no longer our child (an orphan), has been reaped
 * by its new parent, so a test never ends with a process of its own still
 * holding memory (the runner compares free memory after each test). */
static inline void wait_gone(pid_t pid)
{
	struct timespec start, now;

	/* bounded at 60 s, only so that a reaper that never comes cannot hang the
	 * test (the runner's free-memory check then reports the process left
	 * behind); no correct kernel comes near it, however loaded the machine */
	clock_gettime(CLOCK_MONOTONIC, &start);
	do {
		if (kill(pid, 0) != 0)
			return;
		sched_yield();
		clock_gettime(CLOCK_MONOTONIC, &now);
	} while (now.tv_sec - start.tv_sec < 60);
}

/* ---- where the program lives ------------------------------------------- */

enum { PATH_LEN = 600 };

/* self_exe: the path of this program: argv0 itself when it contains '/',
 * else where the shell found the name: /bin/argv0, or /test/argv0 (Pagoda's
 * test programs). Tests open and re-execute themselves through it, so they
 * work whatever the current directory is. */
static inline const char *self_exe(const char *argv0)
{
	static char path[PATH_LEN];

	if (strchr(argv0, '/'))
		return argv0;
	snprintf(path, sizeof path, "/bin/%s", argv0);
	if (access(path, X_OK) != 0)
		snprintf(path, sizeof path, "/test/%s", argv0);
	return path;
}

/* prog_dir: the directory of this program (of self_exe(argv0)). */
static inline const char *prog_dir(const char *argv0)
{
	static char dir[512];

	argv0 = self_exe(argv0);
	const char *slash = strrchr(argv0, '/');

	snprintf(dir, sizeof dir, "%.*s", (int)(slash - argv0), argv0);
	if (dir[0] == '\0')
		snprintf(dir, sizeof dir, "/");
	return dir;
}

/* prog_path: dir/name in a caller buffer of PATH_LEN bytes. */

static inline char *prog_path(char *buf, const char *argv0, const char *name)
{
	snprintf(buf, PATH_LEN, "%s/%s", prog_dir(argv0), name);
	return buf;
}

/* fill / check: a byte pattern that depends on the offset and a seed, so a
 * page that moved or was shared by mistake shows up. */
static inline void fill(char *p, size_t len, int seed)
{
	for (size_t i = 0; i < len; i += 64)
		p[i] = (char)(i / 64 * 7 + seed);
}

static inline int check(const char *p, size_t len, int seed)
{
	for (size_t i = 0; i < len; i += 64)
		if (p[i] != (char)(i / 64 * 7 + seed))
			return 0;
	return 1;
}

/* check_bytes: every byte of p is c. */
static inline int check_bytes(const char *p, size_t len, char c)
{
	for (size_t i = 0; i < len; i++)
		if (p[i] != c)
			return 0;
	return 1;
}

static inline int all_zero(const char *p, size_t len)
{
	for (size_t i = 0; i < len; i++)
		if (p[i])
			return 0;
	return 1;
}

/* ---- a scratch directory on a tmpfs --------------------------------------- */

/* scratch_dir: a new empty directory for a file-system test, on a tmpfs:
 * inside $TEST_TMPDIR if set, else /dev/shm (a tmpfs on Linux and Pagoda).
 * The name has the pid in it, so it is never printed. rm_scratch removes
 * it again (its files must be gone first). */
static inline const char *scratch_dir(const char *test)
{
	static char dir[PATH_LEN];
	const char *base = getenv("TEST_TMPDIR");

	snprintf(dir, sizeof dir, "%s/%s.%d", base && *base ? base : "/dev/shm", test, (int)getpid());
	if (mkdir(dir, 0755) != 0) {
		setup_fail("mkdir scratch directory");
		exit(1);
	}
	return dir;
}

#endif
