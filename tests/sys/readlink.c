/* readlink: /proc/self/exe names the running program; a regular file is not
 * a link (EINVAL); errors for a missing path, a zero size and a bad buffer. */
#include <string.h>
#include <sys/syscall.h>
#include "testlib.h"

int main(int argc, char **argv)
{
	char buf[256];
	const char *self = self_exe(argv[0]);
	long n = syscall(SYS_readlink, "/proc/self/exe", buf, sizeof buf - 1);
	buf[n > 0 ? n : 0] = 0;
	show_yes("exe_names_this_program", n > 9 && !strcmp(buf + n - 9, "/readlink"));
	show_yes("exe_not_nul_terminated_count", n == (long)strlen(buf));
	show_rc("exe_size_3", syscall(SYS_readlink, "/proc/self/exe", buf, 3));
	show_rc("regular_file_is_not_a_link", syscall(SYS_readlink, self, buf, sizeof buf));
	show_rc("missing_path", syscall(SYS_readlink, "/no/such/file", buf, sizeof buf));
	show_rc("zero_size", syscall(SYS_readlink, "/proc/self/exe", buf, 0));
	show_rc("kernel_buffer", syscall(SYS_readlink, "/proc/self/exe", KERNEL_ADDR, sizeof buf));
	show_rc("kernel_path", syscall(SYS_readlink, KERNEL_ADDR, buf, sizeof buf));
	(void)argc;
	return 0;
}
