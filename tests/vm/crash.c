/* crash: one flag per common memory bug of CS:APP 9.11, each caught by the
 * mechanism named beside it. Two uses:
 *
 *   crash CASE   commit that one bug (from the shell: see the kernel's
 *                diagnostic line and the shell's [killed by ...])
 *   crash        run every case in its own child and print how each died;
 *                the output is the same on Linux and on Pagoda, and the test
 *                harness also checks the kernel's diagnostic line for each.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include "testlib.h"

static unsigned char data_ret[16] = { 0xc3 };   /* `ret`, in .data */
static const char rodata_text[] = "read-only";

static void call(void *p) { ((void (*)(void))p)(); }

static volatile uintptr_t null_addr;   /* volatile: the compiler cannot see it is 0 */
static int null_read(void) { return *(volatile int *)null_addr; }
static int null_write(void) { *(volatile int *)(null_addr + 16) = 1; return 0; }
static int write_text(void) { *(volatile unsigned char *)(uintptr_t)&null_read = 0x90; return 0; }
static int write_rodata(void) { *(volatile char *)rodata_text = 'R'; return 0; }
static int exec_data(void) { call(data_ret); return 0; }

static int exec_heap(void)
{
	unsigned char *p = malloc(64);
	p[0] = 0xc3;
	call(p);
	return 0;
}

static int exec_stack(void)
{
	volatile unsigned char code[16] = { 0xc3 };
	call((void *)code);
	return 0;
}

static volatile int depth_limit = 1 << 30;
static int recurse(int n)
{
	volatile char frame[1024];
	frame[0] = (char)n;
	return n > depth_limit ? 0 : recurse(n + 1) + frame[0];
}
static int stack_overflow(void) { return recurse(0); }

static int kernel_read(void) { return *(volatile int *)KERNEL_ADDR; }
static int noncanonical_read(void) { return *(volatile int *)NONCANON_ADDR; }

static int prot_none_read(void)
{
	char *p = mmap(NULL, 4096, PROT_NONE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	return *(volatile char *)p;
}

static int use_after_munmap(void)
{
	char *p = mmap(NULL, 4096, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	p[0] = 1;
	munmap(p, 4096);
	return *(volatile char *)p;
}

static int divide_by_zero(void)
{
	__asm__ volatile("xor %%ecx, %%ecx; div %%ecx" ::: "eax", "ecx", "edx");
	return 0;
}

static int invalid_opcode(void)
{
	__asm__ volatile("ud2");
	return 0;
}

static const struct { const char *name; int (*fn)(void); } cases[] = {
	{ "null_read", null_read },
	{ "null_write", null_write },
	{ "write_text", write_text },
	{ "write_rodata", write_rodata },
	{ "exec_data", exec_data },
	{ "exec_heap", exec_heap },
	{ "exec_stack", exec_stack },
	{ "stack_overflow", stack_overflow },
	{ "kernel_read", kernel_read },
	{ "noncanonical_read", noncanonical_read },
	{ "prot_none_read", prot_none_read },
	{ "use_after_munmap", use_after_munmap },
	{ "divide_by_zero", divide_by_zero },
	{ "invalid_opcode", invalid_opcode },
};

/* An unknown case: say which exist (on stderr: the differential output is stdout). */
static void usage(const char *bad)
{
	fprintf(stderr, "crash: no case '%s'. usage: crash [CASE]; the cases:\n", bad);
	for (size_t i = 0; i < ARRAY_SIZE(cases); i++)
		fprintf(stderr, "  %s\n", cases[i].name);
}

static int run_case(void *arg)
{
	return ((int (*)(void))arg)();
}

int main(int argc, char **argv)
{
	for (size_t i = 0; i < ARRAY_SIZE(cases); i++) {
		if (argc > 1 && !strcmp(argv[1], cases[i].name))
			return cases[i].fn();
		if (argc == 1)
			show_child(cases[i].name, run_case, (void *)cases[i].fn);
	}
	if (argc > 1)
		usage(argv[1]);
	return argc > 1 ? 2 : 0;
}
