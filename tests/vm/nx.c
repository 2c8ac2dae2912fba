/* nx: execute permission is enforced page by page (the NX bit). A `ret`
 * copied into data, bss, rodata, the stack, the heap or a RW mapping cannot
 * be run (SIGSEGV); in a PROT_EXEC mapping it can. Text and rodata cannot be
 * written; jumps to NULL, kernel and non-canonical addresses die with SIGSEGV.
 */
#include "testlib.h"

static unsigned char data_ret[64] = { 0xc3 };
static unsigned char bss_ret[64];
static const unsigned char rodata_ret[64] = { 0xc3 };
static const char rodata_string[] = "constant";

static int run_stack_ret(void *arg)
{
	volatile unsigned char code[64];

	(void)arg;
	code[0] = 0xc3;
	((void (*)(void))code)();
	return 0;
}

static int write_byte(void *p)
{
	*(volatile char *)p = 0;
	return 0;
}

static int jump_to(void *p)
{
	((void (*)(void))p)();
	return 0;
}

static void text_function(void)
{
}

static void non_executable(void)
{
	uintptr_t heap = sys_brk(0);
	char *rw = map_anon(PAGE, PROT_READ | PROT_WRITE);
	char *ro = map_anon(PAGE, PROT_READ | PROT_WRITE);

	copy_ret(bss_ret);
	show_yes("exec_data", can_exec(data_ret));
	show_yes("exec_bss", can_exec(bss_ret));
	show_yes("exec_rodata", can_exec((void *)rodata_ret));
	show_child("exec_stack", run_stack_ret, NULL);
	sys_brk(heap + PAGE);
	copy_ret((void *)heap);
	show_yes("exec_heap", can_exec((void *)heap));
	sys_brk(heap);
	copy_ret(rw);
	show_yes("exec_mmap_rw", can_exec(rw));
	copy_ret(ro);
	sys_mprotect((uintptr_t)ro, PAGE, PROT_READ);
	show_yes("exec_mmap_readonly", can_exec(ro));
	sys_mprotect((uintptr_t)ro, PAGE, PROT_NONE);
	show_yes("exec_mmap_prot_none", can_exec(ro));
}

static void executable(void)
{
	long rwx = sys_mmap(0, PAGE, PROT_READ | PROT_WRITE | PROT_EXEC,
			    MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	char *rx = map_anon(PAGE, PROT_READ | PROT_WRITE);

	copy_ret((void *)rwx);
	show_yes("exec_mmap_rwx", can_exec((void *)rwx));
	copy_ret(rx);
	sys_mprotect((uintptr_t)rx, PAGE, PROT_READ | PROT_EXEC);
	show_yes("exec_mmap_rx", can_exec(rx));
	show_yes("exec_text", can_exec((void *)text_function));
	show_yes("read_text", can_read((void *)text_function));
}

static void not_writable(void)
{
	char *ro = map_anon(PAGE, PROT_READ);

	show_child("write_text", write_byte, (void *)text_function);
	show_child("write_rodata", write_byte, (void *)rodata_string);
	show_child("write_mmap_readonly", write_byte, ro);
	show_child("write_null", write_byte, NULL);
	show_child("write_kernel", write_byte, (void *)KERNEL_ADDR);
	show_child("write_noncanonical", write_byte, (void *)NONCANON_ADDR);
}

static void bad_jumps(void)
{
	show_child("jump_null", jump_to, NULL);
	show_child("jump_kernel", jump_to, (void *)KERNEL_ADDR);
	show_child("jump_noncanonical", jump_to, (void *)NONCANON_ADDR);
	show_child("jump_unmapped", jump_to, unmapped_page());
}

int main(void)
{
	non_executable();
	executable();
	not_writable();
	bad_jumps();
	return 0;
}
