; switch_to(uint64_t *save_rsp, uint64_t new_rsp): save the callee-saved
; registers on this kernel stack, store rsp in *save_rsp, load new_rsp and
; pop the other process's registers; `ret` continues where it called
; switch_to (or, for a new process, at proc_first_entry).
global switch_to
global proc_first_entry
extern trap_return
extern schedule_tail
section .text
switch_to:
    push rbp
    push rbx
    push r12
    push r13
    push r14
    push r15
    mov [rdi], rsp
    mov rsp, rsi
    pop r15
    pop r14
    pop r13
    pop r12
    pop rbx
    pop rbp
    ret

; A new process's first `ret` lands here with rsp at its struct trapframe
; (16-byte aligned, as a call needs): finish the switch in C (fork.c
; schedule_tail), then leave for user mode.
proc_first_entry:
    call schedule_tail
    jmp trap_return
