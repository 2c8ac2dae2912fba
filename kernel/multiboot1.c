/*
 * Reading the multiboot (version 1) boot information (multiboot spec
 * 0.6.96, section 3.3), which QEMU's -kernel passes: a fixed structure
 * whose `flags` say which fields are valid, with physical pointers to the
 * command line, the module list and the memory map. Each memory-map entry
 * starts with its own size, which does not count the size field itself.
 *
 * What it fills is the same boot_info GRUB's multiboot2 tags fill
 * (multiboot2.c), so nothing after kmain's first lines knows which loader
 * ran. The command line's first word is the kernel image's file name (QEMU
 * and GRUB legacy put it there); it is dropped, as multiboot2 does not pass it.
 */
#include "multiboot1.h"
#include "multiboot2.h"
#include "string.h"
#include "../mm/layout.h"

enum { MB1_CMDLINE = 1u << 2, MB1_MODS = 1u << 3, MB1_MMAP = 1u << 6, MB1_LOADER = 1u << 9 };

struct mb1_info {
	uint32_t flags, mem_lower, mem_upper, boot_device, cmdline;
	uint32_t mods_count, mods_addr;
	uint32_t syms[4];
	uint32_t mmap_length, mmap_addr;
	uint32_t drives_length, drives_addr, config_table, boot_loader_name;
};

struct mb1_module {
	uint32_t start, end, string, reserved;
};

struct mb1_mmap_entry {
	uint32_t size;
	uint64_t base, length;
	uint32_t type;
} __attribute__((packed));

static void take_cmdline(const char *s)
{
	while (*s && *s != ' ')
		s++;
	while (*s == ' ')
		s++;
	strlcpy(boot_info.cmdline, s, sizeof(boot_info.cmdline));
}

static void take_modules(const struct mb1_info *mi)
{
	const struct mb1_module *m = pa_to_kva(mi->mods_addr);
	for (uint32_t i = 0; i < mi->mods_count && boot_info.nmodules < (int)ARRAY_SIZE(boot_info.modules); i++) {
		struct mb2_module *out = &boot_info.modules[boot_info.nmodules++];
		out->start = m[i].start;
		out->end = m[i].end;
		strlcpy(out->name, m[i].string ? (const char *)pa_to_kva(m[i].string) : "", sizeof(out->name));
	}
}

static void take_mmap(const struct mb1_info *mi)
{
	const uint8_t *p = pa_to_kva(mi->mmap_addr), *end = p + mi->mmap_length;
	while (p + sizeof(struct mb1_mmap_entry) <= end && boot_info.nmmap < (int)ARRAY_SIZE(boot_info.mmap)) {
		const struct mb1_mmap_entry *e = (const void *)p;
		boot_info.mmap[boot_info.nmmap++] = (struct mb2_region){ e->base, e->length, e->type };
		p += e->size + sizeof(e->size);
	}
}

void mb1_parse(paddr_t mbi)
{
	const struct mb1_info *mi = pa_to_kva(mbi);
	if (mi->flags & MB1_CMDLINE)
		take_cmdline(pa_to_kva(mi->cmdline));
	if (mi->flags & MB1_LOADER)
		strlcpy(boot_info.loader, pa_to_kva(mi->boot_loader_name), sizeof(boot_info.loader));
	if (mi->flags & MB1_MODS)
		take_modules(mi);
	if (mi->flags & MB1_MMAP)
		take_mmap(mi);
}
