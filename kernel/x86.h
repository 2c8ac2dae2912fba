/*
 * Every privileged instruction the kernel uses, as a static inline function.
 * This is the only C file with inline assembly, so a reader can see the whole
 * hardware interface on one page.
 */
#ifndef PAGODA_X86_H
#define PAGODA_X86_H

#include "types.h"

static inline void outb(uint16_t port, uint8_t v) { __asm__ volatile("outb %0, %1" ::"a"(v), "Nd"(port)); }
static inline void outw(uint16_t port, uint16_t v) { __asm__ volatile("outw %0, %1" ::"a"(v), "Nd"(port)); }
static inline void outl(uint16_t port, uint32_t v) { __asm__ volatile("outl %0, %1" ::"a"(v), "Nd"(port)); }
static inline uint8_t inb(uint16_t port)
{
	uint8_t v;
	__asm__ volatile("inb %1, %0" : "=a"(v) : "Nd"(port));
	return v;
}
static inline uint16_t inw(uint16_t port)
{
	uint16_t v;
	__asm__ volatile("inw %1, %0" : "=a"(v) : "Nd"(port));
	return v;
}
static inline uint32_t inl(uint16_t port)
{
	uint32_t v;
	__asm__ volatile("inl %1, %0" : "=a"(v) : "Nd"(port));
	return v;
}

static inline uint64_t read_cr0(void) { uint64_t v; __asm__ volatile("mov %%cr0, %0" : "=r"(v)); return v; }
static inline uint64_t read_cr2(void) { uint64_t v; __asm__ volatile("mov %%cr2, %0" : "=r"(v)); return v; }
static inline uint64_t read_cr3(void) { uint64_t v; __asm__ volatile("mov %%cr3, %0" : "=r"(v)); return v; }
static inline uint64_t read_cr4(void) { uint64_t v; __asm__ volatile("mov %%cr4, %0" : "=r"(v)); return v; }
static inline void write_cr0(uint64_t v) { __asm__ volatile("mov %0, %%cr0" ::"r"(v) : "memory"); }
static inline void write_cr3(uint64_t v) { __asm__ volatile("mov %0, %%cr3" ::"r"(v) : "memory"); }
static inline void write_cr4(uint64_t v) { __asm__ volatile("mov %0, %%cr4" ::"r"(v) : "memory"); }

static inline uint64_t rdmsr(uint32_t msr)
{
	uint32_t lo, hi;
	__asm__ volatile("rdmsr" : "=a"(lo), "=d"(hi) : "c"(msr));
	return ((uint64_t)hi << 32) | lo;
}
static inline void wrmsr(uint32_t msr, uint64_t v)
{
	__asm__ volatile("wrmsr" ::"c"(msr), "a"((uint32_t)v), "d"((uint32_t)(v >> 32)));
}

static inline void cpuid(uint32_t leaf, uint32_t sub, uint32_t r[4])
{
	__asm__ volatile("cpuid" : "=a"(r[0]), "=b"(r[1]), "=c"(r[2]), "=d"(r[3]) : "a"(leaf), "c"(sub));
}

static inline uint64_t rdtsc(void)
{
	uint32_t lo, hi;
	__asm__ volatile("rdtsc" : "=a"(lo), "=d"(hi));
	return ((uint64_t)hi << 32) | lo;
}

static inline void invlpg(uintptr_t va) { __asm__ volatile("invlpg (%0)" ::"r"(va) : "memory"); }
static inline void cli(void) { __asm__ volatile("cli" ::: "memory"); }
static inline void sti(void) { __asm__ volatile("sti" ::: "memory"); }
static inline void hlt(void) { __asm__ volatile("hlt" ::: "memory"); }
static inline void sti_hlt(void) { __asm__ volatile("sti; hlt" ::: "memory"); }
static inline void pause(void) { __asm__ volatile("pause"); }
/* SMAP: stac lets the kernel touch user pages until the matching clac. */
static inline void stac(void) { __asm__ volatile("stac" ::: "memory"); }
static inline void clac(void) { __asm__ volatile("clac" ::: "memory"); }

/* RFLAGS bits (Intel SDM vol. 1, 3.4.3); kernel/trapframe.inc repeats
 * RFLAGS_AC for the assembly entry paths. */
#define RFLAGS_FIXED (1ull << 1)   /* reserved, always 1 */
#define RFLAGS_TF (1ull << 8)      /* trap flag: single-step */
#define RFLAGS_IF (1ull << 9)      /* interrupts enabled */
#define RFLAGS_DF (1ull << 10)     /* direction flag: string instructions count down */
#define RFLAGS_IOPL (3ull << 12)   /* I/O privilege level (two bits) */
#define RFLAGS_NT (1ull << 14)     /* nested task */
#define RFLAGS_AC (1ull << 18)     /* alignment check; with SMAP, "kernel may touch user pages" */

static inline uint64_t read_rflags(void)
{
	uint64_t v;
	__asm__ volatile("pushfq; popq %0" : "=r"(v));
	return v;
}

/* FPU/SSE/AVX state (kernel/fpu.c is the only user). The 64-bit forms save
 * the full x87 instruction and operand pointers. xsave's mask selects the
 * components (XCR0 bits) in edx:eax. */
static inline void xsetbv(uint32_t reg, uint64_t v)
{
	__asm__ volatile("xsetbv" ::"c"(reg), "a"((uint32_t)v), "d"((uint32_t)(v >> 32)));
}
static inline void xsave(void *area, uint64_t mask)
{
	__asm__ volatile("xsave64 (%0)" ::"r"(area), "a"((uint32_t)mask), "d"((uint32_t)(mask >> 32)) : "memory");
}
static inline void xrstor(const void *area, uint64_t mask)
{
	__asm__ volatile("xrstor64 (%0)" ::"r"(area), "a"((uint32_t)mask), "d"((uint32_t)(mask >> 32)) : "memory");
}
static inline void fxsave(void *area) { __asm__ volatile("fxsave64 (%0)" ::"r"(area) : "memory"); }
static inline void fxrstor(const void *area) { __asm__ volatile("fxrstor64 (%0)" ::"r"(area) : "memory"); }

static inline void lgdt(void *p) { __asm__ volatile("lgdt (%0)" ::"r"(p) : "memory"); }
static inline void lidt(void *p) { __asm__ volatile("lidt (%0)" ::"r"(p) : "memory"); }
static inline void ltr(uint16_t sel) { __asm__ volatile("ltr %0" ::"r"(sel)); }

/* The per-CPU area's fields, by offset from GS (kernel/percpu.h): one
 * instruction, so the offset must be a constant. */
static inline __attribute__((always_inline)) uint64_t read_gs_qword(size_t off)
{
	uint64_t v;
	__asm__ volatile("movq %%gs:%c1, %0" : "=r"(v) : "i"(off));
	return v;
}

/* INVPCID (Intel SDM vol. 2A): type 0 one address in one PCID, 1 one PCID,
 * 2 every PCID including global entries, 3 every PCID except global ones. */
static inline void invpcid(unsigned long type, uint64_t pcid, uintptr_t va)
{
	struct { uint64_t pcid, va; } desc = { pcid, va };
	__asm__ volatile("invpcid %0, %1" ::"m"(desc), "r"(type) : "memory");
}

/* Atomic exchange and add, full barriers (a lock prefix on x86). */
static inline uint32_t xchg32(volatile uint32_t *p, uint32_t v)
{
	__asm__ volatile("xchgl %0, %1" : "+r"(v), "+m"(*p) :: "memory");
	return v;
}
static inline uint32_t fetch_add32(volatile uint32_t *p, uint32_t v)
{
	__asm__ volatile("lock xaddl %0, %1" : "+r"(v), "+m"(*p) :: "memory");
	return v;
}
static inline void atomic_or64(volatile uint64_t *p, uint64_t v)
{
	__asm__ volatile("lock orq %1, %0" : "+m"(*p) : "r"(v) : "memory");
}
static inline void atomic_and64(volatile uint64_t *p, uint64_t v)
{
	__asm__ volatile("lock andq %1, %0" : "+m"(*p) : "r"(v) : "memory");
}
static inline void barrier(void) { __asm__ volatile("" ::: "memory"); }

static inline uintptr_t read_rbp(void) { uintptr_t v; __asm__ volatile("mov %%rbp, %0" : "=r"(v)); return v; }

/* Interrupts off, and return whether they were on (for nesting). */
static inline bool irq_save(void)
{
	bool on = read_rflags() & RFLAGS_IF;
	cli();
	return on;
}
static inline void irq_restore(bool on)
{
	if (on)
		sti();
}

#define MSR_APIC_BASE 0x1b
#define MSR_EFER 0xc0000080
#define MSR_STAR 0xc0000081
#define MSR_LSTAR 0xc0000082
#define MSR_FMASK 0xc0000084
#define MSR_FS_BASE 0xc0000100
#define MSR_GS_BASE 0xc0000101
#define MSR_KERNEL_GS_BASE 0xc0000102

#define EFER_SCE (1ull << 0)
#define EFER_NXE (1ull << 11)

#define CR0_NE (1ull << 5)    /* x87 errors raise #MF (not the legacy FERR# interrupt) */
#define CR0_WP (1ull << 16)
#define CR4_PGE (1ull << 7)
#define CR4_PCIDE (1ull << 17)    /* CR3 bits 11:0 name the address space (PCID) */
#define CR4_OSXSAVE (1ull << 18)   /* xsave/xrstor/xsetbv allowed; CPUID reports OSXSAVE */
#define CR4_SMEP (1ull << 20)
#define CR4_SMAP (1ull << 21)

#endif
