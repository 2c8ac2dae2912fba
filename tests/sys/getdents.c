/* getdents: reading the program directory with getdents64. The directory's
 * full contents differ between the host build directory and Pagoda's /bin, so
 * only what both contain is checked: ".", "..", this program and "notelf",
 * with their d_type, a stable count across a rewind, and the errors.
 */
#include <dirent.h>
#include <stddef.h>
#include <fcntl.h>
#include "testlib.h"

struct dirent64_raw {
	unsigned long long d_ino;
	long long d_off;
	unsigned short d_reclen;
	unsigned char d_type;
	char d_name[];
};

struct scan {
	int entries, dot, dotdot, self, notelf, bad_reclen, calls;
	int self_type, notelf_type, dot_type;
};

static void note(struct scan *s, const struct dirent64_raw *d, const char *me)
{
	s->entries++;
	if (d->d_reclen % 8 || d->d_reclen < offsetof(struct dirent64_raw, d_name) + 2)
		s->bad_reclen++;
	if (!strcmp(d->d_name, ".")) {
		s->dot++;
		s->dot_type = d->d_type;
	} else if (!strcmp(d->d_name, "..")) {
		s->dotdot++;
	} else if (!strcmp(d->d_name, me)) {
		s->self++;
		s->self_type = d->d_type;
	} else if (!strcmp(d->d_name, "notelf")) {
		s->notelf++;
		s->notelf_type = d->d_type;
	}
}

/* scan_dir: read fd to the end with a bufsize-byte buffer. */
static long scan_dir(int fd, size_t bufsize, const char *me, struct scan *s)
{
	char buf[4096] __attribute__((aligned(8)));
	long n;

	memset(s, 0, sizeof *s);
	while ((n = syscall(SYS_getdents64, fd, buf, bufsize)) > 0) {
		s->calls++;
		for (long off = 0; off < n;) {
			const struct dirent64_raw *d = (const void *)(buf + off);
			note(s, d, me);
			off += d->d_reclen;
		}
	}
	return n;
}

static void listing(const char *dir, const char *me)
{
	int fd = open(dir, O_RDONLY | O_DIRECTORY);
	struct scan a, b;

	show_rc("getdents_to_end", scan_dir(fd, sizeof(char[4096]), me, &a));
	show_yes("getdents_has_dot", a.dot == 1 && a.dot_type == DT_DIR);
	show_yes("getdents_has_dotdot", a.dotdot == 1);
	show_yes("getdents_has_self", a.self == 1);
	say("getdents_self_type", "%s", a.self_type == DT_REG ? "DT_REG" : "other");
	show_yes("getdents_has_notelf", a.notelf == 1 && a.notelf_type == DT_REG);
	show_yes("getdents_reclen_aligned", a.bad_reclen == 0);
	show_rc("getdents_at_end_again", syscall(SYS_getdents64, fd, (char[512]){ 0 }, 512));
	lseek(fd, 0, SEEK_SET);
	scan_dir(fd, 64, me, &b);
	show_yes("getdents_small_buffer_same_entries", a.entries == b.entries);
	show_yes("getdents_small_buffer_more_calls", b.calls >= a.entries / 2);
	lseek(fd, 0, SEEK_SET);
	show_rc("getdents_buffer_too_small", syscall(SYS_getdents64, fd, (char[8]){ 0 }, 8));
	show_rc("getdents_buffer_kernel", syscall(SYS_getdents64, fd, KERNEL_ADDR, 4096));
	show_rc("getdents_buffer_unmapped", syscall(SYS_getdents64, fd, unmapped_page(), 4096));
	close(fd);
	show_rc("getdents_closed_fd", syscall(SYS_getdents64, fd, (char[512]){ 0 }, 512));
}

static void not_a_dir(const char *self)
{
	int fd = open(self, O_RDONLY);

	show_rc("getdents_on_file", syscall(SYS_getdents64, fd, (char[512]){ 0 }, 512));
	close(fd);
}

int main(int argc, char **argv)
{
	const char *slash = strrchr(argv[0], '/');

	(void)argc;
	listing(prog_dir(argv[0]), slash ? slash + 1 : argv[0]);
	not_a_dir(self_exe(argv[0]));
	return 0;
}
