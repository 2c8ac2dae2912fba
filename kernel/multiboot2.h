#ifndef PAGODA_MULTIBOOT2_H
#define PAGODA_MULTIBOOT2_H
#include "types.h"

#define MB2_BOOTLOADER_MAGIC 0x36d76289

enum { MB2_MMAP_AVAILABLE = 1, MB2_MMAP_RESERVED = 2, MB2_MMAP_ACPI = 3, MB2_MMAP_NVS = 4, MB2_MMAP_BAD = 5 };

struct mb2_region {
	paddr_t base;
	uint64_t length;
	uint32_t type;
};

struct mb2_module {
	paddr_t start, end;
	char name[64];
};

/* What GRUB told us, copied out of its info structure so that the frame
 * allocator may reuse the memory the structure lives in. */
struct boot_info {
	char cmdline[512];
	char loader[64];
	struct mb2_region mmap[64];
	int nmmap;
	struct mb2_module modules[8];
	int nmodules;
	uint8_t rsdp[36];      /* GRUB's copy of ACPI's RSDP (kernel/acpi.c) */
	size_t rsdp_len;       /* 0: GRUB gave none */
};

extern struct boot_info boot_info;

void mb2_parse(paddr_t mbi);
const char *mb2_region_type(uint32_t type);
void mb2_print_mmap(void);

#endif
