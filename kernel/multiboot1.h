#ifndef PAGODA_MULTIBOOT1_H
#define PAGODA_MULTIBOOT1_H
#include "types.h"

#define MB1_BOOTLOADER_MAGIC 0x2badb002

/* Copy a multiboot1 loader's information (QEMU's -kernel) into boot_info
 * (multiboot2.h), as mb2_parse does for GRUB's. */
void mb1_parse(paddr_t mbi);

#endif
