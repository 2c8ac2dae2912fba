/*
 * The tick: the 8254 PIT on IRQ 0 through the 8259 PIC, at HZ per second.
 *
 * Why the PIT and not the LAPIC timer: the PIT counts a fixed 1.193182 MHz
 * clock, so HZ needs no calibration loop, and QEMU's PIT follows the virtual
 * clock, so under `-icount` the tick stays deterministic. Pagoda runs one
 * CPU, so the per-CPU LAPIC timer buys nothing yet. The PIC is remapped to
 * vectors 32..47 (out of the CPU's exception range) and every line but the
 * ones we use is masked.
 */
#include "timer.h"
#include "irq.h"
#include "panic.h"
#include "param.h"
#include "sched_hooks.h"
#include "serial.h"
#include "x86.h"
#include "errno.h"
#include "exit_work.h"
#include "linux_abi.h"
#include "uaccess.h"
#include "../fs/vfs.h"

enum {
	PIC1_CMD = 0x20, PIC1_DATA = 0x21, PIC2_CMD = 0xa0, PIC2_DATA = 0xa1,
	PIC_EOI = 0x20,
	PIT_CH0 = 0x40, PIT_CMD = 0x43,
	PIT_HZ = 1193182,
	IRQ_TIMER = 0, IRQ_COM1 = 4,
};

static volatile uint64_t ticks;
static uint16_t pic_mask = 0xffff;

static void pic_init(void)
{
	outb(PIC1_CMD, 0x11);     /* ICW1: init, expect ICW4 */
	outb(PIC2_CMD, 0x11);
	outb(PIC1_DATA, 32);      /* ICW2: vector offsets */
	outb(PIC2_DATA, 40);
	outb(PIC1_DATA, 4);       /* ICW3: slave on IRQ 2 */
	outb(PIC2_DATA, 2);
	outb(PIC1_DATA, 1);       /* ICW4: 8086 mode */
	outb(PIC2_DATA, 1);
	outb(PIC1_DATA, pic_mask & 0xff);
	outb(PIC2_DATA, pic_mask >> 8);
}

void pic_unmask(unsigned irq)
{
	pic_mask &= ~(1u << irq);
	if (irq >= 8)
		pic_mask &= ~(1u << 2);   /* the cascade line */
	outb(PIC1_DATA, pic_mask & 0xff);
	outb(PIC2_DATA, pic_mask >> 8);
}

static void pit_init(void)
{
	uint16_t divisor = PIT_HZ / HZ;
	outb(PIT_CMD, 0x34);      /* channel 0, lo/hi byte, mode 2 (rate generator) */
	outb(PIT_CH0, divisor & 0xff);
	outb(PIT_CH0, divisor >> 8);
}

void timer_init(void)
{
	pic_init();
	pit_init();
	pic_unmask(IRQ_TIMER);
}

uint64_t timer_ticks(void)
{
	return ticks;
}

/* Where the PIT is within the current tick: latch channel 0's counter, which
 * counts down from the divisor to 0 once per tick. */
static uint32_t pit_elapsed_counts(void)
{
	outb(PIT_CMD, 0x00);   /* latch channel 0 */
	uint8_t lo = inb(PIT_CH0), hi = inb(PIT_CH0);
	return PIT_HZ / HZ - ((uint32_t)hi << 8 | lo);
}

static bool tick_pending(void)
{
	outb(PIC1_CMD, 0x0a);   /* read the interrupt request register */
	return inb(PIC1_CMD) & 1;
}

static bool tick_in_service(void)
{
	outb(PIC1_CMD, 0x0b);   /* read the in-service register */
	return inb(PIC1_CMD) & 1;
}

/* Nanoseconds since boot with the PIT's resolution (838 ns), not just the
 * tick's: the tick count plus the time elapsed within the current tick.
 * Two wraps of the counter may not be in `ticks` yet:
 *   - one in service: a CPU took the interrupt and waits for the kernel
 *     lock (which the caller holds) before irq_dispatch counts it; it came
 *     before the counter was latched, so it is always counted here;
 *   - one requested, not taken yet (interrupts are off): counted when the
 *     latched counter is in the first half of a tick, i.e. it wrapped before
 *     the latch, not just after.
 * Never goes back. */
uint64_t timer_ns(void)
{
	static uint64_t last;
	bool irq = irq_save();
	uint64_t t = ticks;
	t += tick_in_service();
	uint32_t counts = pit_elapsed_counts();
	if (tick_pending() && counts < PIT_HZ / HZ / 2)
		t++;
	uint64_t ns = t * (1000000000ull / HZ) + counts * 1000000000ull / PIT_HZ;
	if (ns < last)
		ns = last;
	last = ns;
	irq_restore(irq);
	return ns;
}

/* A wait that spends no instructions: halted between the ticks until the
 * clock has advanced ns (and up to two ticks more: it ends at a tick, and a
 * tick just before the halt is missed). A polling wait would spend the whole
 * time in instructions: under -icount, 1 ns each, so the boot's 100 ms of
 * delays were 100 million kernel instructions (tools/kprof logs every one).
 * Interrupts must be on: the tick (the PIT's on the boot CPU) wakes the halt. */
void timer_delay_ns(uint64_t ns)
{
	kassert(read_rflags() & RFLAGS_IF);
	uint64_t t0 = timer_ns();
	while (timer_ns() - t0 < ns)
		hlt();
}

/* Counted from the tick the clock is in, not from `ticks`: with several
 * CPUs a tick may have come and not be counted yet (timer_ns's comment),
 * and a deadline counted from `ticks` then ended a sleep one tick early by
 * the clock a program reads (the smp suite's clocks test saw a 30 ms
 * nanosleep last 2x ms). +1: the current tick is partly over. */
uint64_t timer_deadline(uint64_t ticks)
{
	return timer_ns() / (1000000000ull / HZ) + ticks + 1;
}

uint64_t ns_to_ticks(uint64_t ns)
{
	const uint64_t ns_per_tick = 1000000000ull / HZ;
	return (ns + ns_per_tick - 1) / ns_per_tick;
}

long timespec_from_user(uintptr_t uts, uint64_t *ns)
{
	struct timespec ts;
	if (copy_from_user(&ts, uts, sizeof(ts)))
		return -EFAULT;
	if (!timespec_valid(&ts))
		return -EINVAL;
	*ns = timespec_ns(&ts);
	return 0;
}

static void pic_eoi(unsigned irq)
{
	if (irq >= 8)
		outb(PIC2_CMD, PIC_EOI);
	outb(PIC1_CMD, PIC_EOI);
}

void irq_dispatch(unsigned irq, struct trapframe *tf)
{
	pic_eoi(irq);   /* before a possible context switch, so the next tick can come */
	if (irq == IRQ_TIMER) {
		ticks++;
		if (sync_due(ticks))
			set_global_work(WORK_SYNC);   /* the next syscall's end writes back */
		sched_tick(tf);
	} else if (irq == IRQ_COM1) {
		console_rx_interrupt();
	} else {
		irq_run_handlers(irq);   /* devices: irq.c */
	}
}
