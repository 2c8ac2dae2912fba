/* mincore: one byte per page, 1 when the page is resident, Linux's errors
 * and partial results. */
#define _GNU_SOURCE
#include <sys/mman.h>
#include "testlib.h"

static const char *vec_str(const unsigned char *v, size_t n)
{
	static char out[64];
	for (size_t i = 0; i < n && i < 63; i++)
		out[i] = v[i] == 0x55 ? '.' : (v[i] & 1) ? '1' : '0';
	out[n < 63 ? n : 63] = 0;
	return out;
}

static void show_vec(const char *name, void *p, size_t len)
{
	unsigned char v[64];
	memset(v, 0x55, sizeof(v));
	long r = mincore(p, len, v);
	if (r)
		show_rc(name, r);
	else
		say(name, "%s", vec_str(v, (len + PAGE - 1) / PAGE));
}

int main(void)
{
	unsigned char v[64];
	char *w = reserve(12);
	char *p = place(w + PAGE, 8, PROT_READ | PROT_WRITE);
	show_vec("untouched", p, 8 * PAGE);
	p[0] = 1;
	p[3 * PAGE] = 1;
	(void)*(volatile char *)(p + 5 * PAGE);   /* a read maps a page too */
	show_vec("touched_0_3_5", p, 8 * PAGE);
	show_vec("len_not_page_multiple", p, 3 * PAGE + 1);
	show_vec("len_zero", p, 0);
	show_rc("len_zero_unmapped", mincore(unmapped_page(), 0, v));
	show_rc("unaligned_start", mincore(p + 1, PAGE, v));
	show_rc("unmapped_start", mincore(unmapped_page(), PAGE, v));
	show_rc("kernel_start", mincore((void *)KERNEL_ADDR, PAGE, v));
	show_rc("length_wraps", mincore(p, (size_t)-PAGE, v));
	show_rc("vec_null", mincore(p, PAGE, NULL));
	show_rc("vec_kernel", mincore(p, PAGE, (unsigned char *)KERNEL_ADDR));
	show_rc("vec_read_only", mincore(p, PAGE, (unsigned char *)map_anon(PAGE, PROT_READ)));

	sys_munmap((uintptr_t)(p + 6 * PAGE), PAGE);   /* a hole at page 6 */
	memset(v, 0x55, sizeof(v));
	show_rc("range_with_hole", mincore(p, 8 * PAGE, v));
	say("range_with_hole_vec", "%s", vec_str(v, 8));

	madvise(p, 8 * PAGE, MADV_DONTNEED);   /* ENOMEM for the hole, the rest dropped */
	show_vec("after_dontneed", p, 6 * PAGE);

	p[PAGE] = 1;
	mprotect(p, 2 * PAGE, PROT_NONE);
	show_vec("prot_none_keeps_resident", p, 2 * PAGE);

	char *s = map_shared(4 * PAGE);
	pid_t pid = fork_flushed();
	if (pid == 0) {
		s[2 * PAGE] = 1;
		_exit(0);
	}
	reap(pid);
	show_vec("shared_touched_by_child", s, 4 * PAGE);
	return 0;
}
