/* fsworkload DIR: a fixed file-system workload in DIR, printing one line
 * per step, the same on Linux and on Pagoda. tests/run.py's ext2 suite runs
 * it on the host (in a directory) and on Pagoda (in an ext2 image at /mnt),
 * compares the two outputs, then checks the image with e2fsck and compares
 * its tree (debugfs rdump) with the host's.
 *
 * DIR/seed holds what the image was made with (mke2fs -d): hello.txt and
 * big.bin (512 KiB of the pattern below); the workload writes under DIR/w.
 * Covers: create, write, read back, truncate down and up, holes, unlink,
 * rename (a file over another, a directory to another parent), mkdir,
 * rmdir, a directory of many entries, a file into the double-indirect range
 * (4.5 MiB: past 12 + 256 + 256^2 KiB blocks' single-indirect reach with
 * 1 KiB blocks, past 12 + 1024 blocks with 4 KiB blocks), MAP_SHARED writes. */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

static char dir[256];
static int failures;

static const char *at(const char *rel)
{
	static char buf[4][512];
	static int i;
	i = (i + 1) % 4;
	snprintf(buf[i], sizeof(buf[i]), "%s/%s", dir, rel);
	return buf[i];
}

static void check(const char *what, int ok)
{
	printf("%s: %s\n", what, ok ? "ok" : strerror(errno));
	if (!ok)
		failures++;
}

static unsigned char pattern(unsigned long i)
{
	return (unsigned char)((i * 2654435761u) >> 13);
}

static int write_all(int fd, const void *buf, size_t n)
{
	const char *p = buf;
	while (n) {
		ssize_t k = write(fd, p, n);
		if (k <= 0)
			return 0;
		p += k;
		n -= k;
	}
	return 1;
}

static int write_file(const char *path, const char *text)
{
	int fd = open(path, O_CREAT | O_WRONLY | O_TRUNC, 0644);
	if (fd < 0)
		return 0;
	int ok = write_all(fd, text, strlen(text));
	return close(fd) == 0 && ok;
}

static long read_file(const char *path, char *buf, size_t n)
{
	int fd = open(path, O_RDONLY);
	if (fd < 0)
		return -1;
	long got = 0, k;
	while (got < (long)n && (k = read(fd, buf + got, n - got)) > 0)
		got += k;
	close(fd);
	return got;
}

static void seed(void)
{
	char buf[64] = { 0 };
	long n = read_file(at("seed/hello.txt"), buf, sizeof(buf) - 1);
	printf("seed hello: %ld %s", n, buf);
	static unsigned char big[512 * 1024];
	n = read_file(at("seed/big.bin"), (char *)big, sizeof(big));
	int same = n == (long)sizeof(big);
	for (long i = 0; same && i < n; i++)
		same = big[i] == pattern(i);
	check("seed big.bin matches", same);
}

static void many_entries(void)
{
	char name[64], text[64];
	int ok = mkdir(at("w/many"), 0755) == 0;
	for (int i = 0; i < 400 && ok; i++) {
		snprintf(name, sizeof(name), "w/many/f%03d", i);
		snprintf(text, sizeof(text), "file %d\n", i);
		ok = write_file(at(name), text);
	}
	check("many: 400 files", ok);
	for (int i = 0; i < 400 && ok; i += 3) {
		snprintf(name, sizeof(name), "w/many/f%03d", i);
		ok = unlink(at(name)) == 0;
	}
	check("many: unlink every third", ok);
	for (int i = 1; i < 400 && ok; i += 3) {
		char to[64];
		snprintf(name, sizeof(name), "w/many/f%03d", i);
		snprintf(to, sizeof(to), "w/many/r%03d", i);
		ok = rename(at(name), at(to)) == 0;
	}
	check("many: rename", ok);
	DIR *d = opendir(at("w/many"));
	int count = 0;
	unsigned long sum = 0;
	for (struct dirent *e; d && (e = readdir(d));) {   /* order-independent: a sum of hashes */
		unsigned long h = 0;
		count++;
		for (char *c = e->d_name; *c; c++)
			h = (h * 31 + (unsigned char)*c) % 1000000007;
		sum = (sum + h) % 1000000007;
	}
	if (d)
		closedir(d);
	printf("many: %d entries, name sum %lu\n", count, sum);
}

static void big_file(void)
{
	enum { SIZE = 4608 * 1024, CHUNK = 64 * 1024 };
	static unsigned char buf[CHUNK];
	int fd = open(at("w/big"), O_CREAT | O_RDWR | O_TRUNC, 0644);
	int ok = fd >= 0;
	for (long off = 0; ok && off < SIZE; off += CHUNK) {
		for (long i = 0; i < CHUNK; i++)
			buf[i] = pattern(off + i);
		ok = write_all(fd, buf, CHUNK);
	}
	check("big: write 4.5 MiB", ok);
	ok = ok && fsync(fd) == 0;
	check("big: fsync", ok);
	for (long off = 0; ok && off < SIZE; off += CHUNK) {
		ok = pread(fd, buf, CHUNK, off) == CHUNK;
		for (long i = 0; ok && i < CHUNK; i++)
			ok = buf[i] == pattern(off + i);
	}
	check("big: read back", ok);
	if (fd >= 0)
		close(fd);
	int cut = open(at("w/cut"), O_CREAT | O_RDWR | O_TRUNC, 0644);   /* truncated across the indirect levels */
	ok = cut >= 0;
	for (long off = 0; ok && off < SIZE; off += CHUNK) {
		for (long i = 0; i < CHUNK; i++)
			buf[i] = pattern(off + i + 1);
		ok = write_all(cut, buf, CHUNK);
	}
	ok = ok && ftruncate(cut, 300 * 1024 + 17) == 0;
	ok = ok && pread(cut, buf, CHUNK, 256 * 1024) == 44 * 1024 + 17;
	for (long i = 0; ok && i < 44 * 1024 + 17; i++)
		ok = buf[i] == pattern(256 * 1024 + i + 1);
	check("cut: 4.5 MiB truncated to 300 KiB", ok);
	if (cut >= 0)
		close(cut);
	int gone = open(at("w/gone.bin"), O_CREAT | O_RDWR | O_TRUNC, 0644);   /* all its blocks freed */
	ok = gone >= 0;
	for (long off = 0; ok && off < 1024 * 1024; off += CHUNK)
		ok = write_all(gone, buf, CHUNK);
	ok = ok && close(gone) == 0 && unlink(at("w/gone.bin")) == 0;
	check("gone.bin: 1 MiB written and unlinked", ok);
}

static void sparse_and_truncate(void)
{
	int fd = open(at("w/sparse"), O_CREAT | O_RDWR, 0644);
	int ok = fd >= 0 && pwrite(fd, "end", 3, 3 * 1024 * 1024 + 5) == 3;
	char buf[4096] = { 1 };
	ok = ok && pread(fd, buf, sizeof(buf), 1024 * 1024) == sizeof(buf);
	for (size_t i = 0; ok && i < sizeof(buf); i++)
		ok = buf[i] == 0;
	struct stat st;
	ok = ok && fstat(fd, &st) == 0;
	printf("sparse: size %lld\n", ok ? (long long)st.st_size : -1LL);
	check("sparse: hole reads zeros", ok);
	close(fd);

	static unsigned char data[100000];
	for (size_t i = 0; i < sizeof(data); i++)
		data[i] = pattern(i + 7);
	fd = open(at("w/trunc"), O_CREAT | O_RDWR, 0644);
	ok = fd >= 0 && write_all(fd, data, sizeof(data));
	ok = ok && ftruncate(fd, 5000) == 0 && ftruncate(fd, 20000) == 0;
	static unsigned char back[20000];
	ok = ok && pread(fd, back, sizeof(back), 0) == sizeof(back);
	for (size_t i = 0; ok && i < sizeof(back); i++)
		ok = back[i] == (i < 5000 ? data[i] : 0);
	check("trunc: down to 5000, up to 20000", ok);
	close(fd);
}

static void directories(void)
{
	check("mkdir w/gone", mkdir(at("w/gone"), 0755) == 0);
	check("create w/gone/x", write_file(at("w/gone/x"), "x\n"));
	errno = 0;
	printf("rmdir non-empty: %s\n", rmdir(at("w/gone")) == 0 ? "removed" : strerror(errno));
	check("unlink w/gone/x", unlink(at("w/gone/x")) == 0);
	check("rmdir w/gone", rmdir(at("w/gone")) == 0);
	check("mkdir w/x/y", mkdir(at("w/x"), 0755) == 0 && mkdir(at("w/x/y"), 0755) == 0);
	check("rename w/x/y to w/a/y", rename(at("w/x/y"), at("w/a/y")) == 0);
	struct stat a, dd;
	int ok = stat(at("w/a"), &a) == 0 && stat(at("w/a/y/.."), &dd) == 0;
	check("w/a/y/.. is w/a", ok && a.st_ino == dd.st_ino);
	struct stat w, x;
	ok = stat(at("w"), &w) == 0 && stat(at("w/x"), &x) == 0;
	printf("links: w %ld, w/a %ld, w/x %ld\n", (long)w.st_nlink, (long)a.st_nlink, (long)x.st_nlink);
}

static void rename_over(void)
{
	check("write over1, over2", write_file(at("w/over1"), "one\n") && write_file(at("w/over2"), "two\n"));
	check("rename over1 over over2", rename(at("w/over1"), at("w/over2")) == 0);
	char buf[16] = { 0 };
	read_file(at("w/over2"), buf, sizeof(buf) - 1);
	printf("over2 now: %s", buf);
	errno = 0;
	printf("over1: %s\n", access(at("w/over1"), F_OK) == 0 ? "exists" : strerror(errno));
}

static void shared_mapping(void)
{
	int fd = open(at("w/mapped"), O_CREAT | O_RDWR | O_TRUNC, 0644);
	int ok = fd >= 0 && ftruncate(fd, 8192) == 0;
	char *p = ok ? mmap(NULL, 8192, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0) : MAP_FAILED;
	ok = p != MAP_FAILED;
	if (ok) {
		for (int i = 0; i < 8192; i++)
			p[i] = 'a' + i % 26;
		ok = msync(p, 8192, MS_SYNC) == 0 && munmap(p, 8192) == 0;
	}
	check("mapped: MAP_SHARED write, msync", ok);
	if (fd >= 0)
		close(fd);
}

int main(int argc, char **argv)
{
	if (argc != 2) {
		fprintf(stderr, "usage: fsworkload DIR\n");
		return 2;
	}
	snprintf(dir, sizeof(dir), "%s", argv[1]);
	seed();
	check("mkdir w, w/a, w/a/b", mkdir(at("w"), 0755) == 0 && mkdir(at("w/a"), 0755) == 0 &&
					     mkdir(at("w/a/b"), 0755) == 0);
	many_entries();
	big_file();
	sparse_and_truncate();
	directories();
	rename_over();
	shared_mapping();
	sync();
	printf("fsworkload: %d failures\n", failures);
	return failures != 0;
}
