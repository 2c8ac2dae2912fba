/* fork_wait: fork's two returns, wait4's choices of child, WNOHANG, ECHILD,
 * the order children are reaped in, fork trees, re-parenting of orphans,
 * vfork, and where wait4 writes the status.
 *
 * Parent and children agree through a MAP_SHARED page (struct board); no case
 * depends on timing except through wait_for(), which spins until a flag is set.
 */
#include "testlib.h"

struct board {
	int child_pid;		/* getpid() as the child sees it */
	int child_ppid;		/* getppid() as the child sees it */
	int orphan_ready;
	int orphan_reparented;
	int orphan_pid;
};

static struct board *board;

static int report_ids(void *arg)
{
	(void)arg;
	board->child_pid = getpid();
	board->child_ppid = getppid();
	return 0;
}

static void fork_returns(void)
{
	pid_t me = getpid();
	pid_t pid = fork_flushed();

	if (pid == 0) {
		report_ids(NULL);
		_exit(0);
	}
	reap(pid);
	show_yes("fork_returns_child_pid", board->child_pid == pid);
	show_yes("child_getppid_is_parent", board->child_ppid == me);
	show_yes("child_pid_differs", pid != me);
	show_yes("parent_pid_unchanged", getpid() == me);
}

static pid_t spawn_exit(int code)
{
	pid_t pid = fork_flushed();

	if (pid == 0)
		_exit(code);
	return pid;
}

static void wait_choices(void)
{
	int st = -1;
	pid_t a, b, got;

	show_rc("wait4_no_children", wait4(-1, &st, 0, NULL));
	show_rc("wait4_no_children_wnohang", wait4(-1, &st, WNOHANG, NULL));
	b = spawn_blocked();
	a = spawn_exit(11);
	got = wait4(-1, &st, 0, NULL);
	show_yes("wait4_any_returns_exited_child", got == a);
	show_status("wait4_any_status", st);
	show_rc("wait4_wnohang_running", wait4(b, &st, WNOHANG, NULL));
	show_rc("wait4_nonchild_pid", wait4(getpid(), &st, 0, NULL));
	show_rc("wait4_bad_options", wait4(b, &st, 0x10000, NULL));
	kill(b, SIGKILL);
	show_yes("wait4_specific_pid", wait4(b, &st, 0, NULL) == b);
	show_status("wait4_killed_status", st);
	show_rc("wait4_after_all_reaped", wait4(-1, &st, 0, NULL));
}

static void wnohang_after_exit(void)
{
	int st = -1;
	pid_t a = spawn_exit(12);
	pid_t got = 0;

	while (got == 0)
		got = wait4(a, &st, WNOHANG, NULL);
	show_yes("wnohang_eventually_reaps", got == a);
	show_status("wnohang_status", st);
}

/* wait_order: wait4 for specific pids in an order unrelated to exit order. */
static void wait_order(void)
{
	pid_t pids[5];
	int st, ok = 1;

	for (int i = 0; i < 5; i++)
		pids[i] = spawn_exit(20 + i);
	for (int i = 4; i >= 0; i--) {
		st = reap(pids[i]);
		ok &= WIFEXITED(st) && WEXITSTATUS(st) == 20 + i;
	}
	show_yes("wait_specific_reverse_order", ok);
}

/* tree: a node at depth d forks two children and exits with the sum of their
 * exit codes plus one, so the root's code counts the nodes: 2^(d+1) - 1. */
static int tree_node(int depth)
{
	int sum = 1;

	for (int i = 0; i < 2 && depth > 0; i++) {
		pid_t pid = fork();
		if (pid == 0)
			_exit(tree_node(depth - 1));
		sum += WEXITSTATUS(reap(pid));
	}
	return sum;
}

static int tree_root(void *arg)
{
	return tree_node((int)(intptr_t)arg);
}

static void fork_tree(void)
{
	show_child("fork_tree_depth4_nodes", tree_root, (void *)4);
	show_child("fork_tree_depth6_nodes", tree_root, (void *)6);
}

/* orphan: the middle process exits while its child lives on; the orphan sees
 * its parent change (to init, or a subreaper on the host) and reports it. */
static int orphan_middle(void *arg)
{
	pid_t middle = getpid();
	pid_t pid = fork();

	(void)arg;
	if (pid == 0) {
		board->orphan_pid = getpid();
		board->orphan_ready = 1;
		while (getppid() == middle)
			sleep_ms(2);
		board->orphan_reparented = 1;
		_exit(0);
	}
	wait_for(&board->orphan_ready, 1);
	return 5;
}

static void orphans(void)
{
	show_child("orphan_parent_exit", orphan_middle, NULL);
	wait_for(&board->orphan_reparented, 1);
	show_yes("orphan_reparented", board->orphan_reparented);
	show_rc("orphan_not_our_child", wait4(-1, NULL, WNOHANG, NULL));
	wait_gone(board->orphan_pid);
}

static void status_destinations(void)
{
	int *fresh = (int *)map_anon(PAGE, PROT_READ | PROT_WRITE);
	pid_t a = spawn_exit(13);

	show_yes("wait4_status_into_fresh_page", wait4(a, fresh, 0, NULL) == a);
	show_status("wait4_fresh_page_status", *fresh);
	a = spawn_exit(14);
	show_yes("wait4_null_status", wait4(a, NULL, 0, NULL) == a);
	a = spawn_exit(15);
	show_rc("wait4_status_efault", wait4(a, (int *)KERNEL_ADDR, 0, NULL));
	/* Linux reaps the child before it fails to store the status. */
	show_rc("wait4_efault_child_was_reaped", wait4(a, NULL, WNOHANG, NULL));
}

static void vfork_cases(const char *self)
{
	char *argv[] = { "exit_status", "--exit", "17", NULL };
	char path[PATH_LEN];
	int st;
	pid_t pid;

	fflush(stdout);
	pid = vfork();
	if (pid == 0)
		_exit(16);
	st = reap(pid);
	show_status("vfork_exit", st);
	prog_path(path, self, "exit_status");
	pid = vfork();
	if (pid == 0) {
		execve(path, argv, NULL);
		_exit(99);
	}
	show_status("vfork_execve", reap(pid));
}

int main(int argc, char **argv)
{
	(void)argc;
	board = (struct board *)map_shared(PAGE);
	fork_returns();
	wait_choices();
	wnohang_after_exit();
	wait_order();
	fork_tree();
	orphans();
	status_destinations();
	vfork_cases(self_exe(argv[0]));
	return 0;
}
