/* mmap_errors: every way an anonymous mmap fails on Linux x86-64, by raw
 * syscall (musl checks some lengths itself). EINVAL for bad alignment, zero
 * length and bad flag combinations; ENOMEM for lengths that overflow or leave
 * user space (its ceiling is 2^47 minus one page) and for kernel addresses;
 * EEXIST for MAP_FIXED_NOREPLACE on a used range; EBADF for a file mapping
 * without a file. Nothing may be mapped by a failing call.
 */
#include "testlib.h"

enum { RW = PROT_READ | PROT_WRITE, PRIV = MAP_PRIVATE | MAP_ANONYMOUS };

static void einval_cases(void)
{
	char *w = reserve(4);

	sys_munmap((uintptr_t)w, 4 * PAGE);
	show_rc("length_zero", sys_mmap(0, 0, RW, PRIV, -1, 0));
	show_rc("length_zero_fixed", sys_mmap((uintptr_t)w, 0, RW, PRIV | MAP_FIXED, -1, 0));
	show_rc("fixed_unaligned", sys_mmap((uintptr_t)w + 8, PAGE, RW, PRIV | MAP_FIXED, -1, 0));
	show_rc("offset_unaligned", sys_mmap(0, PAGE, RW, PRIV, -1, 100));
	show_rc("neither_private_nor_shared", sys_mmap(0, PAGE, RW, MAP_ANONYMOUS, -1, 0));
	show_rc("fixed_noreplace_unaligned", sys_mmap((uintptr_t)w + 1, PAGE, RW,
		PRIV | MAP_FIXED_NOREPLACE, -1, 0));
	show_yes("failures_mapped_nothing", !can_read(w) && !can_read(w + PAGE));
}

static void enomem_cases(void)
{
	show_rc("length_2_pow_47", sys_mmap(0, 1ul << 47, RW, PRIV, -1, 0));
	show_rc("length_max", sys_mmap(0, (size_t)-1, RW, PRIV, -1, 0));
	show_rc("length_max_minus_page", sys_mmap(0, (size_t)-PAGE, RW, PRIV, -1, 0));
	show_rc("length_2_pow_63", sys_mmap(0, 1ul << 63, RW, PRIV, -1, 0));
	show_rc("fixed_kernel_address", sys_mmap(KERNEL_ADDR, PAGE, RW, PRIV | MAP_FIXED, -1, 0));
	show_rc("fixed_noncanonical", sys_mmap(NONCANON_ADDR, PAGE, RW, PRIV | MAP_FIXED, -1, 0));
	show_rc("fixed_at_ceiling", sys_mmap(USER_TOP, PAGE, RW, PRIV | MAP_FIXED, -1, 0));
	show_rc("fixed_crossing_ceiling", sys_mmap(USER_TOP - PAGE, 2 * PAGE, RW,
		PRIV | MAP_FIXED, -1, 0));
	show_rc("fixed_wrapping", sys_mmap(USER_TOP - 16 * PAGE, (size_t)-PAGE, RW,
		PRIV | MAP_FIXED, -1, 0));
	show_rc("noreplace_kernel_address", sys_mmap(KERNEL_ADDR, PAGE, RW,
		PRIV | MAP_FIXED_NOREPLACE, -1, 0));
}

static void other_cases(void)
{
	char *p = map_anon(2 * PAGE, RW);

	show_rc("noreplace_on_mapping", sys_mmap((uintptr_t)p, PAGE, RW,
		PRIV | MAP_FIXED_NOREPLACE, -1, 0));
	show_rc("file_mapping_fd_minus_1", sys_mmap(0, PAGE, PROT_READ, MAP_PRIVATE, -1, 0));
	show_rc("file_mapping_bad_fd", sys_mmap(0, PAGE, PROT_READ, MAP_PRIVATE, 99, 0));
	show_rc("shared_file_mapping_bad_fd", sys_mmap(0, PAGE, RW, MAP_SHARED, 99, 0));
	show_rc("shared_anon_zero_length", sys_mmap(0, 0, RW, MAP_SHARED | MAP_ANONYMOUS, -1, 0));
	show_rc("shared_anon_huge_length", sys_mmap(0, 1ul << 47, RW,
		MAP_SHARED | MAP_ANONYMOUS, -1, 0));
}

int main(void)
{
	einval_cases();
	enomem_cases();
	other_cases();
	return 0;
}
