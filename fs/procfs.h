#ifndef PAGODA_FS_PROCFS_H
#define PAGODA_FS_PROCFS_H
#include "vfs.h"

/* The generated files of /proc (fs/proc_text.c makes their text). */
enum proc_file { PROC_VMSTAT, PROC_MEMINFO, PROC_MAPS, PROC_SMAPS, PROC_MOUNTS, PROC_PID_VMSTAT, PROC_FAULTLOG,
		 PROC_PID_PAGETABLE };

/* The text of one file, for process p where it is per process; NULL with
 * *err set on failure. The caller kfrees it. */
char *proc_text(enum proc_file kind, struct proc *p, size_t *len, int *err);

#endif
