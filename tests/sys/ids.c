/* ids: the small informational syscalls. getpid, gettid, getppid,
 * set_tid_address, sched_yield, uname, getcwd, sysinfo and madvise, with the
 * error cases each has. Values that differ between machines (pids, the cwd,
 * memory sizes) are compared, never printed.
 */
#include <sys/sysinfo.h>
#include <sys/utsname.h>
#include "testlib.h"

static void pid_cases(void)
{
	int tid_slot = 0;
	pid_t me = getpid();

	show_yes("getpid_positive", me > 0);
	show_yes("gettid_equals_getpid", sys_gettid() == me);
	show_yes("getppid_differs", getppid() != me);
	show_yes("set_tid_address_returns_tid", syscall(SYS_set_tid_address, &tid_slot) == me);
	show_yes("getpid_stable", getpid() == me);
	show_rc("sched_yield", sched_yield());
}

static void uname_cases(void)
{
	struct utsname u;

	show_rc("uname", uname(&u));
	say("uname_machine", "%s", u.machine);
	show_yes("uname_sysname_nonempty", u.sysname[0] != '\0');
	show_yes("uname_release_nonempty", u.release[0] != '\0');
	show_yes("uname_strings_terminated", memchr(u.version, 0, sizeof u.version) != NULL);
	show_rc("uname_kernel_ptr", uname((struct utsname *)KERNEL_ADDR));
	show_rc("uname_null", uname(NULL));
}

static void getcwd_cases(void)
{
	char buf[512];
	long rc = syscall(SYS_getcwd, buf, sizeof buf);

	show_yes("getcwd_absolute", rc > 0 && buf[0] == '/');
	show_yes("getcwd_returns_length_with_nul", rc == (long)strlen(buf) + 1);
	show_rc("getcwd_size_1", syscall(SYS_getcwd, buf, 1));
	show_rc("getcwd_size_0", syscall(SYS_getcwd, buf, 0));
	show_rc("getcwd_kernel_ptr", syscall(SYS_getcwd, KERNEL_ADDR, 512));
	show_rc("getcwd_null", syscall(SYS_getcwd, NULL, 512));
	show_rc("getcwd_exact_size", syscall(SYS_getcwd, buf, rc) == rc ? 0 : -1);
	show_rc("getcwd_one_short", syscall(SYS_getcwd, buf, rc - 1));
}

static void sysinfo_cases(void)
{
	struct sysinfo si;

	show_rc("sysinfo", sysinfo(&si));
	show_yes("sysinfo_mem_unit_positive", si.mem_unit >= 1);
	show_yes("sysinfo_freeram_positive", si.freeram > 0);
	show_yes("sysinfo_free_le_total", si.freeram <= si.totalram);
	show_yes("sysinfo_procs_positive", si.procs >= 1);
	show_rc("sysinfo_kernel_ptr", sysinfo((struct sysinfo *)KERNEL_ADDR));
	show_rc("sysinfo_unmapped_ptr", sysinfo((struct sysinfo *)unmapped_page()));
}

static void madvise_cases(void)
{
	char *p = map_anon(4 * PAGE, PROT_READ | PROT_WRITE);

	show_rc("madvise_normal", madvise(p, 4 * PAGE, MADV_NORMAL));
	show_rc("madvise_willneed", madvise(p, 4 * PAGE, MADV_WILLNEED));
	show_rc("madvise_random", madvise(p, PAGE, MADV_RANDOM));
	sys_munmap((uintptr_t)p, 4 * PAGE);
}

int main(void)
{
	pid_cases();
	uname_cases();
	getcwd_cases();
	sysinfo_cases();
	madvise_cases();
	return 0;
}
