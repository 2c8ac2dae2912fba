/* demo_mmapcopy: CS:APP practice problem 9.5. Copy a file of any size to
 * stdout through mmap: the file's pages are mapped (from the page cache),
 * and one write() sends them all; no read() and no buffer of our own.
 *
 *   demo_mmapcopy [FILE]      (default: the notelf text file beside it)
 *
 * Boot with trace=fault to watch each page come from the page cache.
 */
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

static int mmapcopy(int fd, size_t size)
{
	if (size == 0)
		return 0;   /* mmap of length 0 is EINVAL: nothing to copy anyway */
	char *bufp = mmap(NULL, size, PROT_READ, MAP_PRIVATE, fd, 0);
	if (bufp == MAP_FAILED) {
		perror("mmap");
		return 1;
	}
	for (size_t done = 0; done < size;) {
		ssize_t n = write(STDOUT_FILENO, bufp + done, size - done);
		if (n <= 0) {
			perror("write");
			return 1;
		}
		done += (size_t)n;
	}
	return munmap(bufp, size) != 0;
}

int main(int argc, char **argv)
{
	struct stat st;
	char def[512];
	if (argc > 2) {
		fprintf(stderr, "usage: %s [FILE]\n", argv[0]);
		return 2;
	}
	const char *slash = strrchr(argv[0], '/');
	snprintf(def, sizeof def, "%.*snotelf", slash ? (int)(slash - argv[0] + 1) : 0, argv[0]);
	const char *name = argc == 2 ? argv[1] : slash ? def : "/bin/notelf";
	int fd = open(name, O_RDONLY);
	if (fd < 0 || fstat(fd, &st) != 0) {
		perror(name);
		return 1;
	}
	return mmapcopy(fd, (size_t)st.st_size);
}
