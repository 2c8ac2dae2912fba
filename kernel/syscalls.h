/*
 * The prototype of every system-call handler, grouped by the file that
 * defines it. kernel/syscall.c's table is built from these, and each file
 * that defines handlers includes this header, so the compiler checks every
 * definition against the one declaration here.
 *
 * Arguments arrive in 64-bit registers (RDI, RSI, RDX, R10, R8, R9); a
 * handler declares the C types Linux gives them (int for an fd, a pid or a
 * flag word, uintptr_t for a user pointer, size_t for a length), and reads
 * only the low half of a register declared int, as Linux does.
 */
#ifndef PAGODA_SYSCALLS_H
#define PAGODA_SYSCALLS_H
#include "types.h"

/* kernel/exec.c */
long sys_execve(uintptr_t upath, uintptr_t uargv, uintptr_t uenvp);

/* kernel/exit.c */
long sys_exit(int code);
long sys_exit_group(int code);
long sys_wait4(int pid, uintptr_t ustatus, int options, uintptr_t urusage);
long sys_waitid(int which, int id, uintptr_t uinfo, int options, uintptr_t urusage);

/* kernel/fork.c */
long sys_fork(void);
long sys_vfork(void);
long sys_clone(uint64_t flags, uintptr_t newsp, uintptr_t parent_tid, uintptr_t child_tid, uintptr_t tls);
long sys_clone3(uintptr_t uargs, size_t size);
long sys_set_tid_address(uintptr_t tidptr);

/* kernel/futex.c */
long sys_futex(uintptr_t uaddr, int op, uint32_t val, uintptr_t uts, uintptr_t uaddr2, uint32_t val3);

/* kernel/itimer.c */
long sys_getitimer(int which, uintptr_t uval);
long sys_setitimer(int which, uintptr_t unew, uintptr_t uold);
long sys_alarm(unsigned seconds);

/* kernel/pgrp.c */
long sys_setpgid(int pid, int pgid);
long sys_getpgid(int pid);
long sys_getpgrp(void);
long sys_getsid(int pid);
long sys_setsid(void);
long sys_kill(int pid, int sig);
long sys_tkill(int tid, int sig);
long sys_tgkill(int tgid, int tid, int sig);

/* kernel/sigaction.c */
long sys_rt_sigaction(int sig, uintptr_t uact, uintptr_t uold, size_t setsize);

/* kernel/sigframe.c */
long sys_sigaltstack(uintptr_t uss, uintptr_t uoss);
long sys_rt_sigreturn(void);

/* kernel/sigpending.c */
long sys_rt_sigprocmask(int how, uintptr_t uset, uintptr_t uold, size_t setsize);
long sys_rt_sigpending(uintptr_t uset, size_t setsize);
long sys_pause(void);
long sys_rt_sigsuspend(uintptr_t umask, size_t setsize);
long sys_rt_sigtimedwait(uintptr_t uset, uintptr_t uinfo, uintptr_t uts, size_t setsize);

/* fs/pipe.c, fs/select.c, fs/fcntl.c (dup3) */
long sys_pipe(uintptr_t ufds);
long sys_pipe2(uintptr_t ufds, int flags);
long sys_poll(uintptr_t ufds, unsigned nfds, int timeout_ms);
long sys_ppoll(uintptr_t ufds, unsigned nfds, uintptr_t uts, uintptr_t usigmask, size_t setsize);
long sys_dup3(int oldfd, int newfd, int flags);

/* kernel/sys_proc.c */
long sys_umask(int mask);
long sys_getrlimit(int resource, uintptr_t ulim);
long sys_setrlimit(int resource, uintptr_t ulim);
long sys_prlimit64(int pid, int resource, uintptr_t unew, uintptr_t uold);
long sys_getgroups(int size, uintptr_t ulist);
long sys_setgroups(int size, uintptr_t ulist);
long sys_sched_getaffinity(int pid, size_t len, uintptr_t umask);
long sys_sched_setaffinity(int pid, size_t len, uintptr_t umask);
long sys_getcpu(uintptr_t ucpu, uintptr_t unode);
long sys_prctl(int option, uintptr_t arg2);
long sys_times(uintptr_t ubuf);

/* fs/open.c */
long sys_open(uintptr_t path, int flags, int mode);
long sys_openat(int dirfd, uintptr_t path, int flags, int mode);
long sys_creat(uintptr_t path, int mode);
long sys_close(int fd);
long sys_truncate(uintptr_t upath, int64_t length);
long sys_ftruncate(int fd, int64_t length);
long sys_chdir(uintptr_t upath);
long sys_fchdir(int fd);
long sys_getcwd(uintptr_t buf, size_t size);

/* fs/read_write.c */
long sys_read(int fd, uintptr_t buf, size_t n);
long sys_write(int fd, uintptr_t buf, size_t n);
long sys_pread64(int fd, uintptr_t buf, size_t n, int64_t off);
long sys_pwrite64(int fd, uintptr_t buf, size_t n, int64_t off);
long sys_readv(int fd, uintptr_t iov, int n);
long sys_writev(int fd, uintptr_t iov, int n);
long sys_lseek(int fd, int64_t off, int whence);

/* fs/stat.c */
long sys_fstat(int fd, uintptr_t ustat);
long sys_stat(uintptr_t upath, uintptr_t ustat);
long sys_lstat(uintptr_t upath, uintptr_t ustat);
long sys_newfstatat(int dirfd, uintptr_t upath, uintptr_t ustat, int flags);
long sys_statfs(uintptr_t upath, uintptr_t ubuf);
long sys_fstatfs(int fd, uintptr_t ubuf);
long sys_access(uintptr_t path, int mode);
long sys_faccessat(int dirfd, uintptr_t path, int mode);
long sys_readlinkat(int dirfd, uintptr_t upath, uintptr_t ubuf, int64_t size);
long sys_readlink(uintptr_t upath, uintptr_t ubuf, int64_t size);

/* fs/readdir.c */
long sys_getdents64(int fd, uintptr_t buf, size_t n);

/* fs/names.c */
long sys_mkdir(uintptr_t upath, int mode);
long sys_mkdirat(int dirfd, uintptr_t upath, int mode);
long sys_rmdir(uintptr_t upath);
long sys_unlink(uintptr_t upath);
long sys_unlinkat(int dirfd, uintptr_t upath, int flags);
long sys_rename(uintptr_t oldpath, uintptr_t newpath);
long sys_renameat(int olddirfd, uintptr_t oldpath, int newdirfd, uintptr_t newpath);
long sys_renameat2(int olddirfd, uintptr_t oldpath, int newdirfd, uintptr_t newpath, unsigned flags);

/* fs/link.c */
long sys_symlink(uintptr_t utarget, uintptr_t upath);
long sys_symlinkat(uintptr_t utarget, int newdirfd, uintptr_t upath);
long sys_link(uintptr_t oldpath, uintptr_t newpath);
long sys_linkat(int olddirfd, uintptr_t oldpath, int newdirfd, uintptr_t newpath, int flags);
long sys_mknod(uintptr_t upath, uint32_t mode, uint32_t dev);
long sys_mknodat(int dirfd, uintptr_t upath, uint32_t mode, uint32_t dev);

/* fs/fcntl.c */
long sys_ioctl(int fd, unsigned long cmd, uintptr_t arg);
long sys_dup(int fd);
long sys_dup2(int oldfd, int newfd);
long sys_fcntl(int fd, int cmd, uint64_t arg);

/* fs/sync.c */
long sys_fsync(int fd);
long sys_fdatasync(int fd);
long sys_sync(void);
long sys_syncfs(int fd);

/* kernel/sys_info.c */
long sys_getpid(void);
long sys_gettid(void);
long sys_getppid(void);
long sys_getuid(void);
long sys_uname(uintptr_t ubuf);
long sys_clock_gettime(int clock, uintptr_t uts);
long sys_clock_getres(int clock, uintptr_t uts);
long sys_gettimeofday(uintptr_t utv, uintptr_t utz);
long sys_time(uintptr_t ut);
long sys_nanosleep(uintptr_t ureq, uintptr_t urem);
long sys_clock_nanosleep(int clock, int flags, uintptr_t ureq, uintptr_t urem);
long sys_sched_yield(void);
long sys_getrusage(int who, uintptr_t uru);
long sys_sysinfo(uintptr_t uinfo);
long sys_arch_prctl(int code, uint64_t addr);
long sys_getrandom(uintptr_t ubuf, size_t n, unsigned flags);
long sys_set_robust_list(uintptr_t head, size_t len);
long sys_get_robust_list(int pid, uintptr_t head_ptr, uintptr_t len_ptr);

/* mm/mmap.c */
long sys_mmap(uintptr_t addr, size_t len, unsigned long prot, unsigned long flags, int fd, uint64_t off);
long sys_munmap(uintptr_t start, size_t len);
long sys_mprotect(uintptr_t start, size_t len, unsigned long prot);
long sys_madvise(uintptr_t start, size_t len, int advice);
/* mm/mremap.c, mm/mincore.c, mm/mlock.c */
long sys_mremap(uintptr_t addr, size_t old_len, size_t new_len, unsigned long flags, uintptr_t new_addr);
long sys_mincore(uintptr_t start, size_t len, uintptr_t vec);
long sys_mlock(uintptr_t start, size_t len);
long sys_mlock2(uintptr_t start, size_t len, int flags);
long sys_munlock(uintptr_t start, size_t len);
long sys_mlockall(int flags);
long sys_munlockall(void);
long sys_swapon(uintptr_t path, int flags);   /* mm/swapon.c */
long sys_swapoff(uintptr_t path);

/* mm/msync.c */
long sys_msync(uintptr_t start, size_t len, int flags);

/* mm/brk.c */
long sys_brk(uintptr_t brk);

#endif
