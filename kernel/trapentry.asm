; One stub per IDT vector. Each makes the stack look the same -- an error
; code (the CPU's, or a 0 we push) and the vector number -- then joins
; trap_common, which saves the registers as a struct trapframe
; (kernel/trapframe.h) and calls trap(tf) in kernel/trap.c.
;
; From user mode, swapgs makes GS point at the per-CPU area; from kernel
; mode GS already does.

%include "kernel/trapframe.inc"

global trap_vectors
global trap_return
extern trap

section .text

; Vectors where the CPU pushes an error code (Intel SDM vol. 3, table 6-1).
%define HAS_ERROR(v) ((v) == 8 || ((v) >= 10 && (v) <= 14) || (v) == 17 || (v) == 21 || (v) == 29 || (v) == 30)

%macro VECTOR 1
align 16
vector_%1:
%if !HAS_ERROR(%1)
    push 0
%endif
    push %1
    jmp trap_common
%endmacro

%assign v 0
%rep 256
VECTOR v
%assign v v + 1
%endrep

trap_common:
    PUSH_GPRS
    pushfq                          ; clear RFLAGS.AC: a user program may have set it
    and qword [rsp], ~RFLAGS_AC      ; (popf), and AC=1 would switch SMAP off in here;
    popfq                           ; iretq restores the saved RFLAGS
    test qword [rsp + 18 * 8], 3    ; tf->cs: did we come from ring 3?
    jz .kernel
    swapgs
.kernel:
    mov rdi, rsp
    cld
    call trap
trap_return:                        ; also the first return to user mode of a new process
    test qword [rsp + 18 * 8], 3
    jz .restore
    cli                             ; no interrupt between swapgs and iretq
    swapgs
.restore:
    POP_GPRS
    add rsp, 16                     ; vector and error code
    iretq

section .rodata
align 8
trap_vectors:
%assign v 0
%rep 256
    dq vector_ %+ v
%assign v v + 1
%endrep
