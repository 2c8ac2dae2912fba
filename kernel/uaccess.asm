; The kernel's only instructions that touch user memory. Each may fault; its
; address is in the exception table (section .extable, read by
; kernel/extable.c) with a fixup that returns -EFAULT (-14).
;
; long uaccess_copy(void *dst, const void *src, size_t n)
;     copies n bytes; returns 0, or -EFAULT if a byte could not be accessed.
; long uaccess_strncpy(char *dst, const char *src, size_t n)
;     copies up to n bytes including the NUL; returns the string's length
;     (n if no NUL in the first n), or -EFAULT.
; long uaccess_clear(void *dst, size_t n)
;     writes n zero bytes; 0 or -EFAULT.
; long uaccess_cmpxchg32(uint32_t *uaddr, uint32_t old, uint32_t new)
;     one locked compare-and-exchange; returns the value found (new was
;     stored if it equals old), or -EFAULT.
;
; The caller (kernel/uaccess.c) has checked the range and opened SMAP's
; window with stac; these routines only move bytes.

global uaccess_copy
global uaccess_strncpy
global uaccess_clear
global uaccess_cmpxchg32

section .text
uaccess_copy:
    mov rcx, rdx
.copy:
    rep movsb
    xor eax, eax
    ret

uaccess_clear:
    mov rcx, rsi
    xor eax, eax
.clear:
    rep stosb
    ret

uaccess_strncpy:
    xor eax, eax
.loop:
    cmp rax, rdx
    je .done
.load:
    mov cl, [rsi + rax]
    mov [rdi + rax], cl
    test cl, cl
    jz .done
    inc rax
    jmp .loop
.done:
    ret

uaccess_cmpxchg32:
    mov eax, esi                ; also clears rax's upper half
.cmpxchg:
    lock cmpxchg [rdi], edx
    ret

uaccess_fault:
    mov rax, -14
    ret

section .extable progbits alloc noexec nowrite align=8
    dq uaccess_copy.copy, uaccess_fault
    dq uaccess_clear.clear, uaccess_fault
    dq uaccess_strncpy.load, uaccess_fault
    dq uaccess_cmpxchg32.cmpxchg, uaccess_fault
