/* mmap: anonymous mappings that succeed. Placement (hints honoured when the
 * range is free, rounded up to a page, moved when it is not), MAP_FIXED
 * replacing and splitting what was there, MAP_FIXED_NOREPLACE, length
 * rounding, the protections as x86 enforces them (write implies read), and
 * flags Linux accepts and ignores. Addresses are compared, never printed.
 */
#include "testlib.h"

enum { RW = PROT_READ | PROT_WRITE, PRIV = MAP_PRIVATE | MAP_ANONYMOUS };

static long map_at(void *hint, size_t len, int prot, int flags)
{
	return sys_mmap((uintptr_t)hint, len, prot, flags, -1, 0);
}

static void placement(void)
{
	char *a = map_anon(PAGE, RW), *b = map_anon(PAGE, RW);
	char *w = reserve(16);
	long r;

	show_yes("result_page_aligned", ((uintptr_t)a & (PAGE - 1)) == 0);
	show_yes("two_mappings_disjoint", a + PAGE <= b || b + PAGE <= a);
	sys_munmap((uintptr_t)w, 16 * PAGE);
	r = map_at(w + 4 * PAGE, 2 * PAGE, RW, PRIV);
	show_yes("hint_respected_when_free", r == (long)(w + 4 * PAGE));
	r = map_at(w + 8 * PAGE + 100, PAGE, RW, PRIV);
	show_yes("unaligned_hint_rounded_down", r == (long)(w + 8 * PAGE));
	r = map_at(w + 4 * PAGE, PAGE, RW, PRIV);
	show_yes("hint_occupied_moved", r != -1 && r != (long)(w + 4 * PAGE));
	show_yes("hint_occupied_no_overlap", r + PAGE <= (long)(w + 4 * PAGE) ||
		 r >= (long)(w + 6 * PAGE));
	r = map_at((void *)KERNEL_ADDR, PAGE, RW, PRIV);
	show_yes("kernel_hint_ignored", r != -1 && (uintptr_t)r < USER_TOP);
	r = map_at((void *)(USER_TOP - PAGE), 4 * PAGE, RW, PRIV);
	show_yes("hint_crossing_ceiling_moved", r != -1 && (uintptr_t)r + 4 * PAGE <= USER_TOP);
}

static void fixed(void)
{
	char *w = reserve(12);
	char *p = place(w + PAGE, 8, RW);
	long r;

	memset(p, 1, 8 * PAGE);
	r = map_at(p + 3 * PAGE, 2 * PAGE, PROT_READ, PRIV | MAP_FIXED);
	show_yes("fixed_returns_address", r == (long)(p + 3 * PAGE));
	show_yes("fixed_replaced_with_zero", p[3 * PAGE] == 0 && p[5 * PAGE - 1] == 0);
	show_access("fixed_split_left", p + 2 * PAGE);
	show_access("fixed_split_middle", p + 3 * PAGE);
	show_access("fixed_split_right", p + 5 * PAGE);
	show_yes("fixed_split_outer_data_kept", p[2 * PAGE] == 1 && p[5 * PAGE] == 1);
	r = map_at(w, 12 * PAGE, RW, PRIV | MAP_FIXED);
	show_yes("fixed_over_several_areas", r == (long)w && all_zero(w, 12 * PAGE));
	sys_munmap((uintptr_t)w, 12 * PAGE);
}


static void noreplace_cases(void)
{
	char *w = reserve(8);
	long r;

	sys_munmap((uintptr_t)w + 4 * PAGE, 4 * PAGE);
	r = map_at(w + 4 * PAGE, 2 * PAGE, RW, PRIV | MAP_FIXED_NOREPLACE);
	show_yes("noreplace_free_range", r == (long)(w + 4 * PAGE));
	w[4 * PAGE] = 9;
	show_rc("noreplace_occupied", map_at(w + 4 * PAGE, PAGE, RW, PRIV | MAP_FIXED_NOREPLACE));
	show_rc("noreplace_partial_overlap", map_at(w + 5 * PAGE, 2 * PAGE, RW,
		PRIV | MAP_FIXED_NOREPLACE));
	show_rc("noreplace_over_prot_none", map_at(w, PAGE, RW, PRIV | MAP_FIXED_NOREPLACE));
	show_yes("noreplace_failure_kept_data", w[4 * PAGE] == 9);
	show_rc("noreplace_unaligned", map_at(w + 6 * PAGE + 1, PAGE, RW,
		PRIV | MAP_FIXED_NOREPLACE));
	sys_munmap((uintptr_t)w, 8 * PAGE);
}

static void lengths(void)
{
	char *w = reserve(4);
	long r = map_at(w + PAGE, 1, RW, PRIV | MAP_FIXED);

	show_yes("length_1_maps_a_page", r == (long)(w + PAGE));
	show_access("length_1_last_byte", w + 2 * PAGE - 1);
	show_access("length_1_next_page", w + 2 * PAGE);
	r = map_at(w + PAGE, PAGE + 1, RW, PRIV | MAP_FIXED);
	show_access("length_page_plus_1_second_page", w + 2 * PAGE);
	show_access("length_page_plus_1_third_page", w + 3 * PAGE);
	sys_munmap((uintptr_t)w, 4 * PAGE);
}

static void protections(void)
{
	static const struct { const char *name; int prot; } cases[] = {
		{ "prot_none", PROT_NONE },
		{ "prot_read", PROT_READ },
		{ "prot_write_only", PROT_WRITE },
		{ "prot_read_write", PROT_READ | PROT_WRITE },
		{ "prot_read_exec", PROT_READ | PROT_EXEC },
		{ "prot_rwx", PROT_READ | PROT_WRITE | PROT_EXEC },
	};

	for (size_t i = 0; i < ARRAY_SIZE(cases); i++) {
		long r = map_at(NULL, PAGE, cases[i].prot, PRIV);
		show_access(cases[i].name, (void *)r);
		sys_munmap((uintptr_t)r, PAGE);
	}
}

static void accepted_flags(void)
{
	long r;

	r = map_at(NULL, PAGE, RW, PRIV | MAP_NORESERVE);
	show_ok("flag_noreserve", r);
	r = map_at(NULL, 4 * PAGE, RW, PRIV | MAP_POPULATE);
	show_yes("flag_populate_zero", r != -1 && all_zero((char *)r, 4 * PAGE));
	show_ok("flag_stack", map_at(NULL, PAGE, RW, PRIV | MAP_STACK));
	show_ok("flag_unknown_bit_ignored", map_at(NULL, PAGE, RW, PRIV | 0x40000000));
	show_ok("anon_fd_ignored", sys_mmap(0, PAGE, RW, PRIV, 5, 0));
	show_ok("anon_aligned_offset_ignored", sys_mmap(0, PAGE, RW, PRIV, -1, 16 * PAGE));
	/* 64 MiB: less than the RAM the 128 MiB test machine has left beside
	 * its ramdisk (about 92 MiB), so Linux's heuristic overcommit check
	 * passes on both systems; nothing is touched. */
	r = map_at(NULL, 64u << 20, RW, PRIV);
	show_ok("untouched_64m", r);
	sys_munmap((uintptr_t)r, 64u << 20);
	r = map_at(NULL, 1ul << 30, PROT_NONE, PRIV);
	show_ok("prot_none_1g", r);
	sys_munmap((uintptr_t)r, 1ul << 30);
}

static void many_small(void)
{
	static long maps[1000];
	int ok = 0, freed = 0;

	for (int i = 0; i < 1000; i++) {
		maps[i] = map_at(NULL, PAGE, i % 2 ? RW : PROT_READ, PRIV);
		ok += maps[i] != -1;
	}
	for (int i = 0; i < 1000; i++)
		freed += sys_munmap((uintptr_t)maps[i], PAGE) == 0;
	say("thousand_mappings", "%d mapped, %d unmapped", ok, freed);
}

int main(void)
{
	placement();
	fixed();
	noreplace_cases();
	lengths();
	protections();
	accepted_flags();
	many_small();
	return 0;
}
