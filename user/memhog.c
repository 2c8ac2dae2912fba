/* memhog: touch memory until the machine has none left.
 *
 *   memhog [MIB]   map MIB MiB (default 1024) with MAP_NORESERVE, so mmap
 *                  itself succeeds, then write one byte per page.
 *
 * On a 128 MiB Pagoda the page-fault handler runs out of frames part way:
 * the kernel kills this process with SIGKILL and one console line ("out of
 * memory ..."), and everything it held comes back. The kernel never panics.
 */
#include <stdio.h>
#include <stdlib.h>
#include <sys/mman.h>

int main(int argc, char **argv)
{
	size_t mib = argc > 1 ? strtoul(argv[1], NULL, 10) : 1024;
	size_t len = mib << 20;
	char *p = mmap(NULL, len, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);
	if (p == MAP_FAILED) {
		perror("mmap");
		return 1;
	}
	for (size_t off = 0; off < len; off += 4096)
		p[off] = 1;
	printf("memhog: touched %zu MiB and survived\n", mib);
	return 0;
}
