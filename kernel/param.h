/* Every tunable of the kernel, in one place. */
#ifndef PAGODA_PARAM_H
#define PAGODA_PARAM_H

#define HZ 100                    /* timer ticks per second */
#define TIMESLICE_TICKS 5         /* a process runs at most this many ticks before preemption */
#define KSTACK_PAGES 4            /* kernel stack per process (16 KiB), plus a guard page */
#define NPROC_MAX 256             /* most processes alive at once */
#define NFILE_PER_PROC 32         /* file descriptors per process */
#define NGROUPS_PER_PROC 32       /* supplementary groups (setgroups(2)) per process */
#define MLOCK_LIMIT (8ul << 20)    /* RLIMIT_MEMLOCK's default, as Linux's (bytes) */
#define MAX_MAP_COUNT 65530        /* areas per process (Linux vm.max_map_count) */
#define VMA_SPARE_MAX 4            /* freed areas an address space keeps for reuse (mm/vma.c) */
#define VMA_INDEX_MIN 16           /* more areas than this: find_vma uses the AVL tree, not the list (mm/vma.c) */
#define ARG_MAX_BYTES (128 * 1024) /* argv + envp strings, as Linux's minimum */
#define TASK_COMM_LEN 16          /* a process name's bytes with its NUL (Linux's) */
#define WS_WINDOW_TICKS 10        /* working-set window (Denning's tau): ticks of a process's own CPU time */

#endif
