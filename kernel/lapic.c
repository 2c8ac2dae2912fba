/*
 * The local APIC (Intel SDM vol. 3A, chapter 11): each CPU's own interrupt
 * controller, seen by every CPU at the same physical address (each sees its
 * own registers there). Pagoda uses it to start CPUs (INIT and STARTUP
 * IPIs), to send IPIs between running CPUs (reschedule, TLB shootdown) and
 * for the secondary CPUs' tick. The boot CPU keeps the 8259 PIC (virtual
 * wire: the firmware routes it through LINT0 as ExtINT) and the PIT, so a
 * one-CPU boot is unchanged.
 *
 * Always true: an interrupt the local APIC delivered (its timer, an IPI) is
 * acknowledged with lapic_eoi; PIC interrupts (ExtINT) are not.
 */
#include "lapic.h"
#include "param.h"
#include "timer.h"
#include "trap.h"
#include "x86.h"
#include "../mm/kmap.h"

enum {
	LAPIC_ID = 0x20, LAPIC_TPR = 0x80, LAPIC_EOI = 0xb0, LAPIC_SVR = 0xf0,
	LAPIC_ICR_LO = 0x300, LAPIC_ICR_HI = 0x310, LAPIC_LVT_TIMER = 0x320,
	LAPIC_TIMER_INIT = 0x380, LAPIC_TIMER_CUR = 0x390, LAPIC_TIMER_DIV = 0x3e0,
	SVR_ENABLE = 1 << 8,
	ICR_INIT = 5 << 8, ICR_STARTUP = 6 << 8, ICR_ASSERT = 1 << 14, ICR_PENDING = 1 << 12,
	TIMER_PERIODIC = 1 << 17, TIMER_MASKED = 1 << 16, TIMER_DIV_16 = 3,
	APIC_BASE_ENABLE = 1 << 11,
};

static volatile uint32_t *regs;
static uint32_t counts_per_tick;

static uint32_t rd(unsigned reg) { return regs[reg / 4]; }
static void wr(unsigned reg, uint32_t v) { regs[reg / 4] = v; }

void lapic_init(paddr_t pa)
{
	regs = kmap_phys(pa, 4096, true);
	lapic_init_cpu();
}

void lapic_init_cpu(void)
{
	wrmsr(MSR_APIC_BASE, rdmsr(MSR_APIC_BASE) | APIC_BASE_ENABLE);
	wr(LAPIC_SVR, SVR_ENABLE | T_SPURIOUS);
	wr(LAPIC_TPR, 0);
}

uint32_t lapic_id(void)
{
	return rd(LAPIC_ID) >> 24;
}

void lapic_eoi(void)
{
	wr(LAPIC_EOI, 0);
}

static void send(uint32_t apic_id, uint32_t lo)
{
	wr(LAPIC_ICR_HI, apic_id << 24);
	wr(LAPIC_ICR_LO, lo);
	while (rd(LAPIC_ICR_LO) & ICR_PENDING)
		pause();
}

void lapic_send_ipi(uint32_t apic_id, unsigned vector)
{
	send(apic_id, ICR_ASSERT | vector);
}

void lapic_send_init(uint32_t apic_id)
{
	send(apic_id, ICR_INIT | ICR_ASSERT);
}

void lapic_send_sipi(uint32_t apic_id, paddr_t start)
{
	send(apic_id, ICR_STARTUP | ICR_ASSERT | (uint32_t)(start >> 12));
}

/* Count the APIC timer down across ten PIT ticks or a little more, halted
 * meanwhile (timer_delay_ns), and scale by the time the PIT says passed.
 * Under -icount both clocks are virtual and the result is exact. */
void lapic_timer_calibrate(void)
{
	const uint64_t tick_ns = 1000000000ull / HZ;
	wr(LAPIC_TIMER_DIV, TIMER_DIV_16);
	wr(LAPIC_LVT_TIMER, TIMER_MASKED | T_LAPIC_TIMER);
	uint64_t t0 = timer_ns();
	wr(LAPIC_TIMER_INIT, 0xffffffff);
	timer_delay_ns(10 * tick_ns);
	uint64_t used = 0xffffffff - rd(LAPIC_TIMER_CUR);
	uint64_t per_tick = used * tick_ns / (timer_ns() - t0);
	wr(LAPIC_TIMER_INIT, 0);
	counts_per_tick = per_tick ? per_tick : 1;
}

void lapic_timer_start(void)
{
	wr(LAPIC_TIMER_DIV, TIMER_DIV_16);
	wr(LAPIC_LVT_TIMER, TIMER_PERIODIC | T_LAPIC_TIMER);
	wr(LAPIC_TIMER_INIT, counts_per_tick);
}
