/*
 * The Linux x86-64 user ABI that Pagoda implements, in one place: syscall
 * numbers (arch/x86/entry/syscalls/syscall_64.tbl), flags and structures as
 * the man pages give them. errno values are in errno.h.
 */
#ifndef PAGODA_LINUX_ABI_H
#define PAGODA_LINUX_ABI_H

#include "types.h"

/* ---- syscall numbers (syscall(2)) ---- */
enum {
	__NR_read = 0, __NR_write = 1, __NR_open = 2, __NR_close = 3, __NR_stat = 4, __NR_fstat = 5,
	__NR_lstat = 6, __NR_poll = 7, __NR_lseek = 8, __NR_mmap = 9, __NR_mprotect = 10, __NR_munmap = 11,
	__NR_brk = 12, __NR_rt_sigaction = 13, __NR_rt_sigprocmask = 14, __NR_ioctl = 16,
	__NR_pread64 = 17, __NR_readv = 19, __NR_writev = 20, __NR_access = 21, __NR_pipe = 22,
	__NR_sched_yield = 24, __NR_madvise = 28, __NR_dup = 32, __NR_dup2 = 33, __NR_nanosleep = 35,
	__NR_getpid = 39, __NR_clone = 56, __NR_fork = 57, __NR_vfork = 58, __NR_execve = 59,
	__NR_exit = 60, __NR_wait4 = 61, __NR_kill = 62, __NR_uname = 63, __NR_fcntl = 72,
	__NR_getcwd = 79, __NR_chdir = 80, __NR_readlink = 89, __NR_umask = 95, __NR_gettimeofday = 96,
	__NR_getrlimit = 97, __NR_getrusage = 98, __NR_sysinfo = 99, __NR_times = 100,
	__NR_getuid = 102, __NR_getgid = 104, __NR_setuid = 105, __NR_setgid = 106, __NR_geteuid = 107,
	__NR_getegid = 108, __NR_setpgid = 109, __NR_getppid = 110, __NR_getpgrp = 111, __NR_setsid = 112,
	__NR_getpgid = 121, __NR_getsid = 124, __NR_sigaltstack = 131, __NR_prctl = 157,
	__NR_arch_prctl = 158, __NR_setrlimit = 160, __NR_gettid = 186, __NR_tkill = 200,
	__NR_time = 201, __NR_futex = 202, __NR_getdents64 = 217, __NR_set_tid_address = 218,
	__NR_clock_gettime = 228, __NR_clock_getres = 229, __NR_clock_nanosleep = 230,
	__NR_exit_group = 231, __NR_tgkill = 234, __NR_openat = 257, __NR_newfstatat = 262,
	__NR_readlinkat = 267, __NR_faccessat = 269, __NR_pipe2 = 293, __NR_prlimit64 = 302,
	__NR_getcpu = 309, __NR_set_robust_list = 273, __NR_get_robust_list = 274, __NR_getrandom = 318, __NR_statx = 332, __NR_rseq = 334, __NR_clone3 = 435,
	__NR_rt_sigreturn = 15, __NR_pause = 34, __NR_getitimer = 36, __NR_alarm = 37,
	__NR_setitimer = 38, __NR_getgroups = 115, __NR_setgroups = 116, __NR_rt_sigpending = 127,
	__NR_rt_sigtimedwait = 128, __NR_rt_sigsuspend = 130, __NR_sched_setaffinity = 203, __NR_sched_getaffinity = 204,
	__NR_ppoll = 271, __NR_dup3 = 292,
	/* the file system calls (fs/) */
	__NR_pwrite64 = 18, __NR_msync = 26, __NR_fsync = 74, __NR_fdatasync = 75, __NR_truncate = 76,
	__NR_ftruncate = 77, __NR_fchdir = 81, __NR_rename = 82, __NR_mkdir = 83, __NR_rmdir = 84,
	__NR_creat = 85, __NR_unlink = 87, __NR_statfs = 137, __NR_fstatfs = 138, __NR_sync = 162,
	__NR_mkdirat = 258, __NR_unlinkat = 263, __NR_renameat = 264, __NR_syncfs = 306,
	__NR_renameat2 = 316,
	__NR_link = 86, __NR_symlink = 88, __NR_mknod = 133, __NR_mknodat = 259, __NR_linkat = 265,
	__NR_symlinkat = 266, __NR_waitid = 247,
	__NR_mremap = 25, __NR_mincore = 27, __NR_mlock = 149, __NR_munlock = 150, __NR_mlockall = 151,
	__NR_munlockall = 152, __NR_mlock2 = 325, __NR_swapon = 167, __NR_swapoff = 168,
	NR_SYSCALLS = 512,
	/* Pagoda's own, above Linux's range: VM counters for user/vmstat, user/maps. */
	__NR_pagoda_vmstat = 1000, __NR_pagoda_maps = 1001,
};

/* ---- mmap(2), mprotect(2) ---- */
#define PROT_NONE 0x0
#define PROT_READ 0x1
#define PROT_WRITE 0x2
#define PROT_EXEC 0x4
#define MS_ASYNC 1
#define MS_INVALIDATE 2
#define MS_SYNC 4
#define PROT_GROWSDOWN 0x01000000
#define PROT_GROWSUP 0x02000000
#define MAP_LOCKED 0x2000
/* madvise(2) advice values */
enum {
	MADV_NORMAL = 0, MADV_RANDOM = 1, MADV_SEQUENTIAL = 2, MADV_WILLNEED = 3, MADV_DONTNEED = 4,
	MADV_FREE = 8, MADV_REMOVE = 9, MADV_DONTFORK = 10, MADV_DOFORK = 11, MADV_MERGEABLE = 12,
	MADV_UNMERGEABLE = 13, MADV_HUGEPAGE = 14, MADV_NOHUGEPAGE = 15, MADV_DONTDUMP = 16,
	MADV_DODUMP = 17, MADV_WIPEONFORK = 18, MADV_KEEPONFORK = 19, MADV_COLD = 20, MADV_PAGEOUT = 21,
	MADV_POPULATE_READ = 22, MADV_POPULATE_WRITE = 23, MADV_DONTNEED_LOCKED = 24,
};
#define MLOCK_ONFAULT 0x01             /* mlock2(2) */
#define MCL_CURRENT 1                  /* mlockall(2) */
#define MCL_FUTURE 2
#define MCL_ONFAULT 4
#define MREMAP_MAYMOVE 1
#define MREMAP_FIXED 2
#define MREMAP_DONTUNMAP 4
#define MAP_SHARED 0x01
#define MAP_PRIVATE 0x02
#define MAP_SHARED_VALIDATE 0x03
#define MAP_TYPE 0x0f
#define MAP_FIXED 0x10
#define MAP_ANONYMOUS 0x20
#define MAP_GROWSDOWN 0x0100
#define MAP_DENYWRITE 0x0800
#define MAP_EXECUTABLE 0x1000
#define MAP_LOCKED 0x2000
#define MAP_NORESERVE 0x4000
#define MAP_POPULATE 0x8000
#define MAP_NONBLOCK 0x10000
#define MAP_STACK 0x20000
#define MAP_HUGETLB 0x40000
#define MAP_SYNC 0x80000
#define MAP_FIXED_NOREPLACE 0x100000
#define MAP_UNINITIALIZED 0x4000000
#define MAP_FAILED ((uintptr_t)-1)

/* ---- open(2) ---- */
#define O_RDONLY 0
#define O_WRONLY 1
#define O_RDWR 2
#define O_ACCMODE 3
#define O_CREAT 0100
#define O_EXCL 0200
#define O_TRUNC 01000
#define O_APPEND 02000
#define O_DIRECTORY 0200000
#define O_CLOEXEC 02000000
#define O_NOCTTY 0400
#define O_NONBLOCK 04000
#define O_DIRECT 040000
#define O_DSYNC 010000
#define O_LARGEFILE 0100000
#define O_NOFOLLOW 0400000
#define O_NOATIME 01000000
#define O_SYNC 04010000
#define O_PATH 010000000
#define O_TMPFILE 020200000
#define __O_TMPFILE 020000000            /* O_TMPFILE without its O_DIRECTORY */
#define AT_FDCWD (-100)
#define AT_EMPTY_PATH 0x1000
#define AT_SYMLINK_NOFOLLOW 0x100
#define AT_SYMLINK_FOLLOW 0x400
#define AT_NO_AUTOMOUNT 0x800   /* no automounts here: accepted, changes nothing */
#define SEEK_SET 0
#define SEEK_CUR 1
#define SEEK_END 2
#define F_DUPFD 0
#define F_GETFD 1
#define F_SETFD 2
#define F_GETFL 3
#define F_SETFL 4
#define F_DUPFD_CLOEXEC 1030
#define FD_CLOEXEC 1

/* ---- stat(2): struct stat for x86-64 ---- */
#define S_IFMT 0170000
#define S_IFDIR 0040000
#define S_IFCHR 0020000
#define S_IFREG 0100000
#define S_IFIFO 0010000
#define S_IFBLK 0060000
#define S_IFLNK 0120000
#define S_IFSOCK 0140000
struct linux_stat {
	uint64_t st_dev, st_ino, st_nlink;
	uint32_t st_mode, st_uid, st_gid, pad0;
	uint64_t st_rdev;
	int64_t st_size, st_blksize, st_blocks;
	uint64_t st_atime_sec, st_atime_nsec, st_mtime_sec, st_mtime_nsec, st_ctime_sec, st_ctime_nsec;
	int64_t reserved[3];
};

struct linux_dirent64 {
	uint64_t d_ino;
	int64_t d_off;
	uint16_t d_reclen;
	uint8_t d_type;
	char d_name[];
};
#define DT_UNKNOWN 0
#define DT_FIFO 1
#define DT_CHR 2
#define DT_DIR 4
#define DT_BLK 6
#define DT_REG 8
#define DT_LNK 10

/* ---- statfs(2), x86-64 ---- */
struct linux_statfs {
	int64_t f_type, f_bsize;
	uint64_t f_blocks, f_bfree, f_bavail, f_files, f_ffree;
	int32_t f_fsid[2];
	int64_t f_namelen, f_frsize, f_flags, f_spare[4];
};
#define TMPFS_MAGIC 0x01021994
#define RAMFS_MAGIC 0x858458f6
#define PROC_SUPER_MAGIC 0x9fa0
#define EXT2_SUPER_MAGIC 0xef53
#define ST_RDONLY 0x1

/* ---- the *at calls, rename(2) ---- */
#define AT_REMOVEDIR 0x200
#define RENAME_NOREPLACE 0x1
#define RENAME_EXCHANGE 0x2
#define RENAME_WHITEOUT 0x4

struct iovec {
	uintptr_t iov_base;
	size_t iov_len;
};

/* ---- ioctl(2) on terminals ---- */
#define TCGETS 0x5401
#define TCSETS 0x5402
#define TCSETSW 0x5403
#define TCSETSF 0x5404
#define TIOCGPGRP 0x540f
#define TIOCSPGRP 0x5410
#define TIOCGWINSZ 0x5413
struct winsize {
	uint16_t ws_row, ws_col, ws_xpixel, ws_ypixel;
};
struct termios {
	uint32_t c_iflag, c_oflag, c_cflag, c_lflag;
	uint8_t c_line, c_cc[19];
	uint32_t c_ispeed, c_ospeed;   /* struct termios2 tail; glibc/musl use the first 36 bytes */
};

/* ---- signals (signal(7)) ---- */
enum {
	SIGHUP = 1, SIGINT = 2, SIGQUIT = 3, SIGILL = 4, SIGTRAP = 5, SIGABRT = 6, SIGBUS = 7, SIGFPE = 8,
	SIGKILL = 9, SIGUSR1 = 10, SIGSEGV = 11, SIGUSR2 = 12, SIGPIPE = 13, SIGALRM = 14, SIGTERM = 15,
	SIGSTKFLT = 16, SIGCHLD = 17, SIGCONT = 18, SIGSTOP = 19, SIGTSTP = 20, SIGTTIN = 21, SIGTTOU = 22,
	SIGURG = 23, SIGXCPU = 24, SIGXFSZ = 25, SIGVTALRM = 26, SIGPROF = 27, SIGWINCH = 28, SIGIO = 29,
	SIGPWR = 30, SIGSYS = 31, NSIG = 65,
};
#define SIG_DFL 0
#define SIG_IGN 1
#define SIG_BLOCK 0
#define SIG_UNBLOCK 1
#define SIG_SETMASK 2
struct k_sigaction {
	uintptr_t handler;
	uint64_t flags;
	uintptr_t restorer;
	uint64_t mask;
};
/* sigaction(2) sa_flags */
#define SA_NOCLDSTOP 0x00000001
#define SA_NOCLDWAIT 0x00000002
#define SA_SIGINFO 0x00000004
#define SA_RESTORER 0x04000000
#define SA_ONSTACK 0x08000000
#define SA_RESTART 0x10000000
#define SA_NODEFER 0x40000000
#define SA_RESETHAND 0x80000000

/* sigaltstack(2) */
#define SS_ONSTACK 1
#define SS_DISABLE 2
#define SS_AUTODISARM (1u << 31)
#define MINSIGSTKSZ 2048
struct linux_stack {
	uintptr_t ss_sp;
	int32_t ss_flags, pad;
	uint64_t ss_size;
};

/* siginfo_t (sigaction(2)): 128 bytes; the union starts at offset 16. */
#define SI_USER 0
#define SI_KERNEL 0x80
#define SI_TKILL (-6)
#define ILL_ILLOPN 2
#define FPE_INTDIV 1
#define FPE_FLTDIV 3
#define FPE_FLTOVF 4
#define FPE_FLTUND 5
#define FPE_FLTRES 6
#define FPE_FLTINV 7
#define SEGV_MAPERR 1
#define SEGV_ACCERR 2
#define BUS_ADRALN 1
#define BUS_ADRERR 2
#define TRAP_BRKPT 1
#define CLD_EXITED 1
#define CLD_KILLED 2
#define CLD_DUMPED 3
#define CLD_STOPPED 5
#define CLD_CONTINUED 6
struct linux_siginfo {
	int32_t si_signo, si_errno, si_code, pad;
	union {
		struct { int32_t pid; uint32_t uid; int32_t status, pad; int64_t utime, stime; } child;
		struct { int32_t pid; uint32_t uid; } kill;
		struct { uintptr_t addr; } fault;
		uint8_t raw[112];
	};
};

/* The signal frame's register save area (asm/sigcontext.h, x86-64). */
struct linux_sigcontext {
	uint64_t r8, r9, r10, r11, r12, r13, r14, r15;
	uint64_t rdi, rsi, rbp, rbx, rdx, rax, rcx, rsp, rip, eflags;
	uint16_t cs, gs, fs, ss;
	uint64_t err, trapno, oldmask, cr2;
	uintptr_t fpstate;   /* user address of the 512-byte FXSAVE image, or 0 */
	uint64_t reserved1[8];
};
#define UC_SIGCONTEXT_SS 0x2
#define UC_STRICT_RESTORE_SS 0x4
struct linux_ucontext {
	uint64_t uc_flags;
	uintptr_t uc_link;
	struct linux_stack uc_stack;
	struct linux_sigcontext uc_mcontext;
	uint64_t uc_sigmask;
};

/* setitimer(2) */
#define ITIMER_REAL 0
#define ITIMER_VIRTUAL 1
#define ITIMER_PROF 2

/* ---- wait4(2): status encoding ---- */
#define WNOHANG 1
#define WUNTRACED 2
#define WSTOPPED 2                 /* waitid's name for WUNTRACED */
#define WEXITED 4
#define WCONTINUED 8
#define WNOWAIT 0x01000000
enum { P_ALL = 0, P_PID = 1, P_PGID = 2 };   /* waitid(2) idtype */
#define __WNOTHREAD 0x20000000   /* do not wait for other threads' children (one thread each here) */
#define __WALL 0x40000000
#define __WCLONE 0x80000000
static inline int wstatus_exited(int code) { return (code & 0xff) << 8; }
static inline int wstatus_signaled(int sig, bool core) { return (sig & 0x7f) | (core ? 0x80 : 0); }

/* ---- clone(2) flags musl's fork/vfork use ---- */
#define CSIGNAL 0x000000ff
#define CLONE_VM 0x00000100
#define CLONE_FS 0x00000200
#define CLONE_FILES 0x00000400
#define CLONE_SIGHAND 0x00000800
#define CLONE_VFORK 0x00004000
#define CLONE_PARENT 0x00008000
#define CLONE_THREAD 0x00010000
#define CLONE_NEWNS 0x00020000
#define CLONE_SYSVSEM 0x00040000
#define CLONE_SETTLS 0x00080000
#define CLONE_PARENT_SETTID 0x00100000
#define CLONE_CHILD_CLEARTID 0x00200000
#define CLONE_DETACHED 0x00400000   /* ignored, as Linux does */
#define CLONE_CHILD_SETTID 0x01000000
#define CLONE_NEWUSER 0x10000000

/* ---- arch_prctl(2) ---- */
#define ARCH_SET_GS 0x1001
#define ARCH_SET_FS 0x1002
#define ARCH_GET_FS 0x1003
#define ARCH_GET_GS 0x1004

/* ---- time ---- */
#define CLOCK_REALTIME 0
#define CLOCK_MONOTONIC 1
#define CLOCK_PROCESS_CPUTIME_ID 2
#define CLOCK_THREAD_CPUTIME_ID 3
#define CLOCK_MONOTONIC_RAW 4
#define CLOCK_REALTIME_COARSE 5
#define CLOCK_MONOTONIC_COARSE 6
#define CLOCK_BOOTTIME 7
#define TIMER_ABSTIME 1              /* clock_nanosleep: the time is absolute */
struct timespec {
	int64_t tv_sec, tv_nsec;
};
static inline bool timespec_valid(const struct timespec *ts)
{
	return ts->tv_sec >= 0 && ts->tv_nsec >= 0 && ts->tv_nsec < 1000000000;
}
/* A valid timespec in nanoseconds; one beyond 2^63 ns (292 years) is
 * INT64_MAX, so a long timeout stays long instead of wrapping. */
static inline uint64_t timespec_ns(const struct timespec *ts)
{
	if (ts->tv_sec >= INT64_MAX / 1000000000ll)
		return INT64_MAX;
	return (uint64_t)ts->tv_sec * 1000000000ull + (uint64_t)ts->tv_nsec;
}
struct timeval {
	int64_t tv_sec, tv_usec;
};
struct itimerval {
	struct timeval it_interval, it_value;
};

/* ---- getrusage(2), sysinfo(2), uname(2), rlimits ---- */
#define RUSAGE_SELF 0
#define RUSAGE_CHILDREN (-1)
#define RUSAGE_THREAD 1
struct rusage {
	struct timeval ru_utime, ru_stime;
	int64_t ru_maxrss, ru_ixrss, ru_idrss, ru_isrss, ru_minflt, ru_majflt, ru_nswap, ru_inblock,
		ru_oublock, ru_msgsnd, ru_msgrcv, ru_nsignals, ru_nvcsw, ru_nivcsw;
};
struct sysinfo {
	int64_t uptime;
	uint64_t loads[3];
	uint64_t totalram, freeram, sharedram, bufferram, totalswap, freeswap;
	uint16_t procs, pad;
	uint64_t totalhigh, freehigh;
	uint32_t mem_unit;
	char _f[4];
};
struct utsname {
	char sysname[65], nodename[65], release[65], version[65], machine[65], domainname[65];
};
#define RLIMIT_STACK 3
#define RLIMIT_CORE 4
#define RLIMIT_NPROC 6
#define RLIMIT_NOFILE 7
#define RLIMIT_MEMLOCK 8
#define RLIMIT_AS 9
#define RLIM_NLIMITS 16
#define RLIM_INFINITY (~0ul)
struct rlimit {
	uint64_t rlim_cur, rlim_max;
};

/* ---- auxiliary vector (getauxval(3)) ---- */
enum {
	AT_NULL = 0, AT_PHDR = 3, AT_PHENT = 4, AT_PHNUM = 5, AT_PAGESZ = 6, AT_BASE = 7, AT_FLAGS = 8,
	AT_ENTRY = 9, AT_UID = 11, AT_EUID = 12, AT_GID = 13, AT_EGID = 14, AT_PLATFORM = 15,
	AT_HWCAP = 16, AT_CLKTCK = 17, AT_SECURE = 23, AT_RANDOM = 25, AT_HWCAP2 = 26, AT_EXECFN = 31,
};

#endif
