; The multiboot2 header (multiboot2 spec, section 3.1): GRUB scans the first
; 32 KiB of the image for it. We ask for nothing special: the default tags
; (memory map, command line, modules) are always passed.

MB2_MAGIC        equ 0xe85250d6
MB2_ARCH_I386    equ 0          ; 32-bit protected mode entry

section .multiboot progbits alloc noexec nowrite align=8
align 8
mb2_header:
    dd MB2_MAGIC
    dd MB2_ARCH_I386
    dd mb2_header_end - mb2_header
    dd -(MB2_MAGIC + MB2_ARCH_I386 + (mb2_header_end - mb2_header))
    ; end tag: type 0, flags 0, size 8
    dw 0
    dw 0
    dd 8
mb2_header_end:
