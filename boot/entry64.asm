; From 32-bit protected mode to 64-bit C.
; enter_long_mode: PAE, CR3, EFER.LME+NXE, CR0.PG+WP, then a far jump through
; a 64-bit GDT. long_mode_start runs in the identity map, jumps to the higher
; half, switches to the (higher-half) boot stack, enables SSE and calls
; kmain(magic, mbi). EDI/ESI still hold magic and the info pointer.

%include "boot/boot.inc"

CR0_WP      equ 1 << 16
CR0_PG      equ 1 << 31
CR0_MP      equ 1 << 1
CR0_EM      equ 1 << 2
CR4_PAE     equ 1 << 5
CR4_OSFXSR  equ 1 << 9
CR4_OSXMMEXCPT equ 1 << 10
MSR_EFER    equ 0xc0000080
EFER_LME    equ 1 << 8
EFER_NXE    equ 1 << 11

global enter_long_mode
global boot_stack_top
global boot_stack_guard
extern boot_pml4
extern kmain

section .boot.text progbits alloc exec nowrite align=16
bits 32

enter_long_mode:
    mov eax, cr4
    or eax, CR4_PAE
    mov cr4, eax
    mov eax, boot_pml4 - KERNEL_VMA
    mov cr3, eax
    mov ecx, MSR_EFER
    rdmsr
    or eax, EFER_LME | EFER_NXE
    wrmsr
    mov eax, cr0
    or eax, CR0_PG | CR0_WP
    mov cr0, eax
    lgdt [boot_gdt_ptr]
    jmp 0x08:long_mode_start

bits 64
long_mode_start:
    mov ax, 0x10
    mov ds, ax
    mov es, ax
    mov ss, ax
    xor ax, ax
    mov fs, ax
    mov gs, ax
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
