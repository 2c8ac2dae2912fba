/*
 * The IDT: 256 interrupt gates, each pointing at its stub in trapentry.asm.
 * Only #BP is callable from ring 3 (DPL 3), as on Linux, so `int3` in a user
 * program traps instead of raising #GP. #DF and NMI run on IST stacks.
 */
#include "idt.h"
#include "gdt.h"
#include "trap.h"
#include "x86.h"

struct gate {
	uint16_t off_lo, sel;
	uint8_t ist, type_attr;
	uint16_t off_mid;
	uint32_t off_hi, zero;
} __attribute__((packed));

extern const uint64_t trap_vectors[256];
static struct gate idt[256];

static void set_gate(int v, int dpl, int ist)
{
	uint64_t off = trap_vectors[v];
	idt[v] = (struct gate){
		.off_lo = off & 0xffff,
		.sel = SEL_KCODE,
		.ist = ist,
		.type_attr = 0x8e | (dpl << 5),   /* present, 64-bit interrupt gate: IF cleared on entry */
		.off_mid = (off >> 16) & 0xffff,
		.off_hi = off >> 32,
	};
}

void idt_init(void)
{
	for (int v = 0; v < 256; v++)
		set_gate(v, 0, 0);
	set_gate(T_BP, 3, 0);
	set_gate(T_DF, 0, IST_DOUBLE_FAULT);
	set_gate(T_NMI, 0, IST_NMI);
	idt_load();
}

/* Every CPU loads the same table. */
void idt_load(void)
{
	struct { uint16_t limit; uint64_t base; } __attribute__((packed)) ptr = { sizeof(idt) - 1, (uintptr_t)idt };
	lidt(&ptr);
}
