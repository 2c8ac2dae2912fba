; The `syscall` instruction lands here (MSR_LSTAR), with interrupts off
; (MSR_FMASK clears IF), RCX = user RIP, R11 = user RFLAGS, and RSP still the
; user's. We switch to the process's kernel stack (from the per-CPU area via
; GS), build the same struct trapframe that trapentry.asm builds (every
; syscall sees the whole frame, at current->tf), and call syscall_dispatch
; in kernel/syscall.c with the six arguments in the C convention's registers.
;
; Return, two ways:
; - fast (syscall_dispatch returned 0: no work bit set, the kernel lock
;   kept; kernel/exit_work.h): the frame is what the entry saved but rax, so
;   the registers the ABI preserves come back from it, the callee-saved ones
;   are still in their registers (C preserved them), and sysretq loads RIP
;   and RFLAGS from the saved rcx and r11. The saved RIP is canonical: it
;   follows a `syscall` that ran in user space, which ends one page below the
;   canonical hole (mm/layout.h USER_TOP), so sysret cannot fault on it.
; - checked (anything else: signal delivery, execve, rt_sigreturn, a taken
;   kernel lock): sysretq when the saved RIP is a canonical user address and
;   the frame's rcx and r11 equal its rip and rflags (what sysret will load
;   them with); otherwise through iretq. sysretq with a non-canonical RCX
;   would raise #GP in ring 0 on the user's stack -- the classic sysret hole
;   -- so it is never tried.

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
    push rax                        ; error code: the syscall's number (Linux's orig_ax)
    push TF_SYSCALL                 ; vector
    PUSH_GPRS
    mov rcx, r10                    ; the 4th argument, where C wants it; the
    call syscall_dispatch           ; others are in place (DF is clear: MSR_FMASK)
syscall_return:                     ; (gdb's bt recognises a syscall frame by this address)
    test rax, rax
    jnz .checked
    mov rax, [rsp + 14*8]           ; the result
    mov rdi, [rsp + 9*8]
    mov rsi, [rsp + 10*8]
    mov rdx, [rsp + 11*8]
    mov r10, [rsp + 5*8]
    mov r9, [rsp + 6*8]
    mov r8, [rsp + 7*8]
    mov rcx, [rsp + 17*8]           ; tf->rip
    mov r11, [rsp + 19*8]           ; tf->rflags
    mov rsp, [rsp + 20*8]           ; tf->rsp
    swapgs
    o64 sysret

.checked:
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
