/*
 * Per-process FPU state: the x87 stack and control word, MXCSR and the 16
 * XMM registers (and the upper YMM halves when AVX is on). Each process owns
 * one save area, p->fpu, in the format of the instruction that fills it:
 *
 *   fxsave: 512 bytes   [ FCW FSW FTW ... MXCSR MXCSR_MASK | ST0-7 | XMM0-15 | ... ]
 *   xsave:  the same 512-byte legacy region, a 64-byte header (XSTATE_BV:
 *           which components the area holds), then AVX's YMM_Hi128 (256 bytes)
 *
 * xsave/xrstor are used when CPUID offers XSAVE (CR4.OSXSAVE set, XCR0 =
 * x87|SSE, plus AVX when the CPU has it); fxsave/fxrstor otherwise.
 *
 * Switching is EAGER: schedule() saves the outgoing process's registers and
 * loads the incoming one's on every switch. The lazy alternative (set CR0.TS,
 * save only when the next process touches the FPU and traps with #NM) saves
 * a few hundred bytes of copying per switch but leaves the previous owner's
 * values in the registers, where speculative execution can read them
 * (LazyFP, CVE-2018-3665); Linux dropped lazy switching for that reason, and
 * one code path with no trap is easier to reason about.
 *
 * Invariants:
 *   - while process p runs (in user or kernel mode) its state is in the CPU
 *     registers and p->fpu is stale; while it does not run, its state is in
 *     p->fpu;
 *   - the kernel never executes an x87/SSE instruction other than the four
 *     save/restore instructions here (it is built with -mgeneral-regs-only),
 *     so a process's registers survive its syscalls and interrupts untouched;
 *   - every area is fpu_size bytes, 64-byte aligned (xsave's requirement),
 *     and was filled by the CPU or copied from `clean`, so xrstor/fxrstor
 *     never fault on it;
 *   - a new process and a fresh exec start from `clean`: Linux's defaults,
 *     FCW 0x37f (all x87 exceptions masked, 64-bit precision, round to
 *     nearest), MXCSR 0x1f80 (all SIMD exceptions masked), every register 0.
 *
 * CR0.NE is set so an unmasked x87 error raises #MF (delivered as SIGFPE by
 * kernel/signal.c), as on Linux, rather than the legacy FERR# interrupt.
 */
#include "fpu.h"
#include "errno.h"
#include "panic.h"
#include "printk.h"
#include "proc.h"
#include "string.h"
#include "uaccess.h"
#include "x86.h"
#include "../mm/kheap.h"

enum {
	XFEATURE_X87 = 1 << 0,
	XFEATURE_SSE = 1 << 1,
	XFEATURE_AVX = 1 << 2,
	FPU_ALIGN = 64,
	LEGACY_SIZE = 512,            /* the fxsave image */
	XSAVE_HEADER_SIZE = 64,
	FCW_DEFAULT = 0x37f,
	MXCSR_DEFAULT = 0x1f80,
	CPUID1_ECX_XSAVE = 1 << 26,
	CPUID1_ECX_OSXSAVE = 1 << 27,
	CPUID1_ECX_AVX = 1 << 28,
};

/* The first 32 bytes of the legacy region (Intel SDM vol. 1, table 10-2). */
struct fxsave_head {
	uint16_t fcw, fsw;
	uint8_t ftw, reserved;
	uint16_t fop;
	uint64_t fip, fdp;
	uint32_t mxcsr, mxcsr_mask;
};

struct xsave_header {
	uint64_t xstate_bv, xcomp_bv;
	uint64_t reserved[6];
};

static bool use_xsave;
static uint64_t xfeatures;        /* XCR0 when use_xsave */
static size_t fpu_size = LEGACY_SIZE;
static uint8_t clean[4096] __attribute__((aligned(FPU_ALIGN)));

static void save(void *area)
{
	if (use_xsave)
		xsave(area, xfeatures);
	else
		fxsave(area);
}

static void restore(const void *area)
{
	if (use_xsave)
		xrstor(area, xfeatures);
	else
		fxrstor(area);
}

/* XSAVE when the CPU has it: enable it and the components we save. */
static void enable_xsave(void)
{
	uint32_t r[4];
	cpuid(1, 0, r);
	if (!(r[2] & CPUID1_ECX_XSAVE))
		return;
	bool avx = r[2] & CPUID1_ECX_AVX;
	write_cr4(read_cr4() | CR4_OSXSAVE);
	cpuid(1, 0, r);
	kassert(r[2] & CPUID1_ECX_OSXSAVE);
	cpuid(0xd, 0, r);                      /* EAX: the components XCR0 may enable */
	xfeatures = XFEATURE_X87 | XFEATURE_SSE | (avx ? r[0] & XFEATURE_AVX : 0);
	xsetbv(0, xfeatures);
	cpuid(0xd, 0, r);                      /* EBX: area size for what XCR0 enables now */
	kassert(r[1] <= sizeof(clean));
	fpu_size = r[1];
	use_xsave = true;
}

/* The clean state: Linux's defaults, every register zero. */
static void make_clean(void)
{
	struct fxsave_head *h = (struct fxsave_head *)clean;
	memset(clean, 0, sizeof(clean));
	h->fcw = FCW_DEFAULT;
	h->mxcsr = MXCSR_DEFAULT;
	if (use_xsave) {   /* x87 and SSE come from the area; AVX (bit clear) is reset to zero */
		struct xsave_header *x = (struct xsave_header *)(clean + LEGACY_SIZE);
		x->xstate_bv = XFEATURE_X87 | XFEATURE_SSE;
	}
}

/* A secondary CPU: the boot CPU's choices (fpu_init), in its own registers. */
void fpu_init_cpu(void)
{
	write_cr0(read_cr0() | CR0_NE);
	if (use_xsave) {
		write_cr4(read_cr4() | CR4_OSXSAVE);
		xsetbv(0, xfeatures);
	}
	restore(clean);
}

void fpu_init(void)
{
	write_cr0(read_cr0() | CR0_NE);
	enable_xsave();
	make_clean();
	restore(clean);
	pr_info("fpu: %s, %lu-byte areas, eager switching\n", fpu_describe(), fpu_size);
}

const char *fpu_describe(void)
{
	if (!use_xsave)
		return "fxsave (x87 sse)";
	return xfeatures & XFEATURE_AVX ? "xsave (x87 sse avx)" : "xsave (x87 sse)";
}

/* kmalloc's objects are aligned to their power-of-two size class (kheap.h),
 * and every class that holds an area is at least FPU_ALIGN. */
int fpu_alloc(struct proc *p)
{
	p->fpu = kmalloc(fpu_size);
	if (!p->fpu)
		return -ENOMEM;
	kassert(((uintptr_t)p->fpu & (FPU_ALIGN - 1)) == 0);
	memcpy(p->fpu, clean, fpu_size);
	return 0;
}

void fpu_free(struct proc *p)
{
	kfree(p->fpu);
	p->fpu = NULL;
}

void fpu_switch(struct proc *prev, struct proc *next)
{
	if (prev->fpu)
		save(prev->fpu);
	if (next->fpu)
		restore(next->fpu);
}

void fpu_fork(struct proc *child)
{
	save(child->fpu);
}

void fpu_exec(struct proc *p)
{
	memcpy(p->fpu, clean, fpu_size);
	restore(p->fpu);
}

/* ---- the signal frame's copy (kernel/sigframe.c) ----
 *
 * The frame holds the area in the format the kernel uses: the 512-byte
 * fxsave image, or with xsave the whole xsave area followed by the 4-byte
 * FP_XSTATE_MAGIC2, and in the legacy region's software-reserved bytes
 * (offset 464) Linux's struct _fpx_sw_bytes saying so (magic1, sizes,
 * features). sigreturn accepts either form back, and checks every field
 * xrstor/fxrstor would fault on (MXCSR reserved bits, XSTATE_BV outside
 * XCR0, a compacted or non-zero reserved header) before loading it. */

enum {
	SW_BYTES_OFFSET = 464,
	FP_XSTATE_MAGIC1 = 0x46505853,
	FP_XSTATE_MAGIC2 = 0x46505845,
	MAGIC2_SIZE = 4,
};

struct fpx_sw_bytes {
	uint32_t magic1, extended_size;
	uint64_t xfeatures;
	uint32_t xstate_size, padding[7];
};

size_t fpu_sigframe_size(void)
{
	return use_xsave ? fpu_size + MAGIC2_SIZE : LEGACY_SIZE;
}

bool fpu_sigframe_xstate(void)
{
	return use_xsave;
}

int fpu_save_sigframe(struct proc *p, uintptr_t ubuf)
{
	save(p->fpu);   /* the live registers are p's (eager switching) */
	struct fpx_sw_bytes sw = { FP_XSTATE_MAGIC1, (uint32_t)(fpu_size + MAGIC2_SIZE), xfeatures,
				   (uint32_t)fpu_size, { 0 } };
	uint32_t magic2 = FP_XSTATE_MAGIC2;
	if (copy_to_user(ubuf, p->fpu, use_xsave ? fpu_size : LEGACY_SIZE))
		return -EFAULT;
	if (use_xsave && (copy_to_user(ubuf + SW_BYTES_OFFSET, &sw, sizeof(sw)) ||
			  copy_to_user(ubuf + fpu_size, &magic2, sizeof(magic2))))
		return -EFAULT;
	return 0;
}

void fpu_reset_for_handler(struct proc *p)
{
	memcpy(p->fpu, clean, fpu_size);
	restore(p->fpu);
}

static bool xstate_frame(uintptr_t ubuf)
{
	struct fpx_sw_bytes sw;
	uint32_t magic2;
	if (!use_xsave || copy_from_user(&sw, ubuf + SW_BYTES_OFFSET, sizeof(sw)) || sw.magic1 != FP_XSTATE_MAGIC1 ||
	    sw.xstate_size != fpu_size)
		return false;
	return !copy_from_user(&magic2, ubuf + fpu_size, sizeof(magic2)) && magic2 == FP_XSTATE_MAGIC2;
}

static bool area_valid(const uint8_t *area, bool xstate)
{
	static uint32_t mxcsr_mask;   /* the MXCSR bits this CPU allows */
	if (!mxcsr_mask) {
		static uint8_t probe[LEGACY_SIZE] __attribute__((aligned(16)));
		fxsave(probe);
		mxcsr_mask = ((struct fxsave_head *)probe)->mxcsr_mask;
		mxcsr_mask = mxcsr_mask ? mxcsr_mask : 0xffbf;   /* SDM 11.6.6: 0 means the default */
	}
	if (((const struct fxsave_head *)area)->mxcsr & ~mxcsr_mask)
		return false;
	if (!xstate)
		return true;
	const struct xsave_header *x = (const struct xsave_header *)(area + LEGACY_SIZE);
	for (int i = 0; i < 6; i++)
		if (x->reserved[i])
			return false;
	return !(x->xstate_bv & ~xfeatures) && !x->xcomp_bv;
}

/* 0, or -EFAULT/-EINVAL (the caller sends SIGSEGV) with p's state unchanged. */
int fpu_restore_sigframe(struct proc *p, uintptr_t ubuf)
{
	bool xstate = xstate_frame(ubuf);
	uint8_t *area = kmalloc(fpu_size);
	if (!area)
		return -ENOMEM;
	memcpy(area, clean, fpu_size);   /* a legacy-only frame: the rest in its initial state */
	int err = copy_from_user(area, ubuf, xstate ? fpu_size : LEGACY_SIZE) ? -EFAULT : 0;
	if (!err && use_xsave && !xstate)
		((struct xsave_header *)(area + LEGACY_SIZE))->xstate_bv |= XFEATURE_X87 | XFEATURE_SSE;
	if (!err && !area_valid(area, use_xsave))
		err = -EINVAL;
	if (!err) {
		memcpy(p->fpu, area, fpu_size);
		restore(p->fpu);
	}
	kfree(area);
	return err;
}
