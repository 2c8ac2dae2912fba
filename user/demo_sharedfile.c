/* demo_sharedfile: two processes share a file through MAP_SHARED (CS:APP
 * 9.8.1, shared objects). The parent makes /tmp/demo_sharedfile, maps it,
 * and forks; the child writes a message into its mapping; the parent sees
 * it in its own mapping and through read(), because all three are the same
 * page-cache frame. The smaps lines show the frame counted as Shared.
 *
 *   demo_sharedfile [DIR]      (default /tmp)
 */
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/wait.h>
#include <unistd.h>

enum { SIZE = 4096 };

/* Print the smaps lines about sharing for the area at addr. */
static void show_sharing(const char *who, const void *addr)
{
	static char text[65536];
	FILE *f = fopen("/proc/self/smaps", "r");
	int in = 0;
	while (f && fgets(text, sizeof text, f)) {
		unsigned long lo, hi;
		char dash;
		if (sscanf(text, "%lx%c%lx", &lo, &dash, &hi) == 3 && dash == '-')
			in = (unsigned long)addr >= lo && (unsigned long)addr < hi;
		else if (in && !strstr(text, "Hugetlb") &&
			 (!strncmp(text, "Rss", 3) || !strncmp(text, "Shared", 6) || !strncmp(text, "Private", 7)))
			printf("%s: %s", who, text);
	}
	if (f)
		fclose(f);
}

int main(int argc, char **argv)
{
	char path[256];
	snprintf(path, sizeof path, "%s/demo_sharedfile", argc > 1 ? argv[1] : "/tmp");
	int fd = open(path, O_CREAT | O_RDWR | O_TRUNC, 0644);
	if (fd < 0 || ftruncate(fd, SIZE) != 0) {
		perror(path);
		return 1;
	}
	char *shared = mmap(NULL, SIZE, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
	if (shared == MAP_FAILED) {
		perror("mmap");
		return 1;
	}
	strcpy(shared, "the parent was here");   /* the parent maps the page too */
	printf("parent: mapped %s (%d bytes) MAP_SHARED at %p\n", path, SIZE, (void *)shared);
	fflush(stdout);
	pid_t pid = fork();
	if (pid == 0) {
		strcpy(shared, "hello from the child, through the page cache");
		printf("child:  wrote \"%s\"\n", shared);
		show_sharing("child ", shared);
		fflush(stdout);
		_exit(0);
	}
	waitpid(pid, NULL, 0);
	char buf[64] = "";
	pread(fd, buf, sizeof buf - 1, 0);
	printf("parent: my mapping says \"%s\"\n", shared);
	printf("parent: read() says     \"%s\"\n", buf);
	show_sharing("parent", shared);
	int differ = strcmp(buf, shared) != 0;
	msync(shared, SIZE, MS_SYNC);
	munmap(shared, SIZE);
	close(fd);
	unlink(path);
	return differ;
}
