; The secondary CPUs' way from real mode to 64-bit C. kernel/smpboot.c copies
; this code to AP_TRAMPOLINE_PA (below 1 MiB, page aligned), fills in the
; parameters at its end and sends a STARTUP IPI whose vector is that page
; number: the CPU starts in real mode at CS = page << 8, IP = 0.
;
; Real mode -> protected mode (our own small GDT) -> PAE, CR3, EFER.LME+NXE,
; CR0.PG -> 64-bit mode, still at the low address (the page table given
; identity-maps the first 2 MiB and shares the kernel half), then a jump to
; ap_entry(cpu) in the higher half on the kernel stack given.
;
; The code is only copied, never run where it is linked, so every address in
; it is AP_TRAMPOLINE_PA + (label - ap_trampoline).

%include "boot/boot.inc"

AP_TRAMPOLINE_PA equ 0x8000     ; kernel/smpboot.c AP_TRAMPOLINE_PA
CR0_PE      equ 1 << 0

%define AT(label) (AP_TRAMPOLINE_PA + (label) - ap_trampoline)

global ap_trampoline
global ap_trampoline_params
global ap_trampoline_end

section .rodata
align 16
bits 16
ap_trampoline:
    cli
    cld
    mov ax, cs
    mov ds, ax
    lgdt [gdt_ptr - ap_trampoline]
    mov eax, cr0
    or eax, CR0_PE
    mov cr0, eax
    jmp dword 0x08:AT(protected32)

bits 32
protected32:
    mov ax, 0x10
    mov ds, ax
    mov es, ax
    mov ss, ax
    ENABLE_LONG_MODE [AT(param_cr3)]
    jmp 0x18:AT(long64)

bits 64
long64:
    LOAD_DATA_SEGMENTS
    mov rsp, [AT(param_stack)]
    mov edi, [AT(param_cpu)]
    xor ebp, ebp                ; end of the frame-pointer chain
    push 0                      ; as if called: rsp % 16 == 8 at ap_entry
    mov rax, [AT(param_entry)]
    jmp rax

align 8
gdt:
    dq 0
    dq 0x00cf9a000000ffff       ; 0x08: 32-bit code, flat
    dq 0x00cf92000000ffff       ; 0x10: data, flat
    dq 0x00af9a000000ffff       ; 0x18: 64-bit code (L)
gdt_ptr:
    dw 4 * 8 - 1
    dd AT(gdt)

align 8
ap_trampoline_params:           ; struct trampoline_params in kernel/smpboot.c
param_cr3:   dq 0
param_stack: dq 0
param_entry: dq 0
param_cpu:   dq 0
ap_trampoline_end:
