; kjmp_set / kjmp_jump: setjmp/longjmp for the kernel. Only the ktest runner
; uses them, to come back from a test that failed an assertion or that took
; the exception it was written to provoke.
;
; struct kjmp { rbx, rbp, r12, r13, r14, r15, rsp, rip }
global kjmp_set
global kjmp_jump
section .text
kjmp_set:
    mov [rdi + 0*8], rbx
    mov [rdi + 1*8], rbp
    mov [rdi + 2*8], r12
    mov [rdi + 3*8], r13
    mov [rdi + 4*8], r14
    mov [rdi + 5*8], r15
    lea rax, [rsp + 8]
    mov [rdi + 6*8], rax
    mov rax, [rsp]
    mov [rdi + 7*8], rax
    xor eax, eax
    ret

kjmp_jump:
    mov rbx, [rdi + 0*8]
    mov rbp, [rdi + 1*8]
    mov r12, [rdi + 2*8]
    mov r13, [rdi + 3*8]
    mov r14, [rdi + 4*8]
    mov r15, [rdi + 5*8]
    mov rsp, [rdi + 6*8]
    mov eax, esi
    jmp [rdi + 7*8]
