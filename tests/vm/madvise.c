/* madvise: MADV_DONTNEED drops a private anonymous page (it reads as zero
 * again) but not a shared one; Linux's argument checks and ENOMEM for holes. */
#include <sys/mman.h>
#include "testlib.h"

int main(void)
{
	char *p = map_anon(4 * PAGE, PROT_READ | PROT_WRITE);
	memset(p, 0xab, 4 * PAGE);
	show_rc("dontneed", madvise(p, 2 * PAGE, MADV_DONTNEED));
	say("dropped_page_reads_zero", "%d", p[0]);
	say("page_after_range_kept", "%d", (unsigned char)p[2 * PAGE]);
	p[0] = 5;
	say("dropped_page_writable_again", "%d", p[0]);
	char *s = map_shared(PAGE);
	s[0] = 7;
	show_rc("dontneed_shared", madvise(s, PAGE, MADV_DONTNEED));
	say("shared_page_kept", "%d", s[0]);
	show_rc("normal", madvise(p, PAGE, MADV_NORMAL));
	show_rc("willneed", madvise(p, PAGE, MADV_WILLNEED));
	show_rc("invalid_advice", madvise(p, PAGE, 7));
	show_rc("negative_advice", madvise(p, PAGE, -1));
	show_rc("unaligned", madvise(p + 1, PAGE, MADV_NORMAL));
	show_rc("zero_length", madvise(p, 0, MADV_DONTNEED));
	char *hole = unmapped_page();
	show_rc("hole", madvise(hole, PAGE, MADV_NORMAL));
	sys_munmap((uintptr_t)p + PAGE, PAGE);
	p[0] = 9;
	show_rc("range_with_hole", madvise(p, 3 * PAGE, MADV_DONTNEED));
	say("mapped_part_still_dropped", "%d", p[0]);
	return 0;
}
