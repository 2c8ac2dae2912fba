/* vmscale: do the VM's costs stay flat as a process grows? In guest
 * instructions, under QEMU `-icount shift=0` (rdtsc counts them), like
 * vmcost.c; make bench-scale runs it on Pagoda and on Linux.
 *
 *   fork_1m, fork_16m, fork_256m   fork of a process with that much touched,
 *                                  parent side (median of 3)
 *   exit_256m                      exit of a process with 256 MiB touched:
 *                                  from the go to its parent's waitpid return
 *   pte_pages_per_million          page-table pages (VmPTE) per million
 *                                  resident pages (VmRSS), 256 MiB touched
 *   AREAS_mmap, AREAS_mprotect,    with AREAS areas (10, 1000, 60000) in the
 *   AREAS_fault                    process: mmap+munmap of one page, one
 *                                  mprotect (mean of a split and a merge),
 *                                  a demand-zero fault (medians)
 *
 * The areas are made by mprotecting every other page of one mapping to
 * PROT_READ (plus the program's own half dozen); the measured mappings land
 * beside them (mmap's top-down search).
 */
#include <stdio.h>
#include "vmops.h"
#include "../user/vmcounters.h"
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

enum { N = 64, PAGE = VM_PAGE, FORK_N = 3 };

static unsigned long long t[N];

static void report(const char *name, unsigned long long v)
{
	printf("vmscale: %s=%llu\n", name, v);
	fflush(stdout);
}

static void touch(char *p, long len)
{
	for (long i = 0; i < len; i += PAGE)
		p[i] = 1;
}

/* A child touches 256 MiB and waits; from the go to waitpid's return. */
static unsigned long long exit_cost(long mib)
{
	int ready[2], go[2];
	char c;
	if (pipe(ready) || pipe(go))
		exit(1);
	pid_t pid = fork();
	if (pid == 0) {
		touch(vm_map(mib << 20), mib << 20);
		if (write(ready[1], "r", 1) != 1 || read(go[0], &c, 1) != 1)
			_exit(1);
		_exit(0);
	}
	if (read(ready[0], &c, 1) != 1)
		exit(1);
	unsigned long long t0 = rdtsc();
	if (write(go[1], "g", 1) != 1 || waitpid(pid, NULL, 0) != pid)
		exit(1);
	return rdtsc() - t0;
}

/* As Linux's /init there is no /proc yet. */
static void mount_proc(void)
{
	if (access("/proc/self/status", R_OK) && (mkdir("/proc", 0555), mount("proc", "/proc", "proc", 0, NULL)))
		perror("vmscale: mount /proc");
}

/* Page-table pages per million resident pages with mib MiB touched. */
static unsigned long long pte_density(long mib)
{
	char *a = vm_map(mib << 20);
	touch(a, mib << 20);
	long pte = proc_field("/proc/self/status", "VmPTE:"), rss = proc_field("/proc/self/status", "VmRSS:");
	munmap(a, mib << 20);
	return pte < 0 || rss <= 0 ? 0 : (unsigned long long)(pte * 1000000 / rss);
}

/* n more areas in the process: a mapping of n pages, every other one
 * made read-only. */
static char *make_areas(long n)
{
	char *a = vm_map(n * PAGE);
	for (long i = 0; i < n; i += 2)
		if (mprotect(a + i * PAGE, PAGE, PROT_READ))
			exit(1);
	return a;
}

static unsigned long long fault_cost(void)
{
	char *a = vm_map((long)N * PAGE);
	unsigned long long zero = vm_write_cost(a, N, t), present = vm_write_cost(a, N, t);
	munmap(a, (long)N * PAGE);
	return zero - present;
}

static void area_costs(long n)
{
	char name[32];
	char *a = make_areas(n);
	snprintf(name, sizeof name, "areas%ld_mmap", n);
	report(name, vm_mmap_cost(0, N, t));
	snprintf(name, sizeof name, "areas%ld_mprotect", n);
	report(name, vm_mprotect_cost(N, t));
	snprintf(name, sizeof name, "areas%ld_fault", n);
	report(name, fault_cost());
	munmap(a, n * PAGE);
}

int main(void)
{
	mount_proc();
	report("fork_1m", vm_fork_cost(1L << 20, FORK_N, t));
	report("fork_16m", vm_fork_cost(16L << 20, FORK_N, t));
	report("fork_256m", vm_fork_cost(256L << 20, FORK_N, t));
	report("exit_256m", exit_cost(256));
	report("pte_pages_per_million", pte_density(256));
	area_costs(10);
	area_costs(1000);
	area_costs(60000);
	return 0;
}
