/*
 * Reading the multiboot2 boot information (multiboot2 spec, section 3.6):
 * a u32 total size, a u32 reserved, then 8-byte-aligned tags of
 * { u32 type, u32 size, payload }, ending with a tag of type 0.
 */
#include "multiboot2.h"
#include "printk.h"
#include "string.h"
#include "../mm/layout.h"

enum { TAG_END = 0, TAG_CMDLINE = 1, TAG_LOADER = 2, TAG_MODULE = 3, TAG_MMAP = 6,
       TAG_ACPI_OLD = 14, TAG_ACPI_NEW = 15 };

struct tag {
	uint32_t type, size;
};

struct mmap_tag {
	struct tag tag;
	uint32_t entry_size, entry_version;
	struct { uint64_t base, length; uint32_t type, reserved; } entries[];
};

struct module_tag {
	struct tag tag;
	uint32_t start, end;
	char name[];
};

struct boot_info boot_info;

static void take_mmap(const struct mmap_tag *t)
{
	const uint8_t *p = (const uint8_t *)t->entries, *end = (const uint8_t *)t + t->tag.size;
	for (; p + t->entry_size <= end && boot_info.nmmap < (int)ARRAY_SIZE(boot_info.mmap); p += t->entry_size) {
		const struct { uint64_t base, length; uint32_t type; } *e = (const void *)p;
		boot_info.mmap[boot_info.nmmap++] = (struct mb2_region){ e->base, e->length, e->type };
	}
}

static void take_module(const struct module_tag *t)
{
	if (boot_info.nmodules == (int)ARRAY_SIZE(boot_info.modules))
		return;
	struct mb2_module *m = &boot_info.modules[boot_info.nmodules++];
	m->start = t->start;
	m->end = t->end;
	strlcpy(m->name, t->name, sizeof(m->name));
}

/* The tag holds a copy of the RSDP; the newer (ACPI 2.0) one wins. */
static void take_rsdp(const struct tag *t)
{
	size_t n = t->size - sizeof(*t);
	if (n > sizeof(boot_info.rsdp) || (boot_info.rsdp_len && t->type == TAG_ACPI_OLD))
		return;
	memcpy(boot_info.rsdp, t + 1, n);
	boot_info.rsdp_len = n;
}

void mb2_parse(paddr_t mbi)
{
	const uint8_t *base = pa_to_kva(mbi);
	uint32_t total = *(const uint32_t *)base;
	for (uint32_t off = 8; off + sizeof(struct tag) <= total;) {
		const struct tag *t = (const void *)(base + off);
		if (t->type == TAG_END)
			break;
		if (t->type == TAG_CMDLINE)
			strlcpy(boot_info.cmdline, (const char *)(t + 1), sizeof(boot_info.cmdline));
		else if (t->type == TAG_LOADER)
			strlcpy(boot_info.loader, (const char *)(t + 1), sizeof(boot_info.loader));
		else if (t->type == TAG_MMAP)
			take_mmap((const void *)t);
		else if (t->type == TAG_MODULE)
			take_module((const void *)t);
		else if (t->type == TAG_ACPI_OLD || t->type == TAG_ACPI_NEW)
			take_rsdp(t);
		off += (t->size + 7) & ~7u;
	}
}

const char *mb2_region_type(uint32_t type)
{
	switch (type) {
	case MB2_MMAP_AVAILABLE: return "available";
	case MB2_MMAP_ACPI: return "ACPI reclaimable";
	case MB2_MMAP_NVS: return "ACPI NVS";
	case MB2_MMAP_BAD: return "bad RAM";
	default: return "reserved";
	}
}

void mb2_print_mmap(void)
{
	pr_info("memory map from %s:\n", boot_info.loader[0] ? boot_info.loader : "the boot loader");
	for (int i = 0; i < boot_info.nmmap; i++) {
		const struct mb2_region *r = &boot_info.mmap[i];
		pr_info("  [%016lx-%016lx] %8lu KiB  %s\n", r->base, r->base + r->length - 1, r->length >> 10,
		       mb2_region_type(r->type));
	}
	for (int i = 0; i < boot_info.nmodules; i++)
		pr_info("  module %s at [%08lx-%08lx]\n", boot_info.modules[i].name, boot_info.modules[i].start,
		       boot_info.modules[i].end);
}
