/*
 * CPU affinity: the CPUs each thread may run on (sched_setaffinity(2),
 * sched_getaffinity(2); musl's and glibc's pthread_setaffinity_np and
 * taskset call them) and the CPU it runs on now (getcpu(2)).
 *
 *   p->cpus_allowed: bit n set: the thread may run on cpus[n]. A new
 *   process or thread copies its creator's (fork, clone); exec keeps it.
 *   The first process's is every CPU (~0: CPUs started later included).
 *
 * Always true: p->cpus_allowed holds at least one online CPU (CPUs never
 * go offline); the scheduler runs p only on a CPU whose bit is set
 * (kernel/sched.c); a thread left running on a CPU its new mask leaves out
 * gives that CPU up at its next entry to the kernel, which for another
 * CPU's thread a reschedule IPI makes at once (sched_affinity_changed).
 * Guarded by the kernel lock, like the run queue it steers.
 */
#include "affinity.h"
#include "errno.h"
#include "percpu.h"
#include "sched_hooks.h"
#include "smp.h"
#include "syscalls.h"
#include "uaccess.h"

/* Linux copies at most its cpumask's size and zeroes the rest of a short
 * mask; the CPUs that are not online are dropped. Its order: EFAULT, then
 * ESRCH, then EINVAL for a mask with no online CPU. */
long sys_sched_setaffinity(int pid, size_t len, uintptr_t umask)
{
	cpumask_t mask = 0;
	if (copy_from_user(&mask, umask, len < sizeof(mask) ? len : sizeof(mask)))
		return -EFAULT;
	struct proc *p = pid ? proc_find(pid) : current_proc();
	if (!p)
		return -ESRCH;
	mask &= cpu_online_mask();
	if (!mask)
		return -EINVAL;
	p->cpus_allowed = mask;
	sched_affinity_changed(p);
	return 0;
}

/* The mask's online CPUs, as many bytes as a cpumask_t (Linux: its own
 * cpumask's size, a whole number of longs, which len must cover). */
long sys_sched_getaffinity(int pid, size_t len, uintptr_t umask)
{
	if (len < sizeof(cpumask_t) || (len & (sizeof(long) - 1)))
		return -EINVAL;
	struct proc *p = pid ? proc_find(pid) : current_proc();
	if (!p)
		return -ESRCH;
	cpumask_t mask = p->cpus_allowed & cpu_online_mask();
	if (copy_to_user(umask, &mask, sizeof(mask)))
		return -EFAULT;
	return sizeof(mask);
}

/* One NUMA node; the third argument (a cache) is unused, as in Linux. */
long sys_getcpu(uintptr_t ucpu, uintptr_t unode)
{
	uint32_t cpu = smp_processor_id(), node = 0;
	if (ucpu && copy_to_user(ucpu, &cpu, sizeof(cpu)))
		return -EFAULT;
	if (unode && copy_to_user(unode, &node, sizeof(node)))
		return -EFAULT;
	return 0;
}
