/* elf_check never trusts the file: truncated and corrupted copies of a real
 * program are rejected with -ENOEXEC (or accepted when still valid), and
 * nothing faults. The program is /bin/init from the ramdisk. */
#include "../../kernel/elf.h"
#include "../../kernel/errno.h"
#include "../../kernel/ktest.h"
#include "../../fs/ramfs.h"
#include "../../kernel/string.h"
#include "../../mm/kheap.h"

static const struct ramfs_file *program(void)
{
	return ramfs_lookup("/bin/init");
}

KTEST(elf_accepts_a_real_program)
{
	const struct ramfs_file *f = program();
	struct elf_image img;
	KT_ASSERT(f);
	KT_EQ(elf_check(f->data, f->size, &img), 0);
	KT_ASSERT(img.entry >= 0x400000);
	KT_ASSERT(img.end > img.entry);
}

KTEST(elf_rejects_truncations)
{
	const struct ramfs_file *f = program();
	struct elf_image img;
	for (uint64_t n = 0; n < 64 + 56 * 4; n++)   /* header and program headers cut anywhere */
		KT_EQ(elf_check(f->data, n, &img), -ENOEXEC);
}

/* Flip bytes of the headers one at a time, with a fixed pseudo-random
 * sequence: every result must be 0 or -ENOEXEC. */
KTEST(elf_survives_corrupted_headers)
{
	const struct ramfs_file *f = program();
	size_t n = 64 + 56 * 8;
	uint8_t *copy = kmalloc(f->size);
	uint64_t seed = 42;
	int rejected = 0;
	for (int round = 0; round < 2000; round++) {
		memcpy(copy, f->data, n);
		seed = seed * 6364136223846793005ul + 1442695040888963407ul;
		size_t at = (seed >> 33) % n;
		copy[at] ^= (uint8_t)(seed >> 20) | 1;
		struct elf_image img;
		int r = elf_check(copy, f->size < n ? f->size : (seed >> 40) % 2 ? f->size : n, &img);
		KT_ASSERT(r == 0 || r == -ENOEXEC);
		rejected += r == -ENOEXEC;
	}
	kfree(copy);
	KT_ASSERT(rejected > 100);
}
