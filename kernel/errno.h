/* Linux errno values (asm-generic/errno-base.h and errno.h). Kernel functions
 * return 0 or -Exxx; syscalls hand -Exxx straight back to user space. */
#ifndef PAGODA_ERRNO_H
#define PAGODA_ERRNO_H

#define EPERM 1
#define ENOENT 2
#define ESRCH 3
#define EINTR 4
#define EIO 5
#define ENXIO 6
#define E2BIG 7
#define ENOEXEC 8
#define EBADF 9
#define ECHILD 10
#define EAGAIN 11
#define ENOMEM 12
#define EACCES 13
#define EFAULT 14
#define EBUSY 16
#define EEXIST 17
#define EXDEV 18
#define ENODEV 19
#define ENOTDIR 20
#define EISDIR 21
#define EINVAL 22
#define ENFILE 23
#define EMFILE 24
#define ENOTTY 25
#define ETXTBSY 26
#define EFBIG 27
#define ENOSPC 28
#define ESPIPE 29
#define EROFS 30
#define EMLINK 31
#define EPIPE 32
#define ERANGE 34
#define ENAMETOOLONG 36
#define ENOSYS 38
#define ENOTEMPTY 39
#define ELOOP 40
#define EOVERFLOW 75
#define EOPNOTSUPP 95
#define EUCLEAN 117   /* "structure needs cleaning": a corrupt filesystem */
#define ETIMEDOUT 110

/* Kernel-internal: a blocking syscall was interrupted by a signal. The
 * signal code turns these into EINTR or a restart (signal(7), "Interruption
 * of system calls and library functions by signal handlers"); user space
 * never sees them. */
#define ERESTARTSYS 512      /* restart if the handler has SA_RESTART, else EINTR */
#define ERESTARTNOINTR 513   /* always restart */
#define ERESTARTNOHAND 514   /* restart only if no handler ran, else EINTR */

#endif
