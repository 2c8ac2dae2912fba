/* vmstat: the kernel's virtual-memory counters (CS:APP 9.3: VM as a cache).
 *
 *   vmstat            print /proc/vmstat and /proc/meminfo
 *
 * pgfault counts every page fault; the pagoda_* lines split them by the case
 * mm/fault.c resolved them with (demand-zero, file page, COW copy or reuse).
 */
#include <fcntl.h>
#include <stdio.h>
#include <unistd.h>

static int cat(const char *path)
{
	char buf[4096];
	int fd = open(path, O_RDONLY);
	ssize_t n;

	if (fd < 0) {
		perror(path);
		return 1;
	}
	while ((n = read(fd, buf, sizeof buf)) > 0)
		fwrite(buf, 1, n, stdout);
	close(fd);
	return 0;
}

int main(void)
{
	return cat("/proc/vmstat") | cat("/proc/meminfo");
}
