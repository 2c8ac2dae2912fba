/* zerofill: every page a process gets for the first time reads as zeros
 * (demand-zero: CS:APP 9.8's "anonymous file"): fresh mmaps, bss, the tail
 * of the last data page, brk growth, a mapping replaced with MAP_FIXED or
 * unmapped and mapped again, and shared mappings. Initialised data reads as
 * the ELF file says.
 */
#include "testlib.h"

static char bss_block[1 << 20];
static int data_block[1024] = { [0] = 1, [1] = 2, [1023] = 1023 };
extern char end[];	/* first byte after bss (linker-defined) */

static void static_segments(void)
{
	uintptr_t tail = ((uintptr_t)end + PAGE - 1) & ~(uintptr_t)(PAGE - 1);

	show_yes("bss_all_zero", all_zero(bss_block, sizeof bss_block));
	show_yes("data_initialised", data_block[0] == 1 && data_block[1] == 2 &&
		 data_block[1023] == 1023 && data_block[500] == 0);
	show_yes("bss_tail_of_last_page_zero", all_zero(end, tail - (uintptr_t)end));
	fill(bss_block, sizeof bss_block, 3);
	show_yes("bss_writable", check(bss_block, sizeof bss_block, 3));
}

static void fresh_mappings(void)
{
	char *p = map_anon(64 * PAGE, PROT_READ | PROT_WRITE);
	char *s = map_shared(16 * PAGE);

	show_yes("mmap_64_pages_zero", all_zero(p, 64 * PAGE));
	p[5 * PAGE + 7] = 42;
	show_yes("mmap_write_after_zero_read", p[5 * PAGE + 7] == 42);
	show_yes("mmap_neighbour_still_zero", p[5 * PAGE + 8] == 0 && p[6 * PAGE] == 0);
	show_yes("mmap_shared_zero", all_zero(s, 16 * PAGE));
	char *ro = map_anon(4 * PAGE, PROT_READ);
	show_yes("mmap_readonly_zero", all_zero(ro, 4 * PAGE));
}

static void replaced_mappings(void)
{
	char *w = reserve(10);
	char *p = place(w + PAGE, 8, PROT_READ | PROT_WRITE);

	memset(p, 0x5a, 8 * PAGE);
	place(p + 2 * PAGE, 2, PROT_READ | PROT_WRITE);
	show_yes("map_fixed_over_dirty_zero", all_zero(p + 2 * PAGE, 2 * PAGE));
	show_yes("map_fixed_neighbours_kept", p[PAGE] == 0x5a && p[4 * PAGE] == 0x5a);
	sys_munmap((uintptr_t)p, 8 * PAGE);
	place(p, 8, PROT_READ | PROT_WRITE);
	show_yes("unmap_then_map_zero", all_zero(p, 8 * PAGE));
	memset(p, 0x33, PAGE);
	sys_mprotect((uintptr_t)p, PAGE, PROT_NONE);
	sys_mprotect((uintptr_t)p, PAGE, PROT_READ | PROT_WRITE);
	show_yes("mprotect_round_trip_keeps_data", p[0] == 0x33 && p[PAGE - 1] == 0x33);
}

static void brk_growth(void)
{
	uintptr_t old = sys_brk(0);
	uintptr_t top = sys_brk(old + 16 * PAGE);

	show_yes("brk_grew", top == old + 16 * PAGE);
	show_yes("brk_growth_zero", all_zero((char *)old, 16 * PAGE));
	memset((char *)old, 0x77, 16 * PAGE);
	sys_brk(old);
	sys_brk(old + 16 * PAGE);
	uintptr_t first_full = (old + PAGE - 1) & ~(uintptr_t)(PAGE - 1);
	show_yes("brk_regrowth_zero", all_zero((char *)first_full, old + 16 * PAGE - first_full));
	sys_brk(old);
}

static void sparse_large(void)
{
	size_t len = 32u << 20;
	char *p = map_anon(len, PROT_READ | PROT_WRITE);
	int zero = 1, kept = 1;

	for (size_t off = 0; off < len; off += 16 * PAGE) {
		zero &= p[off] == 0 && p[off + PAGE - 1] == 0;
		p[off] = (char)(off >> 16);
	}
	for (size_t off = 0; off < len; off += 16 * PAGE)
		kept &= p[off] == (char)(off >> 16);
	show_yes("sparse_32m_zero_before_write", zero);
	show_yes("sparse_32m_values_kept", kept);
	sys_munmap((uintptr_t)p, len);
}

/* The kernel zeroes a demand-zero page (and a new page table) with SSE
 * stores through xmm0 (kernel/string.c page_zero): the program's own xmm0
 * must come back unchanged from every such fault. All in one asm block, so
 * the compiler cannot use xmm0 in between. */
static void faults_keep_xmm0(void)
{
	char *p = map_anon(64 * PAGE, PROT_READ | PROT_WRITE);
	uint64_t in[2] = { 0x0123456789abcdefull, 0xfedcba9876543210ull }, out[2] = { 0, 0 };
	long pages = 64;
	__asm__ volatile("movdqu (%[in]), %%xmm0\n"
			 "1: movb $1, (%[p])\n\t"
			 "add $4096, %[p]\n\t"
			 "dec %[n]\n\t"
			 "jnz 1b\n\t"
			 "movdqu %%xmm0, (%[out])"
			 : [p] "+r"(p), [n] "+r"(pages)
			 : [in] "r"(in), [out] "r"(out)
			 : "xmm0", "memory", "cc");
	show_yes("demand_zero_faults_keep_xmm0", out[0] == in[0] && out[1] == in[1]);
}

int main(void)
{
	faults_keep_xmm0();
	static_segments();
	fresh_mappings();
	replaced_mappings();
	brk_growth();
	sparse_large();
	return 0;
}
