/* many_children: the process table under load. 200 children one after
 * another, 20 alive at once, a chain 50 deep, and zombies that wait to be
 * reaped; after each group wait4 says ECHILD, so nothing was lost or doubled.
 */
#include "testlib.h"

static int exit_code_for(int i)
{
	return (i * 37 + 11) & 0xff;
}

static void sequential(int n)
{
	int ok = 0;

	for (int i = 0; i < n; i++) {
		pid_t pid = fork_flushed();
		if (pid == 0)
			_exit(exit_code_for(i));
		int st = reap(pid);
		ok += WIFEXITED(st) && WEXITSTATUS(st) == exit_code_for(i);
	}
	say("sequential_200", "%d of %d exited as told", ok, n);
	show_rc("sequential_then_echild", wait4(-1, NULL, WNOHANG, NULL));
}

/* concurrent: n children that each hold on until all n exist (a shared
 * counter), then exit with their index; reaped with wait4(-1). */
static void concurrent(int n)
{
	volatile int *started = (volatile int *)map_shared(PAGE);
	pid_t pids[64];
	int seen[64] = { 0 }, ok = 0;

	for (int i = 0; i < n; i++) {
		pids[i] = fork_flushed();
		if (pids[i] == 0) {
			__sync_fetch_and_add(started, 1);
			wait_for(started, n);
			_exit(i + 1);
		}
	}
	for (int i = 0; i < n; i++) {
		int st;
		pid_t got = wait4(-1, &st, 0, NULL);
		int idx = WIFEXITED(st) ? WEXITSTATUS(st) - 1 : -1;
		if (idx >= 0 && idx < n && pids[idx] == got && !seen[idx]++)
			ok++;
	}
	say("concurrent_20", "%d of %d reaped once each", ok, n);
	show_yes("concurrent_all_were_alive_together", *started == n);
	show_rc("concurrent_then_echild", wait4(-1, NULL, WNOHANG, NULL));
}

/* chain: each process forks the next, depth levels deep, and exits with its
 * child's code plus one. */
static int chain(int depth)
{
	pid_t pid;

	if (depth == 0)
		return 0;
	pid = fork();
	if (pid < 0)
		return 200;
	if (pid == 0)
		_exit(chain(depth - 1));
	return WEXITSTATUS(reap(pid)) + 1;
}

static int chain_root(void *arg)
{
	return chain((int)(intptr_t)arg);
}

/* zombies: children exit while the parent is busy; all are reaped later. */
static void zombies(int n)
{
	volatile int *done = (volatile int *)map_shared(PAGE);
	int ok = 0;

	for (int i = 0; i < n; i++) {
		if (fork_flushed() == 0) {
			__sync_fetch_and_add(done, 1);
			_exit(3);
		}
	}
	wait_for(done, n);
	sleep_ms(20);
	for (int i = 0; i < n; i++) {
		int st;
		if (wait4(-1, &st, 0, NULL) > 0 && WEXITSTATUS(st) == 3)
			ok++;
	}
	say("zombies_reaped_later", "%d of %d", ok, n);
	show_rc("zombies_then_echild", wait4(-1, NULL, WNOHANG, NULL));
}

int main(void)
{
	sequential(200);
	concurrent(20);
	show_child("chain_50_deep", chain_root, (void *)50);
	zombies(20);
	return 0;
}
