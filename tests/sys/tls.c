/* tls: arch_prctl and the FS base that holds musl's thread pointer.
 * ARCH_GET_FS reports the thread pointer (musl keeps a self pointer at
 * %fs:0, so it equals pthread_self()); ARCH_SET_FS moves it and refuses
 * non-canonical and kernel addresses with EPERM; the base survives fork; the
 * kernel can store the answer into an untouched or a copy-on-write page.
 */
#include <pthread.h>
#include "testlib.h"

enum { ARCH_SET_FS = 0x1002, ARCH_GET_FS = 0x1003 };

static long arch_prctl(int code, unsigned long arg)
{
	return syscall(SYS_arch_prctl, code, arg);
}

static void get_cases(void)
{
	unsigned long fs = 0;
	unsigned long *fresh = (unsigned long *)map_anon(PAGE, PROT_READ | PROT_WRITE);

	show_rc("get_fs", arch_prctl(ARCH_GET_FS, (unsigned long)&fs));
	show_yes("get_fs_is_thread_pointer", fs == (unsigned long)pthread_self());
	show_rc("get_fs_into_fresh_page", arch_prctl(ARCH_GET_FS, (unsigned long)fresh));
	show_yes("get_fs_fresh_page_value", *fresh == fs);
	show_rc("get_fs_kernel_ptr", arch_prctl(ARCH_GET_FS, KERNEL_ADDR));
	show_rc("get_fs_readonly_ptr", arch_prctl(ARCH_GET_FS,
		(unsigned long)map_anon(PAGE, PROT_READ)));
	show_rc("get_fs_unmapped_ptr", arch_prctl(ARCH_GET_FS,
		(unsigned long)unmapped_page()));
	show_rc("bad_code", arch_prctl(0x9999, 0));
}

/* fs_self: the self pointer at %fs:0, read fresh each time. */
static inline unsigned long fs_self(void)
{
	unsigned long v;

	__asm__ volatile("mov %%fs:0, %0" : "=r"(v));
	return v;
}

static void set_cases(void)
{
	unsigned long fs = 0;

	arch_prctl(ARCH_GET_FS, (unsigned long)&fs);
	show_rc("set_fs_same", arch_prctl(ARCH_SET_FS, fs));
	show_rc("set_fs_noncanonical", arch_prctl(ARCH_SET_FS, NONCANON_ADDR));
	show_rc("set_fs_kernel", arch_prctl(ARCH_SET_FS, KERNEL_ADDR));
	show_yes("set_fs_refusal_kept_base", fs_self() == fs);
}

/* move_tls: in a child, point FS at a copy of the thread block, check musl
 * sees it, and exit without touching libc state again. */
static int move_tls(void *arg)
{
	static unsigned long block[64];
	unsigned long fs;

	(void)arg;
	arch_prctl(ARCH_GET_FS, (unsigned long)&fs);
	memcpy(block, (void *)fs, sizeof block);
	block[0] = (unsigned long)block;
	arch_prctl(ARCH_SET_FS, (unsigned long)block);
	if (fs_self() != (unsigned long)block)
		return 1;
	arch_prctl(ARCH_SET_FS, fs);
	return fs_self() == fs ? 0 : 2;
}

static int same_fs_as_parent(void *arg)
{
	unsigned long fs = 0;

	arch_prctl(ARCH_GET_FS, (unsigned long)&fs);
	return fs == *(unsigned long *)arg ? 0 : 1;
}

/* get_into_cow: the child's GET_FS lands in a page it shares copy-on-write
 * with the parent; the parent's copy must keep its old contents. */
static int get_into_cow(void *arg)
{
	unsigned long *page = arg;

	return arch_prctl(ARCH_GET_FS, (unsigned long)page) == 0 && *page != 77 ? 0 : 1;
}

static void fork_cases(void)
{
	unsigned long fs = 0;
	unsigned long *page = (unsigned long *)map_anon(PAGE, PROT_READ | PROT_WRITE);

	arch_prctl(ARCH_GET_FS, (unsigned long)&fs);
	show_child("set_fs_moves_tls", move_tls, NULL);
	show_child("fs_base_survives_fork", same_fs_as_parent, &fs);
	*page = 77;
	show_child("get_fs_into_cow_page", get_into_cow, page);
	say("get_fs_cow_parent_value", "%lu", *page);
}

int main(void)
{
	get_cases();
	set_cases();
	fork_cases();
	return 0;
}
