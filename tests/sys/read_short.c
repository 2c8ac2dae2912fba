/* read_short: a read into a buffer whose tail cannot be written returns the
 * bytes that fit before the first bad page (a short count), not EFAULT;
 * EFAULT only when nothing could be copied.
 * Regression (issue 19): the whole read failed with EFAULT.
 */
#include <fcntl.h>
#include <sys/uio.h>
#include "testlib.h"

int main(int argc, char **argv)
{
	(void)argc;
	int fd = open(self_exe(argv[0]), O_RDONLY);
	if (fd < 0)
		setup_fail("open self");
	char *w = reserve(6);
	char *p = place(w + PAGE, 3, PROT_READ | PROT_WRITE);   /* w + 4 PAGE stays PROT_NONE */
	show_rc("file_tail_prot_none", read(fd, p + 100, 3 * PAGE));
	show_rc("file_offset_after_short_read", lseek(fd, 0, SEEK_CUR));
	show_rc("file_aligned_tail", pread(fd, p, 4 * PAGE, 0));
	show_rc("file_all_prot_none", pread(fd, w, PAGE, 0));
	show_rc("file_read_only_tail", (mprotect(p + 2 * PAGE, PAGE, PROT_READ), pread(fd, p + 10, 3 * PAGE, 0)));
	mprotect(p + 2 * PAGE, PAGE, PROT_READ | PROT_WRITE);
	struct iovec iov[2] = { { p, 100 }, { w + 4 * PAGE, 100 } };
	show_rc("readv_second_vector_bad", readv(fd, iov, 2));
	close(fd);

	int maps = open("/proc/self/maps", O_RDONLY);
	char *q = p + 3 * PAGE - 16;   /* 16 good bytes, then the PROT_NONE page */
	show_rc("proc_maps_tail_prot_none", read(maps, q, 200));
	show_rc("proc_maps_all_prot_none", read(maps, w, 200));
	close(maps);
	return 0;
}
