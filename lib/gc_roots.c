/* gc_roots.c: where a collection starts looking, CS:APP's "root nodes".
 *
 * Owns: G.stack_base, G.data_lo/G.data_hi, G.roots.
 *
 *   high  ┌──────────────────────────┐
 *         │ argv/envp strings, auxv  │
 *         │ envp[] ◀── environ (recorded at start-up) = G.stack_base
 *         │ argv[], argc             │
 *         │ frames: _start … main …  │  scanned: [sp, G.stack_base)
 *         │ roots_mark_all's frame   │  (its jmp_buf holds the registers)
 *   sp ─▶ │ mark_stack_from_here     │
 *         ├──────────────────────────┤
 *         │ .data .bss (writable     │  scanned: the writable PT_LOAD
 *         │  PT_LOAD of the program) │  segment, minus the collector's G
 *         └──────────────────────────┘
 *         + ranges given to gc_add_roots
 *         + each other thread's stack, from where it was stopped to its
 *           top (gc_threads.c); a thread's own scan ends at its top
 *
 * Stack base: the one address every C library leaves on the initial stack
 * above all frames is the envp array, and `environ` points at it until the
 * program calls setenv. A constructor records it before main runs. This works
 * the same on glibc and on static musl, on the host and on Pagoda, with no
 * /proc and no glibc-only __libc_stack_end.
 *
 * Data and bss: musl defines no __data_start, and on a modern link `etext`
 * is followed by an unmapped gap, so neither bounds the data. The linker
 * symbol __ehdr_start (the ELF header, mapped with the first segment) leads to
 * the program headers, whose writable PT_LOAD is exactly .data + .bss (with
 * .got and .init_array, which are harmless to scan); `_end` is its end.
 *
 * Registers: __builtin_unwind_init makes the compiler save every callee-saved
 * register in this frame, and setjmp stores them into a jmp_buf on the stack;
 * caller-saved registers were already saved by our callers if they were live.
 *
 * Invariants: G.stack_base is above every frame; root ranges are 8-byte
 * aligned, half-open; the collector's own state G is never scanned (its free
 * lists would keep every free object alive).
 *
 * Callers: gc_collect.c (roots_mark_all), gc_init (roots_init).
 */
#include <elf.h>
#include <setjmp.h>
#include <stdio.h>
#include <stdlib.h>
#include "gc_internal.h"

extern char **environ;
extern const char __ehdr_start[];

static uintptr_t *align_up(const void *p)
{
	return (uintptr_t *)(((uintptr_t)p + 7) & ~(uintptr_t)7);
}

static uintptr_t *align_down(const void *p)
{
	return (uintptr_t *)((uintptr_t)p & ~(uintptr_t)7);
}

__attribute__((constructor)) static void record_stack_base(void)
{
	if (!G.stack_base)
		G.stack_base = environ ? (uintptr_t *)environ : __builtin_frame_address(0);
}

static void find_data_segment(void)
{
	/* Through an integer: the symbol has no C type of the right size. */
	const Elf64_Ehdr *eh = (const Elf64_Ehdr *)(uintptr_t)__ehdr_start;
	const Elf64_Phdr *ph = (const Elf64_Phdr *)((uintptr_t)eh + eh->e_phoff);
	uintptr_t bias = 0;
	for (unsigned i = 0; i < eh->e_phnum; i++)
		if (ph[i].p_type == PT_LOAD && ph[i].p_offset == 0)
			bias = (uintptr_t)eh - ph[i].p_vaddr;
	for (unsigned i = 0; i < eh->e_phnum; i++) {
		if (ph[i].p_type != PT_LOAD || !(ph[i].p_flags & PF_W))
			continue;
		char *lo = (char *)(bias + ph[i].p_vaddr);
		if (!G.data_lo) {
			G.data_lo = align_up(lo);
			G.data_hi = align_down(lo + ph[i].p_memsz);
		} else {
			gc_add_roots(lo, lo + ph[i].p_memsz);
		}
	}
}

void roots_init(void)
{
	record_stack_base();
	find_data_segment();
}

void gc_add_roots(void *lo, void *hi)
{
	if (G.nroots == GC_MAX_ROOTS || (char *)hi <= (char *)lo)
		return;
	G.roots[G.nroots].lo = align_up(lo);
	G.roots[G.nroots].hi = align_down(hi);
	G.nroots++;
}

void gc_remove_roots(void *lo, void *hi)
{
	unsigned kept = 0;
	for (unsigned i = 0; i < G.nroots; i++) {
		struct root_range r = G.roots[i];
		int inside = (char *)r.lo >= (char *)align_up(lo) && (char *)r.hi <= (char *)hi;
		if (!inside)
			G.roots[kept++] = r;
	}
	G.nroots = kept;
}

/* Scan [lo, hi) but not the collector's own state. */
static void mark_excluding_self(uintptr_t *lo, uintptr_t *hi)
{
	uintptr_t *self_lo = (uintptr_t *)&G, *self_hi = (uintptr_t *)(&G + 1);
	if (self_hi <= lo || self_lo >= hi) {
		mark_range(lo, hi);
	} else {
		if (lo < self_lo)
			mark_range(lo, self_lo);
		if (self_hi < hi)
			mark_range(self_hi, hi);
	}
}

/* A separate frame below roots_mark_all's, so the registers it saved lie
 * between this frame and the stack base. */
static __attribute__((noinline)) void mark_stack_from_here(jmp_buf *regs)
{
	uintptr_t *sp = align_down(__builtin_frame_address(0));
	uintptr_t *top = thread_stack_top();   /* G.stack_base in the main thread */
	if (sp >= top) {
		/* Scanning nothing would free live objects: stop instead. */
		fprintf(stderr, "gc: stack base %p is not above the stack pointer %p "
			"(environ moved before the collector started?)\n", (void *)top, (void *)sp);
		abort();
	}
	mark_range(sp, top);
	mark_range((uintptr_t *)regs, (uintptr_t *)(regs + 1));
}

/* Scan every root once, pushing what they point to; the caller drains
 * (all at once, or in steps when marking incrementally). */
void roots_push_all(void)
{
	jmp_buf regs;
	__builtin_unwind_init();
	setjmp(regs);
	mark_stack_from_here(&regs);
	threads_mark_stacks();   /* the other threads', stopped (gc_threads.c) */
	mark_excluding_self(G.data_lo, G.data_hi);
	for (unsigned i = 0; i < G.nroots; i++)
		mark_excluding_self(G.roots[i].lo, G.roots[i].hi);
	mark_uncollectable();
	finalize_mark_roots();
}

void roots_mark_all(void)
{
	roots_push_all();
	mark_drain();
}
