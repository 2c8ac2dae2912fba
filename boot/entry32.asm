; 32-bit entry from GRUB (multiboot2) or QEMU's -kernel (multiboot1). Both
; leave us in protected mode, paging off, EAX = the loader's magic, EBX =
; physical address of its boot information; kmain reads the one the magic names.
;
; _start is a column of checks and steps; each check owns one message that
; boot_fail prints on COM1 before halting, because there is no other way to
; say anything this early.

%include "boot/boot.inc"

global _start
global boot_fail
extern setup_boot_paging
extern enter_long_mode
extern boot_stack_top

section .boot.text progbits alloc exec nowrite align=16
bits 32

_start:
    cli
    mov esp, boot_stack_top - KERNEL_VMA  ; physical: paging is off
    push ebx                    ; keep the info pointer and magic for kmain
    push eax
    mov edi, eax                ; check_multiboot_magic looks at EDI
    call serial_init32
    call check_multiboot_magic
    call check_cpuid
    call check_long_mode
    call setup_boot_paging
    pop edi                     ; kmain(magic, mbi) arguments, by the SysV ABI
    pop esi
    jmp enter_long_mode         ; does not return

check_multiboot_magic:
    cmp edi, 0x36d76289         ; multiboot2
    je .ok
    cmp edi, 0x2badb002         ; multiboot1
    jne .bad
.ok:
    ret
.bad:
    mov esi, msg_no_multiboot
    jmp boot_fail

; CPUID exists if EFLAGS.ID (bit 21) can be flipped.
check_cpuid:
    pushfd
    pop eax
    mov ecx, eax
    xor eax, 1 << 21
    push eax
    popfd
    pushfd
    pop eax
    push ecx
    popfd
    cmp eax, ecx
    je .bad
    ret
.bad:
    mov esi, msg_no_cpuid
    jmp boot_fail

; Long mode is CPUID.80000001h:EDX bit 29; NX (bit 20) is needed for EFER.NXE.
check_long_mode:
    mov eax, 0x80000000
    cpuid
    cmp eax, 0x80000001
    jb .bad
    mov eax, 0x80000001
    cpuid
    test edx, 1 << 29
    jz .bad
    test edx, 1 << 20
    jz .no_nx
    ret
.bad:
    mov esi, msg_no_long_mode
    jmp boot_fail
.no_nx:
    mov esi, msg_no_nx
    jmp boot_fail

; COM1 at 38400 8N1, polled. The C serial driver re-initialises it later.
serial_init32:
    mov dx, COM1 + 1
    xor al, al
    out dx, al                  ; no interrupts
    mov dx, COM1 + 3
    mov al, 0x80
    out dx, al                  ; DLAB on
    mov dx, COM1
    mov al, 3
    out dx, al                  ; divisor 3 = 38400 baud
    mov dx, COM1 + 1
    xor al, al
    out dx, al
    mov dx, COM1 + 3
    mov al, 3
    out dx, al                  ; 8N1, DLAB off
    ret

; boot_fail: print the NUL-terminated string at ESI on COM1, then halt forever.
boot_fail:
    mov dx, COM1 + 5
.wait:
    in al, dx
    test al, 0x20               ; transmitter holding register empty
    jz .wait
    lodsb
    test al, al
    jz .halt
    mov dx, COM1
    out dx, al
    jmp boot_fail
.halt:
    cli
    hlt
    jmp .halt

section .boot.rodata progbits alloc noexec nowrite align=16
msg_no_multiboot: db "pagoda: boot failed: not loaded by a multiboot loader (bad magic in EAX)", 13, 10, 0
msg_no_cpuid:     db "pagoda: boot failed: CPU has no CPUID instruction", 13, 10, 0
msg_no_long_mode: db "pagoda: boot failed: CPU does not support 64-bit long mode", 13, 10, 0
msg_no_nx:        db "pagoda: boot failed: CPU does not support the NX (no-execute) bit", 13, 10, 0
