/* fsparallel DIR N: N processes at once, each making, writing, renaming and
 * removing files in its own DIR/pK, with one shared directory DIR/shared
 * they all add to; then the parent checks what is left. On Pagoda this runs
 * the file system's lock and the disk's request queue with several
 * processes sleeping on I/O at once; tests/run.py then runs e2fsck. */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

static int child(const char *dir, int k)
{
	char d[256], path[512], to[512];
	static char buf[200 * 1024];
	snprintf(d, sizeof(d), "%s/p%d", dir, k);
	if (mkdir(d, 0755))
		return 1;
	memset(buf, 'a' + k, sizeof(buf));
	for (int i = 0; i < 40; i++) {
		snprintf(path, sizeof(path), "%s/f%d", d, i);
		int fd = open(path, O_CREAT | O_WRONLY | O_TRUNC, 0644);
		size_t n = (i % 4 == 0) ? sizeof(buf) : (size_t)(100 + i);
		if (fd < 0 || write(fd, buf, n) != (ssize_t)n || close(fd))
			return 2;
		snprintf(path, sizeof(path), "%s/shared/c%d-%d", dir, k, i);
		fd = open(path, O_CREAT | O_WRONLY, 0644);
		if (fd < 0 || close(fd))
			return 3;
	}
	for (int i = 0; i < 40; i += 2) {
		snprintf(path, sizeof(path), "%s/f%d", d, i);
		snprintf(to, sizeof(to), "%s/shared/r%d-%d", dir, k, i);
		if (rename(path, to))
			return 4;
		snprintf(path, sizeof(path), "%s/shared/c%d-%d", dir, k, i);
		if (unlink(path))
			return 5;
	}
	return 0;
}

static int count(const char *path)
{
	DIR *d = opendir(path);
	int n = 0;
	for (struct dirent *e; d && (e = readdir(d));)
		n += e->d_name[0] != '.';
	if (d)
		closedir(d);
	return n;
}

int main(int argc, char **argv)
{
	if (argc != 3)
		return 2;
	int n = atoi(argv[2]), bad = 0;
	char path[256];
	snprintf(path, sizeof(path), "%s/shared", argv[1]);
	if (mkdir(path, 0755))
		return 1;
	for (int k = 0; k < n; k++)
		if (fork() == 0)
			_exit(child(argv[1], k));
	for (int k = 0; k < n; k++) {
		int st;
		wait(&st);
		bad += !WIFEXITED(st) || WEXITSTATUS(st);
	}
	printf("fsparallel: %d children failed\n", bad);
	printf("fsparallel: shared has %d entries\n", count(path));
	for (int k = 0; k < n; k++) {
		snprintf(path, sizeof(path), "%s/p%d", argv[1], k);
		printf("fsparallel: p%d has %d entries\n", k, count(path));
	}
	sync();
	return bad != 0;
}
