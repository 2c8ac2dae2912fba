; The multiboot (version 1) header, for QEMU's `-kernel` (multiboot spec
; 0.6.96, section 3.1): QEMU loads a multiboot1 image itself, through fw_cfg,
; with no boot loader and no disk reads, so `make run` and the tests boot in
; a fraction of the time GRUB takes to read the ISO. GRUB keeps reading the
; multiboot2 header (multiboot2.asm); both lead to _start.
;
; QEMU loads only 32-bit ELF files, so it is given build/kernel.bin, the
; image as it lies in memory (objcopy -O binary: byte 0 is physical
; __boot_start), and flag 16 says where it goes: the header's address fields.
; Always true: this header is in the first 8 KiB of kernel.bin (the
; .multiboot section opens .boot), and the addresses are physical.

MB1_MAGIC        equ 0x1badb002
MB1_PAGE_ALIGN   equ 1 << 0     ; modules on page boundaries
MB1_MEMORY_INFO  equ 1 << 1     ; we need the memory map
MB1_ADDRESSES    equ 1 << 16    ; load by the address fields below, not as ELF
MB1_FLAGS        equ MB1_PAGE_ALIGN | MB1_MEMORY_INFO | MB1_ADDRESSES

extern __boot_start
extern __kernel_end_phys
extern _start

section .multiboot progbits alloc noexec nowrite align=8
align 4
mb1_header:
    dd MB1_MAGIC
    dd MB1_FLAGS
    dd -(MB1_MAGIC + MB1_FLAGS)
    dd mb1_header               ; header_addr: where this header lands
    dd __boot_start             ; load_addr: kernel.bin's first byte
    dd 0                        ; load_end_addr: 0 = the whole file
    dd __kernel_end_phys        ; bss_end_addr: the loader zeroes up to here
    dd _start                   ; entry_addr
