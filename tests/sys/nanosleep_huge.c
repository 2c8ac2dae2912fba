/* nanosleep_huge: a sleep longer than any clock can count still sleeps (until
 * a signal ends it); only a bad tv_nsec or negative tv_sec is EINVAL.
 *
 * Each child announces it is about to sleep, sleeps, and would exit 3 if the
 * sleep returned. The parent waits until the child has announced, gives it
 * time to run, checks it has neither returned nor exited, and kills it. No
 * duration is measured: a kernel that returns at once fails because the
 * child exits 3 first.
 *
 * Regression (issue 19): tv_sec * 10^9 wrapped, and nanosleep({INT64_MAX, 0}),
 * ({2^62, 0}) and an absolute clock_nanosleep at INT64_MAX returned 0 at once.
 */
#include <signal.h>
#include <stdint.h>
#include <sys/syscall.h>
#include "testlib.h"

struct sleep_case {
	const char *name;
	long nr;            /* SYS_nanosleep or SYS_clock_nanosleep */
	int clock, flags;
	int64_t sec;
};

static volatile int *announced;

static int sleeper(void *arg)
{
	const struct sleep_case *c = arg;
	struct timespec ts = { c->sec, 0 };

	*announced = 1;
	if (c->nr == SYS_nanosleep)
		syscall(SYS_nanosleep, &ts, NULL);
	else
		syscall(SYS_clock_nanosleep, c->clock, c->flags, &ts, NULL);
	return 3;
}

static void still_sleeping(const struct sleep_case *c)
{
	char name[96];
	int st = 0;

	*announced = 0;
	pid_t pid = fork_flushed();
	if (pid == 0)
		_exit(sleeper((void *)c));
	wait_for(announced, 1);
	sleep_ms(100);
	snprintf(name, sizeof(name), "%s_still_sleeping", c->name);
	show_yes(name, waitpid(pid, &st, WNOHANG) == 0);
	kill(pid, SIGKILL);
	snprintf(name, sizeof(name), "%s_ended_by", c->name);
	show_status(name, reap(pid));
}

static void show_einval(const char *name, long nr, int clock, int flags, int64_t sec, long nsec)
{
	struct timespec ts = { sec, nsec };

	if (nr == SYS_nanosleep)
		show_rc(name, syscall(SYS_nanosleep, &ts, NULL));
	else
		show_rc(name, syscall(SYS_clock_nanosleep, clock, flags, &ts, NULL));
}

int main(void)
{
	static const struct sleep_case cases[] = {
		{ "nanosleep_int64_max", SYS_nanosleep, 0, 0, INT64_MAX },
		{ "nanosleep_2_pow_62", SYS_nanosleep, 0, 0, (int64_t)1 << 62 },
		{ "nanosleep_2_pow_34", SYS_nanosleep, 0, 0, (int64_t)1 << 34 },
		{ "clock_nanosleep_relative_int64_max", SYS_clock_nanosleep, CLOCK_MONOTONIC, 0, INT64_MAX },
		{ "clock_nanosleep_abstime_monotonic_int64_max", SYS_clock_nanosleep, CLOCK_MONOTONIC,
		  TIMER_ABSTIME, INT64_MAX },
		{ "clock_nanosleep_abstime_realtime_int64_max", SYS_clock_nanosleep, CLOCK_REALTIME,
		  TIMER_ABSTIME, INT64_MAX },
	};

	announced = (volatile int *)map_shared(PAGE);
	for (size_t i = 0; i < ARRAY_SIZE(cases); i++)
		still_sleeping(&cases[i]);
	show_einval("nanosleep_huge_sec_bad_nsec", SYS_nanosleep, 0, 0, INT64_MAX, 1000000000);
	show_einval("nanosleep_int64_min_sec", SYS_nanosleep, 0, 0, INT64_MIN, 0);
	show_einval("clock_nanosleep_abstime_bad_nsec", SYS_clock_nanosleep, CLOCK_MONOTONIC, TIMER_ABSTIME,
		    INT64_MAX, -1);
	show_einval("clock_nanosleep_abstime_negative_sec", SYS_clock_nanosleep, CLOCK_MONOTONIC, TIMER_ABSTIME,
		    -1, 0);
	show_einval("clock_nanosleep_abstime_past", SYS_clock_nanosleep, CLOCK_MONOTONIC, TIMER_ABSTIME, 0, 5);
	show_einval("clock_nanosleep_relative_bad_nsec", SYS_clock_nanosleep, CLOCK_REALTIME, 0, 0, 1000000000);
	return 0;
}
