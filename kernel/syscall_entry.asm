; The `syscall` instruction lands here (MSR_LSTAR), with interrupts off
; (MSR_FMASK clears IF), RCX = user RIP, R11 = user RFLAGS, and RSP still the
; user's. We switch to the process's kernel stack (from the per-CPU area via
; GS), build the same struct trapframe that trapentry.asm builds, and call
; syscall_dispatch(tf) in kernel/syscall.c.
;
; Return: sysretq when the saved RIP is a canonical user address and the
; frame's rcx and r11 equal its rip and rflags (what sysret will load them
; with); otherwise (execve, signal frames) through iretq. sysretq with a non-canonical RCX would raise #GP in ring 0 on the
; user's stack -- the classic sysret hole -- so it is never tried.

%define SEL_UDATA (0x20 | 3)
%define SEL_UCODE (0x28 | 3)
%define TF_SYSCALL 0x100
%define PERCPU_KSTACK_TOP 0
%define PERCPU_USER_RSP 8

%include "kernel/trapframe.inc"

global syscall_entry
extern syscall_dispatch
extern trap_return

section .text
syscall_entry:
    swapgs
    mov [gs:PERCPU_USER_RSP], rsp
    mov rsp, [gs:PERCPU_KSTACK_TOP]
    push SEL_UDATA                  ; ss
    push qword [gs:PERCPU_USER_RSP] ; rsp
    push r11                        ; rflags
    push SEL_UCODE                  ; cs
    push rcx                        ; rip
    push 0                          ; error code
    push TF_SYSCALL                 ; vector
    PUSH_GPRS
    mov rdi, rsp                    ; (DF is clear: MSR_FMASK cleared it)
    call syscall_dispatch
syscall_return:                     ; (gdb's bt recognises a syscall frame by this address)

    ; sysret only if RIP is below the canonical hole and CS/SS are the usual.
    mov rcx, [rsp + 17*8]           ; tf->rip
    mov rax, rcx
    shr rax, 47
    jnz .iret
    cmp qword [rsp + 18*8], SEL_UCODE
    jne .iret
    ; sysret loads RIP from rcx and RFLAGS from r11: exact only when the frame
    ; says rcx == rip and r11 == rflags. A signal handler's entry and
    ; rt_sigreturn set all registers, so they leave through iretq.
    cmp rcx, [rsp + 12*8]           ; tf->rcx
    jne .iret
    mov rax, [rsp + 19*8]           ; tf->rflags
    cmp rax, [rsp + 4*8]            ; tf->r11
    jne .iret
    pop r15
    pop r14
    pop r13
    pop r12
    pop r11                         ; overwritten below
    pop r10
    pop r9
    pop r8
    pop rbp
    pop rdi
    pop rsi
    pop rdx
    pop rcx                         ; overwritten below
    pop rbx
    pop rax
    add rsp, 16                     ; vector, error
    pop rcx                         ; rip
    add rsp, 8                      ; cs
    pop r11                         ; rflags
    pop rsp                         ; user rsp (ss is implied by sysret)
    swapgs
    o64 sysret

.iret:
    jmp trap_return
