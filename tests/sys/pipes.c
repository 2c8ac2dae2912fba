/* pipes: pipe(2)/pipe2(2) and the descriptor calls shells use.
 *
 * Data through a pipe, EOF when every writer is gone, EPIPE and SIGPIPE when
 * every reader is; O_NONBLOCK's EAGAIN and the 64 KiB capacity; PIPE_BUF
 * atomicity with several writers; pipe2's flags; dup3 and fcntl
 * (F_DUPFD_CLOEXEC, F_GETFD/F_SETFD, F_GETFL/F_SETFL); poll and ppoll on
 * pipe ends; a blocked read interrupted by a signal (EINTR) or restarted
 * (SA_RESTART); close-on-exec honoured by execve; fstat and lseek.
 */
#define _GNU_SOURCE
#include "testlib.h"
#include <fcntl.h>
#include <poll.h>
#include <sys/ioctl.h>
#include <sys/stat.h>
#include <sys/time.h>

static void basics(void)
{
	int fd[2];
	char buf[64];

	show_rc("pipe", pipe(fd));
	show_rc("write", write(fd[1], "hello", 5));
	int avail = -1;
	ioctl(fd[0], FIONREAD, &avail);
	say("fionread", "%d", avail);
	show_rc("read", read(fd[0], buf, sizeof buf));
	show_rc("write_to_read_end", write(fd[0], "x", 1));
	show_rc("read_from_write_end", read(fd[1], buf, 1));
	show_rc("lseek", lseek(fd[0], 0, SEEK_SET));
	struct stat st;
	fstat(fd[0], &st);
	show_yes("fstat_fifo", S_ISFIFO(st.st_mode));
	close(fd[1]);
	show_rc("read_eof", read(fd[0], buf, sizeof buf));
	close(fd[0]);
	show_rc("pipe_bad_pointer", syscall(SYS_pipe, (void *)KERNEL_ADDR));
	show_rc("pipe2_bad_flags", pipe2(fd, 0x1));
}

static void sigpipe_cases(void)
{
	int fd[2];

	pipe(fd);
	close(fd[0]);
	signal(SIGPIPE, SIG_IGN);
	show_rc("write_no_reader_epipe", write(fd[1], "x", 1));
	signal(SIGPIPE, SIG_DFL);
	pid_t pid = fork_flushed();
	if (pid == 0) {
		write(fd[1], "x", 1);
		_exit(0);
	}
	show_status("write_no_reader_sigpipe", reap(pid));
	close(fd[1]);
}

static void nonblock_cases(void)
{
	int fd[2];
	char buf[4096];
	long total = 0, r;

	show_rc("pipe2_nonblock", pipe2(fd, O_NONBLOCK | O_CLOEXEC));
	show_yes("getfl_nonblock", (fcntl(fd[0], F_GETFL) & O_NONBLOCK) != 0);
	show_yes("getfl_accmode", (fcntl(fd[0], F_GETFL) & O_ACCMODE) == O_RDONLY &&
				      (fcntl(fd[1], F_GETFL) & O_ACCMODE) == O_WRONLY);
	say("getfd_cloexec", "%d", fcntl(fd[0], F_GETFD));
	show_rc("read_empty_eagain", read(fd[0], buf, 1));
	memset(buf, 'z', sizeof buf);
	while ((r = write(fd[1], buf, 1000)) > 0)
		total += r;
	say("capacity", "%ld", total);
	show_rc("write_full_eagain", write(fd[1], buf, 1));
	show_rc("read_some", read(fd[0], buf, 100));
	show_rc("atomic_write_no_room_eagain", write(fd[1], buf, 4096));
	show_rc("setfl_blocking", fcntl(fd[0], F_SETFL, 0));
	show_yes("getfl_blocking", (fcntl(fd[0], F_GETFL) & O_NONBLOCK) == 0);
	show_rc("setfd_clear", fcntl(fd[0], F_SETFD, 0));
	say("getfd_cleared", "%d", fcntl(fd[0], F_GETFD));
	close(fd[0]);
	close(fd[1]);
}

/* Four writers, each writing 40 chunks of PIPE_BUF bytes of its own letter:
 * every chunk the reader sees is whole. */
static void atomic_cases(void)
{
	int fd[2];
	static char chunk[4096];
	int torn = 0, chunks = 0;

	pipe(fd);
	for (int w = 0; w < 4; w++) {
		if (fork_flushed() == 0) {
			close(fd[0]);
			memset(chunk, 'a' + w, sizeof chunk);
			for (int i = 0; i < 40; i++)
				write(fd[1], chunk, sizeof chunk);
			_exit(0);
		}
	}
	close(fd[1]);
	for (;;) {
		size_t got = 0;
		ssize_t r = 0;
		while (got < sizeof chunk && (r = read(fd[0], chunk + got, sizeof chunk - got)) > 0)
			got += (size_t)r;
		if (got == 0)
			break;
		chunks++;
		torn += got != sizeof chunk || !check_bytes(chunk, sizeof chunk, chunk[0]);
	}
	while (wait(NULL) > 0)
		;
	say("atomic_chunks", "%d", chunks);
	say("atomic_torn", "%d", torn);
	close(fd[0]);
}

static void dup_cases(void)
{
	int fd[2];

	pipe(fd);
	show_rc("dup3_same_fd", dup3(fd[0], fd[0], 0));
	show_rc("dup3_bad_flags", dup3(fd[0], 20, 0x4));
	show_rc("dup3_cloexec", dup3(fd[0], 20, O_CLOEXEC));
	say("dup3_getfd", "%d", fcntl(20, F_GETFD));
	show_rc("dup2_same_fd", dup2(fd[0], fd[0]));
	show_rc("dup2_bad_old", dup2(99, 21));
	int n = fcntl(fd[1], F_DUPFD_CLOEXEC, 25);
	say("dupfd_cloexec_lowest", "%d", n);
	say("dupfd_cloexec_getfd", "%d", fcntl(n, F_GETFD));
	show_rc("dupfd_bad_limit", fcntl(fd[1], F_DUPFD, 100000));
	write(n, "via dup", 7);
	char buf[16] = { 0 };
	read(20, buf, sizeof buf);
	say("data_through_dups", "%s", buf);
	close(n);
	close(20);
	close(fd[0]);
	close(fd[1]);
}

static void poll_cases(void)
{
	int fd[2];
	struct pollfd p[2];

	pipe(fd);
	p[0] = (struct pollfd){ .fd = fd[0], .events = POLLIN };
	p[1] = (struct pollfd){ .fd = fd[1], .events = POLLOUT };
	show_rc("poll_empty", poll(p, 2, 0));
	say("poll_empty_revents", "%x %x", p[0].revents, p[1].revents);
	write(fd[1], "x", 1);
	show_rc("poll_data", poll(p, 2, 0));
	say("poll_data_revents", "%x %x", p[0].revents, p[1].revents);
	struct timespec ts = { 0, 20000000 };
	p[1].fd = -1;
	read(fd[0], (char[1]){ 0 }, 1);
	show_rc("ppoll_timeout", ppoll(p, 1, &ts, NULL));
	close(fd[1]);
	show_rc("poll_hup", poll(p, 1, 100));
	say("poll_hup_revents", "%x", p[0].revents);
	p[0].fd = 99;
	show_rc("poll_bad_fd", poll(p, 1, 0));
	say("poll_nval_revents", "%x", p[0].revents);
	close(fd[0]);
	pipe(fd);
	close(fd[0]);
	p[0] = (struct pollfd){ .fd = fd[1], .events = POLLOUT };
	show_rc("poll_no_reader", poll(p, 1, 0));
	say("poll_no_reader_revents", "%x", p[0].revents);
	close(fd[1]);
}

static volatile int alarms;

static void on_alarm(int sig)
{
	(void)sig;
	alarms++;
}

static pid_t writer_after_alarm(int wfd)
{
	pid_t pid = fork_flushed();

	if (pid == 0) {
		sleep_ms(200);
		write(wfd, "late", 4);
		_exit(0);
	}
	return pid;
}

static void eintr_cases(void)
{
	int fd[2];
	char buf[8];
	struct itimerval it = { { 0, 0 }, { 0, 20000 } };

	pipe(fd);
	set_handler(SIGALRM, on_alarm, 0);
	setitimer(ITIMER_REAL, &it, NULL);
	show_rc("blocked_read_eintr", read(fd[0], buf, sizeof buf));
	set_handler(SIGALRM, on_alarm, SA_RESTART);
	alarms = 0;
	pid_t pid = writer_after_alarm(fd[1]);
	setitimer(ITIMER_REAL, &it, NULL);
	show_rc("blocked_read_restarted", read(fd[0], buf, sizeof buf));
	show_yes("handler_ran_during_read", alarms == 1);
	reap(pid);
	set_handler(SIGALRM, on_alarm, 0);
	setitimer(ITIMER_REAL, &it, NULL);
	struct pollfd p = { .fd = fd[0], .events = POLLIN };
	show_rc("poll_eintr", poll(&p, 1, -1));
	signal(SIGALRM, SIG_DFL);
	close(fd[0]);
	close(fd[1]);
}

static void cloexec_cases(const char *argv0)
{
	int fd[2];

	pipe2(fd, O_CLOEXEC);
	dup2(fd[1], 30);   /* dup2: no O_CLOEXEC on 30 */
	pid_t pid = fork_flushed();
	if (pid == 0) {
		execl(self_exe(argv0), argv0, "child", NULL);
		_exit(127);
	}
	close(30);
	close(fd[1]);
	show_status("exec_child", reap(pid));
	char buf[64] = { 0 };
	read(fd[0], buf, sizeof buf - 1);
	say("exec_child_says", "%s", buf);
	close(fd[0]);
}

/* The exec'd child: fd 30 survived execve; fd[1] (O_CLOEXEC) did not. */
static int exec_child(void)
{
	char msg[64];
	int open_fds = 0;

	for (int fd = 3; fd < 30; fd++)
		open_fds += fcntl(fd, F_GETFD) != -1;
	snprintf(msg, sizeof msg, "fd30 open, %d cloexec fds left", open_fds);
	write(30, msg, strlen(msg));
	return 0;
}

int main(int argc, char **argv)
{
	if (argc > 1)
		return exec_child();
	basics();
	sigpipe_cases();
	nonblock_cases();
	atomic_cases();
	dup_cases();
	poll_cases();
	eintr_cases();
	cloexec_cases(argv[0]);
	return 0;
}
