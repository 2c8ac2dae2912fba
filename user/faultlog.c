/* faultlog: the kernel's last page faults (CS:APP 9.3.4), from /proc/faultlog.
 *
 *   faultlog          every fault the kernel still remembers (the last 128)
 *   faultlog PROG     only those taken by processes named PROG
 *
 * One line per fault, key=value (seq, pid, comm, addr, rip, access, mode,
 * area, prot, backing, result, pfn, ref, case): what faulted, in which area,
 * and how the kernel resolved it. Boot with trace=fault to see the same
 * events as they happen.
 */
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

int main(int argc, char **argv)
{
	static char buf[1 << 16];
	char want[64] = "";
	ssize_t len = 0, n;
	int fd = open("/proc/faultlog", O_RDONLY);
	if (argc > 2 || (argc == 2 && argv[1][0] == '-')) {
		fprintf(stderr, "usage: faultlog [PROG]\n");
		return 2;
	}
	if (fd < 0) {
		perror("/proc/faultlog");
		return 1;
	}
	while (len < (ssize_t)sizeof buf - 1 && (n = read(fd, buf + len, sizeof buf - 1 - len)) > 0)
		len += n;
	buf[len] = 0;
	if (argc == 2)
		snprintf(want, sizeof want, " comm=%s ", argv[1]);
	for (char *line = strtok(buf, "\n"); line; line = strtok(NULL, "\n"))
		if (!want[0] || strstr(line, want))
			printf("%s\n", line);
	return 0;
}
