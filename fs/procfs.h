#ifndef PAGODA_FS_PROCFS_H
#define PAGODA_FS_PROCFS_H
#include "vfs.h"

/* The generated files of /proc (fs/proc_text.c makes their text; the
 * process status files and the system ones ps/top/free read come from
 * fs/proc_pid.c). */
enum proc_file {
	PROC_VMSTAT, PROC_MEMINFO, PROC_MAPS, PROC_SMAPS, PROC_MOUNTS, PROC_PID_VMSTAT, PROC_FAULTLOG,
	PROC_PID_STAT, PROC_PID_STATUS, PROC_PID_CMDLINE, PROC_PID_COMM, PROC_UPTIME, PROC_LOADAVG, PROC_STAT, PROC_PID_PAGETABLE,
	PROC_FRAMES, PROC_SWAPS, PROC_CPUINFO,
};

/* fs/proc_pid.c: the text of one of the process status files of p, or of
 * a system file ps/top read (p NULL), into buf (cap bytes); its length. */
size_t proc_pid_text(enum proc_file kind, struct proc *p, char *buf, size_t cap);

/* The text of one file, for process p where it is per process; NULL with
 * *err set on failure. The caller kfrees it. */
char *proc_text(enum proc_file kind, struct proc *p, size_t *len, int *err);

#endif
