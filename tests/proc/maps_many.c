/* maps_many: /proc/self/maps of a process with thousands of areas is read
 * whole, across many small read() calls, and the same through one large
 * read. Regression (issue 19): with 2,011 areas Pagoda gave 337 lines, cut
 * at 16,383 bytes. */
#include <fcntl.h>
#include "testlib.h"

enum { AREAS = 2100 };

/* The whole file through reads of `chunk` bytes; its length. */
static size_t read_all(char *buf, size_t cap, size_t chunk, int *calls)
{
	int fd = open("/proc/self/maps", O_RDONLY);
	size_t n = 0;
	long r;
	*calls = 0;
	while (n < cap && (r = read(fd, buf + n, chunk < cap - n ? chunk : cap - n)) > 0) {
		n += r;
		(*calls)++;
	}
	close(fd);
	return n;
}

/* Lines whose area starts inside [p, p + len). */
static int lines_in(const char *text, size_t n, const char *p, size_t len)
{
	int count = 0;
	for (const char *s = text; s < text + n;) {
		unsigned long lo = strtoul(s, NULL, 16);
		count += lo >= (unsigned long)p && lo < (unsigned long)p + len;
		const char *nl = memchr(s, '\n', text + n - s);
		s = nl ? nl + 1 : text + n;
	}
	return count;
}

int main(void)
{
	static char small[1 << 20], big[1 << 20];
	char *p = map_anon(AREAS * PAGE, PROT_READ);
	for (int i = 1; i < AREAS; i += 2)   /* every other page: R, RW, R, RW ... */
		if (mprotect(p + i * PAGE, PAGE, PROT_READ | PROT_WRITE))
			setup_fail("mprotect");
	int calls, calls_big;
	size_t n = read_all(small, sizeof(small), 100, &calls);
	size_t m = read_all(big, sizeof(big), sizeof(big), &calls_big);
	say("areas_listed", "%d", lines_in(small, n, p, AREAS * PAGE));
	show_yes("more_than_100k_bytes", n > 100000);
	show_yes("many_reads", calls > 1000);
	show_yes("ends_with_newline", n && small[n - 1] == '\n');
	show_yes("same_as_one_big_read", n == m && !memcmp(small, big, n));
	return 0;
}
