; From 32-bit protected mode to 64-bit C.
; enter_long_mode: PAE, CR3, EFER.LME+NXE, CR0.PG+WP, then a far jump through
; a 64-bit GDT. long_mode_start runs in the identity map, jumps to the higher
; half, switches to the (higher-half) boot stack, enables SSE and calls
; kmain(magic, mbi). EDI/ESI still hold magic and the info pointer.

%include "boot/boot.inc"

CR0_MP      equ 1 << 1
CR0_EM      equ 1 << 2
CR4_OSFXSR  equ 1 << 9
CR4_OSXMMEXCPT equ 1 << 10

global enter_long_mode
global boot_stack_top
global boot_stack_guard
extern boot_pml4
extern kmain

section .boot.text progbits alloc exec nowrite align=16
bits 32

enter_long_mode:
    ENABLE_LONG_MODE boot_pml4 - KERNEL_VMA
    lgdt [boot_gdt_ptr]
    jmp 0x08:long_mode_start

bits 64
long_mode_start:
    LOAD_DATA_SEGMENTS
    mov rax, higher_half_start
    jmp rax

section .text
higher_half_start:
    mov rsp, boot_stack_top
    xor ebp, ebp                ; end of the frame-pointer chain for backtraces
    call enable_sse
    mov edi, edi                ; kmain(magic, mbi): zero-extend both
    mov esi, esi
    call kmain
.hang:
    cli
    hlt
    jmp .hang

; musl uses SSE, so user programs need it; the kernel itself is built with
; -mno-sse and never touches XMM registers.
enable_sse:
    mov rax, cr0
    and rax, ~CR0_EM
    or rax, CR0_MP
    mov cr0, rax
    mov rax, cr4
    or rax, CR4_OSFXSR | CR4_OSXMMEXCPT
    mov cr4, rax
    ret

section .boot.rodata progbits alloc noexec nowrite align=16
align 16
boot_gdt:
    dq 0                        ; null
    dq 0x00af9a000000ffff       ; 0x08: 64-bit kernel code
    dq 0x00cf92000000ffff       ; 0x10: kernel data
boot_gdt_end:
boot_gdt_ptr:
    dw boot_gdt_end - boot_gdt - 1
    dd boot_gdt

; The boot stack, with one page below it that mm/kmap.c leaves unmapped, so
; running off the bottom faults (and the #DF handler, on its own IST stack,
; reports it) instead of silently corrupting .bss.
section .bss
align 4096
boot_stack_guard: resb 4096
boot_stack_bottom: resb 16384
boot_stack_top:
