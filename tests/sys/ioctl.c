/* ioctl: Pagoda answers TCGETS and TIOCGWINSZ on the console and ENOTTY on
 * everything else. The host's fd 1 is a file or a pipe where Pagoda's is the
 * console, so for fd 1 only the agreement of the two requests is printed.
 */
#include <fcntl.h>
#include "testlib.h"

enum { TCGETS_REQ = 0x5401, TIOCGWINSZ_REQ = 0x5413 };

static long do_ioctl(int fd, unsigned long req, void *arg)
{
	return syscall(SYS_ioctl, fd, req, arg);
}

int main(int argc, char **argv)
{
	char buf[128];
	int fd = open(self_exe(argv[0]), O_RDONLY);
	int dir = open(prog_dir(argv[0]), O_RDONLY | O_DIRECTORY);
	long a, b;
	int ea, eb;

	(void)argc;
	show_rc("tcgets_on_file", do_ioctl(fd, TCGETS_REQ, buf));
	show_rc("tiocgwinsz_on_file", do_ioctl(fd, TIOCGWINSZ_REQ, buf));
	show_rc("unknown_request_on_file", do_ioctl(fd, 0x1234, buf));
	show_rc("tcgets_on_dir", do_ioctl(dir, TCGETS_REQ, buf));
	show_rc("tcgets_bad_fd", do_ioctl(99, TCGETS_REQ, buf));
	show_rc("tiocgwinsz_negative_fd", do_ioctl(-1, TIOCGWINSZ_REQ, buf));
	a = do_ioctl(1, TCGETS_REQ, buf);
	ea = errno;
	b = do_ioctl(1, TIOCGWINSZ_REQ, buf);
	eb = errno;
	show_yes("stdout_tty_requests_agree", (a == 0 && b == 0) ||
		 (a == -1 && b == -1 && ea == ENOTTY && eb == ENOTTY));
	show_yes("isatty_agrees", isatty(1) == (a == 0));
	close(fd);
	close(dir);
	return 0;
}
