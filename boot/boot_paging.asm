; Temporary page tables: just enough to reach 64-bit C code.
;
;   virtual                          physical
;   0 .. 1 GiB (identity)         -> 0 .. 1 GiB   so the next instruction still runs
;   DIRECT_MAP .. +1 GiB          -> 0 .. 1 GiB   so early C can read the multiboot info
;   KERNEL_VMA .. +1 GiB          -> 0 .. 1 GiB   where the kernel is linked
;
; All three share one page directory of 2 MiB pages. mm/kmap.c replaces these
; tables with real ones (4 KiB granularity, W^X, guard pages) early in kmain.

%include "boot/boot.inc"

PTE_P   equ 1 << 0
PTE_RW  equ 1 << 1
PTE_PS  equ 1 << 7

global setup_boot_paging
global boot_pml4
extern boot_fail

section .boot.text progbits alloc exec nowrite align=16
bits 32

setup_boot_paging:
    call zero_boot_tables
    call link_boot_tables
    call fill_boot_pd
    ret

; GRUB zeroes .bss, but the spec does not promise it for every loader.
zero_boot_tables:
    mov edi, boot_page_tables - KERNEL_VMA
    mov ecx, (4096 * 4) / 4
    xor eax, eax
    push edi
    rep stosd
    pop edi
    ret

link_boot_tables:
    mov eax, boot_pdpt_low - KERNEL_VMA
    or eax, PTE_P | PTE_RW
    mov [boot_pml4 - KERNEL_VMA + 0 * 8], eax
    mov [boot_pml4 - KERNEL_VMA + 256 * 8], eax
    mov eax, boot_pdpt_high - KERNEL_VMA
    or eax, PTE_P | PTE_RW
    mov [boot_pml4 - KERNEL_VMA + 511 * 8], eax
    mov eax, boot_pd - KERNEL_VMA
    or eax, PTE_P | PTE_RW
    mov [boot_pdpt_low - KERNEL_VMA + 0 * 8], eax
    mov [boot_pdpt_high - KERNEL_VMA + 510 * 8], eax
    ret

fill_boot_pd:
    mov edi, boot_pd - KERNEL_VMA
    mov eax, PTE_P | PTE_RW | PTE_PS
    mov ecx, 512
.next:
    mov [edi], eax
    add eax, 0x200000
    add edi, 8
    loop .next
    ret

section .bss
align 4096
boot_page_tables:
boot_pml4:      resb 4096
boot_pdpt_low:  resb 4096
boot_pdpt_high: resb 4096
boot_pd:        resb 4096
