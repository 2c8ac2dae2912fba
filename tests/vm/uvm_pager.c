/* uvm_pager: a demand pager in user space (CS:APP 9.3 done by a program).
 *
 * A 16-page region is mapped PROT_NONE: no page is "resident". The SIGSEGV
 * handler is the page-fault handler: it takes si_addr, makes that page
 * accessible with mprotect, fills it from the "backing store" (a pattern
 * computed from the page number) and returns, so the faulting access is
 * retried and succeeds. With a budget of 4 resident pages it evicts the
 * oldest (FIFO) with mprotect(PROT_NONE) + madvise(MADV_DONTNEED), and the
 * counts for a reference string show the FIFO policy at work, as the same
 * counts on Linux.
 */
#include "testlib.h"

enum { NPAGES = 16, FRAMES = 4 };

static char *region;
static int resident[FRAMES], nresident, next_victim;
static volatile int faults, evictions, bad_fault;

static void evict(int page)
{
	char *p = region + (size_t)page * PAGE;

	mprotect(p, PAGE, PROT_NONE);
	madvise(p, PAGE, MADV_DONTNEED);   /* the frame goes back: a later fault refills it */
	evictions++;
}

static void page_in(int page)
{
	char *p = region + (size_t)page * PAGE;

	if (nresident == FRAMES) {
		evict(resident[next_victim]);
		resident[next_victim] = page;
		next_victim = (next_victim + 1) % FRAMES;
	} else {
		resident[nresident++] = page;
	}
	mprotect(p, PAGE, PROT_READ | PROT_WRITE);
	for (int i = 0; i < PAGE; i += 64)
		p[i] = (char)(page * 7 + i / 64);   /* "read from the backing store" */
}

static void on_fault(int sig, siginfo_t *si, void *ctx)
{
	uintptr_t a = (uintptr_t)si->si_addr;

	(void)sig, (void)ctx;
	if (a < (uintptr_t)region || a >= (uintptr_t)region + NPAGES * PAGE) {
		bad_fault = 1;
		signal(SIGSEGV, SIG_DFL);   /* a real bug: let it kill */
		return;
	}
	faults++;
	page_in((int)((a - (uintptr_t)region) / PAGE));
}

static int touch(int page)
{
	return ((volatile char *)region)[(size_t)page * PAGE + 64 * 3];   /* byte 3 of the pattern */
}

int main(void)
{
	static const int refs[] = { 0, 1, 2, 3, 0, 1, 4, 0, 1, 2, 3, 4 };   /* Belady's string */
	int ok = 1;

	region = map_anon(NPAGES * PAGE, PROT_NONE);
	set_handler(SIGSEGV, on_fault, SA_SIGINFO);
	for (int p = 0; p < NPAGES; p++)
		ok &= touch(p) == (char)(p * 7 + 3);
	say("first_touch_faults", "%d", faults);
	show_yes("pages_hold_backing_data", ok);
	say("evictions_after_scan", "%d", evictions);
	faults = evictions = nresident = next_victim = 0;
	for (int p = 0; p < NPAGES; p++)
		evict(p);
	evictions = 0;
	for (size_t i = 0; i < ARRAY_SIZE(refs); i++)
		ok &= touch(refs[i]) == (char)(refs[i] * 7 + 3);
	say("fifo_faults_4_frames", "%d", faults);
	show_yes("fifo_data_correct", ok);
	((volatile char *)region)[5 * PAGE + 100] = 42;   /* a write fault on a non-resident page */
	show_yes("write_after_page_in", ((volatile char *)region)[5 * PAGE + 100] == 42);
	show_yes("no_stray_faults", !bad_fault);
	return 0;
}
