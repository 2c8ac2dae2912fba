/* procfs_pid: /proc as ps, top and free read it.
 *
 * /proc/self/stat's fields (pid, comm, state, ppid, pgrp, session),
 * /proc/self/status (Name, PPid, the blocked-signal mask), cmdline as argv
 * with NULs, comm, fd/ links (a pipe reads "pipe:[N]"), the /proc listing
 * holding self and our pid, /proc/uptime, /proc/loadavg and /proc/stat's
 * shapes, and execve("/proc/self/exe") running this program again.
 */
#include "testlib.h"
#include <dirent.h>
#include <fcntl.h>

static char text[8192];

static ssize_t slurp(const char *path)
{
	int fd = open(path, O_RDONLY);
	ssize_t n = fd < 0 ? -1 : read(fd, text, sizeof text - 1);
	if (fd >= 0)
		close(fd);
	text[n > 0 ? n : 0] = 0;
	return n;
}

static const char *field(const char *key)
{
	static char value[128];
	char *at = strstr(text, key);
	if (!at)
		return "(missing)";
	sscanf(at + strlen(key), " %127[^\n]", value);
	return value;
}

static void stat_cases(void)
{
	int pid, ppid, pgrp, sid;
	char comm[64], state;

	show_yes("stat_readable", slurp("/proc/self/stat") > 0);
	int n = sscanf(text, "%d (%63[^)]) %c %d %d %d", &pid, comm, &state, &ppid, &pgrp, &sid);
	say("stat_fields_parsed", "%d", n);
	show_yes("stat_pid", pid == getpid());
	say("stat_comm", "%s", comm);
	say("stat_state", "%c", state);
	show_yes("stat_ppid_pgrp_sid", ppid == getppid() && pgrp == getpgrp() && sid == getsid(0));
	char *last = strrchr(text, ')');
	int spaces = 0;
	for (char *c = last; c && *c; c++)
		spaces += *c == ' ';
	show_yes("stat_has_50_fields_after_comm", spaces >= 50);
}

static void status_cases(void)
{
	sigset_t set;

	sigemptyset(&set);
	sigaddset(&set, SIGUSR1);
	sigprocmask(SIG_BLOCK, &set, NULL);
	slurp("/proc/self/status");
	say("status_name", "%s", field("Name:"));
	show_yes("status_pid", atoi(field("\nPid:")) == getpid());
	show_yes("status_ppid", atoi(field("PPid:")) == getppid());
	say("status_sigblk", "%s", field("SigBlk:"));
	say("status_state", "%.1s", field("State:"));
	sigprocmask(SIG_UNBLOCK, &set, NULL);
	slurp("/proc/self/comm");
	say("comm", "%.*s", (int)strcspn(text, "\n"), text);
}

static void fd_cases(void)
{
	int p[2];
	char link[64], path[64];

	pipe(p);
	snprintf(path, sizeof path, "/proc/self/fd/%d", p[0]);
	ssize_t n = readlink(path, link, sizeof link - 1);
	link[n > 0 ? n : 0] = 0;
	show_yes("fd_link_is_pipe", strncmp(link, "pipe:[", 6) == 0);
	DIR *d = opendir("/proc/self/fd");
	int seen = 0;
	for (struct dirent *e; d && (e = readdir(d));)
		seen += atoi(e->d_name) == p[1];
	if (d)
		closedir(d);
	show_yes("fd_dir_lists_pipe", seen == 1);
	close(p[0]);
	close(p[1]);
	show_rc("fd_closed_gone", access(path, F_OK));
}

static void root_cases(void)
{
	char me[16];
	int self = 0, mine = 0;
	double up, idle;

	snprintf(me, sizeof me, "%d", getpid());
	DIR *d = opendir("/proc");
	for (struct dirent *e; d && (e = readdir(d));) {
		self += !strcmp(e->d_name, "self");
		mine += !strcmp(e->d_name, me);
	}
	if (d)
		closedir(d);
	show_yes("proc_lists_self_and_pid", self == 1 && mine == 1);
	slurp("/proc/uptime");
	say("uptime_fields", "%d", sscanf(text, "%lf %lf", &up, &idle));
	float l1, l5, l15;
	int running, total, last;
	slurp("/proc/loadavg");
	say("loadavg_fields", "%d", sscanf(text, "%f %f %f %d/%d %d", &l1, &l5, &l15, &running, &total, &last));
	slurp("/proc/stat");
	show_yes("stat_cpu_line", strncmp(text, "cpu ", 4) == 0);
	show_yes("stat_has_btime", strstr(text, "\nbtime ") != NULL);
	show_yes("meminfo_has_total", slurp("/proc/meminfo") > 0 && strstr(text, "MemTotal:") != NULL);
}

static void exec_self_cases(void)
{
	pid_t pid = fork_flushed();

	if (pid == 0) {
		execl("/proc/self/exe", "procfs_pid", "again", "two words", NULL);
		_exit(127);
	}
	show_status("exec_proc_self_exe", reap(pid));
}

/* Run again through /proc/self/exe: show our cmdline. */
static int again(void)
{
	ssize_t n = slurp("/proc/self/cmdline");
	for (ssize_t i = 0; i < n; i++)
		if (!text[i])
			text[i] = '|';
	say("cmdline", "%s", text);
	return 3;
}

int main(int argc, char **argv)
{
	(void)argv;
	if (argc > 1)
		return again();
	stat_cases();
	status_cases();
	fd_cases();
	root_cases();
	exec_self_cases();
	return 0;
}
