/* rawout: output that a byte-exact console path must pass unchanged, for the
 * tools suite's tools/pagoda-run checks (compared with the same binary's
 * output on the host). Every byte value, CR/LF combinations, multi-byte UTF-8
 * written one byte per write() with a yield between (so the serial stream is
 * split inside characters), and no final newline.
 * Regression (issue 19): pagoda-run decoded each serial read separately (a
 * split character became U+FFFD), mangled "\r\n" across reads, and glued the
 * kernel's "init exited" line to a last line without a newline. */
#include <sched.h>
#include <string.h>
#include <unistd.h>

static void put(const void *p, size_t n)
{
	if (write(1, p, n) != (ssize_t)n)
		_exit(1);
}

static void bytewise(const char *s)
{
	for (size_t i = 0; s[i]; i++) {
		put(&s[i], 1);
		sched_yield();
	}
}

int main(int argc, char **argv)
{
	unsigned char all[256];
	const char *utf8 = "h\xc3\xa9llo w\xc3\xb6rld \xe6\x97\xa5\xe6\x9c\xac\xe8\xaa\x9e \xf0\x9f\x90\x89\n";

	for (int i = 0; i < 256; i++)
		all[i] = (unsigned char)i;
	put(all, sizeof(all));
	put("\r\n|\n\r|\r\r\n|\r|\n\n", 14);
	for (int i = 0; i < 8; i++)
		bytewise(utf8);
	for (int i = 255; i >= 0; i--)
		put(&all[i], 1);
	put(argc > 1 ? argv[1] : "no final newline", strlen(argc > 1 ? argv[1] : "no final newline"));
	return 3;
}
