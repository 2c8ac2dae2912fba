/* stat_flags: the flags newfstatat accepts (stat(2)): AT_SYMLINK_NOFOLLOW,
 * AT_EMPTY_PATH and AT_NO_AUTOMOUNT (which Linux always implies for stat);
 * any other low bit is EINVAL. */
#include <fcntl.h>
#include <sys/stat.h>
#include "testlib.h"

static long fstatat_raw(int dirfd, const char *path, int flags)
{
	struct stat st;
	return syscall(SYS_newfstatat, dirfd, path, &st, flags);
}

int main(void)
{
	show_rc("no_automount_accepted", fstatat_raw(AT_FDCWD, "/", AT_NO_AUTOMOUNT));
	show_rc("no_automount_with_nofollow", fstatat_raw(AT_FDCWD, "/", AT_NO_AUTOMOUNT | AT_SYMLINK_NOFOLLOW));
	show_rc("no_automount_missing_file", fstatat_raw(AT_FDCWD, "/no/such/file", AT_NO_AUTOMOUNT));
	show_rc("unknown_flag_einval", fstatat_raw(AT_FDCWD, "/", 0x1));
	return 0;
}
