/* Graded cases of the lazy lab: anonymous memory gets a frame on its first
 * touch, not when it is mapped (CS:APP 9.3, 9.8). */
#include "grade.h"

#include <string.h>
#include <sys/mman.h>
#include <sys/syscall.h>
#include <unistd.h>

enum { BIG = 64 << 20 };   /* 16384 pages: half of a 128 MiB machine */

/* Mapping 64 MiB and touching 3 pages uses at most 3 data frames (plus the
 * page tables), and takes one fault per touched page. */
static int mmap_touch3(void)
{
	long f0 = user_frames();
	char *p = map_anon(BIG);
	long f1 = user_frames();
	EXPECT(f1 - f0 <= 2, "expected mmap of 64 MiB to take no frames, seen %ld frames taken", f1 - f0);
	long flt = minflt();
	touch_pages(p, 1, 1);
	touch_pages(p + BIG / 2, 1, 2);
	touch_pages(p + BIG - PAGE, 1, 3);
	long faults = minflt() - flt, used = user_frames() - f1;
	EXPECT(faults >= 3 && faults <= 3 + 4, "expected 3 page faults for 3 first touches, seen %ld", faults);
	EXPECT(used <= 3 + 4, "expected 3 data frames (and at most 4 page tables) after 3 touches, seen %ld", used);
	EXPECT(p[0] == 1 && p[BIG / 2] == 2 && p[BIG - PAGE] == 3, "expected the written values back, seen others");
	return munmap(p, BIG);
}

/* Every first touch of a page is one fault and one frame; the second is free. */
static int one_fault_per_page(void)
{
	char *p = map_anon(256 * PAGE);
	long flt = minflt(), f0 = user_frames();
	touch_pages(p, 256, 7);
	long faults = minflt() - flt;
	touch_pages(p, 256, 8);
	long again = minflt() - flt - faults, used = user_frames() - f0;
	EXPECT(faults >= 256 && faults <= 256 + 4, "expected 256 faults for 256 first touches, seen %ld", faults);
	EXPECT(again == 0, "expected no fault on a second touch, seen %ld", again);
	EXPECT(used >= 256 && used <= 256 + 4, "expected 256 frames (plus page tables) used, seen %ld", used);
	return munmap(p, 256 * PAGE);
}

/* The heap (brk) grows without frames; its pages read as zero when touched.
 * (Raw brk: the program's malloc is not involved.) */
static int heap_lazy(void)
{
	char *base = (char *)syscall(SYS_brk, 0);
	long f0 = user_frames();
	char *top = (char *)syscall(SYS_brk, base + (16 << 20));
	EXPECT(top == base + (16 << 20), "expected brk to grow the heap by 16 MiB, seen %ld bytes", (long)(top - base));
	long taken = user_frames() - f0, flt = minflt();
	EXPECT(taken <= 2, "expected sbrk(16 MiB) to take no frames, seen %ld", taken);
	char *far = base + (8 << 20);
	EXPECT(far[0] == 0 && far[PAGE - 1] == 0, "expected zeros in the new heap, seen other bytes");
	far[0] = 5;
	long faults = minflt() - flt;
	EXPECT(faults >= 1 && faults <= 2, "expected 1 fault for touching one heap page, seen %ld", faults);
	EXPECT(rss_pages(0, (uintptr_t)far) <= 16, "expected at most 16 resident heap pages, seen %ld",
	       rss_pages(0, (uintptr_t)far));
	return syscall(SYS_brk, base) != (long)base;
}

/* A deep stack frame touched only at its far end costs a few pages, not all.
 * (grade.mk builds without stack-clash probes, which would touch every page.) */
static int __attribute__((noinline)) deep(size_t bytes)
{
	volatile char frame[bytes];
	frame[0] = 1;   /* the lowest byte: the stack grows down to it */
	return frame[0];
}

static int stack_lazy(void)
{
	long f0 = user_frames(), flt = minflt();
	deep(2 << 20);
	long faults = minflt() - flt, used = user_frames() - f0;
	EXPECT(used <= 8, "expected a 2 MiB stack frame touched once to take a few frames, seen %ld", used);
	EXPECT(faults >= 1, "expected the stack to grow by a page fault, seen %ld faults", faults);
	return 0;
}

/* Never-touched anonymous pages are not resident; unmapping gives all back. */
static int untouched_not_resident(void)
{
	char *p = map_anon(1024 * PAGE);
	touch_pages(p + 100 * PAGE, 2, 1);
	long rss = rss_pages(0, (uintptr_t)p);
	EXPECT(rss == 2, "expected 2 resident pages of 1024 mapped (2 touched), seen %ld", rss);
	return munmap(p, 1024 * PAGE);
}

/* Correctness the fallback also has: zero-filled, private, all freed. */
static int zero_and_private(void)
{
	char *p = map_anon(64 * PAGE);
	for (int i = 0; i < 64; i++)
		EXPECT(p[i * PAGE + 123] == 0, "expected page %d to read as zero, seen %d", i, p[i * PAGE + 123]);
	memset(p, 9, 64 * PAGE);
	EXPECT(p[63 * PAGE + 4095] == 9, "expected the written byte, seen %d", p[63 * PAGE + 4095]);
	return munmap(p, 64 * PAGE);
}

const struct grade_case lazy_cases[] = {
	{ "lazy/mmap_touch3", mmap_touch3 },
	{ "lazy/one_fault_per_page", one_fault_per_page },
	{ "lazy/heap_lazy", heap_lazy },
	{ "lazy/stack_lazy", stack_lazy },
	{ "lazy/untouched_not_resident", untouched_not_resident },
	{ "lazy/zero_and_private", zero_and_private },
	{ NULL, NULL },
};
GRADE_CASES(lazy_cases)
