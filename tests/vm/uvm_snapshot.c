/* uvm_snapshot: copy-on-write done by a program, and a write barrier.
 *
 * Snapshot: to freeze a 32-page region without copying it, the program
 * write-protects it; the first write to each page faults, and the SIGSEGV
 * handler copies that page to the snapshot before unprotecting it -- the
 * same move the kernel's COW makes at fork (CS:APP 9.8.3), one level up.
 * Only the pages written are copied, and the snapshot still reads the old
 * contents.
 *
 * Write barrier: a garbage collector or checkpointer wants the set of pages
 * written since the last round ("dirty pages"). Protect everything, record
 * each page on its first write fault, unprotect it; the next round
 * re-protects. The dirty sets printed are the pages the program wrote.
 */
#include "testlib.h"

enum { NPAGES = 32 };

static char *region;
static volatile char *vregion;       /* writes that fault go through this: the compiler keeps their order */
static char *snap[NPAGES];           /* the snapshot's copy of a page, once written */
static volatile unsigned char dirty[NPAGES];
static volatile int mode, copies;    /* mode 0: snapshot, 1: barrier */

static void on_write(int sig, siginfo_t *si, void *ctx)
{
	uintptr_t a = (uintptr_t)si->si_addr;
	int page = (int)((a - (uintptr_t)region) / PAGE);
	char *p = region + (size_t)page * PAGE;

	(void)sig, (void)ctx;
	if (a < (uintptr_t)region || page >= NPAGES || si->si_code != SEGV_ACCERR) {
		signal(SIGSEGV, SIG_DFL);
		return;
	}
	if (mode == 0) {
		snap[page] = malloc(PAGE);
		memcpy(snap[page], p, PAGE);
		copies++;
	} else {
		dirty[page] = 1;
	}
	mprotect(p, PAGE, PROT_READ | PROT_WRITE);
}

static char snapshot_read(int page, int off)
{
	return snap[page] ? snap[page][off] : region[(size_t)page * PAGE + off];
}

static void snapshot_cases(void)
{
	for (int p = 0; p < NPAGES; p++)
		fill(region + (size_t)p * PAGE, PAGE, p);
	mprotect(region, NPAGES * PAGE, PROT_READ);   /* take the snapshot: O(1), nothing copied */
	for (int p = 3; p < NPAGES; p += 7)
		vregion[(size_t)p * PAGE + 10] = 'X';
	vregion[3 * PAGE + 11] = 'Y';                  /* second write to a copied page: no fault */
	say("pages_copied", "%d", copies);
	show_yes("live_sees_writes", region[3 * PAGE + 10] == 'X' && region[24 * PAGE + 10] == 'X');
	int same = 1;
	for (int p = 0; p < NPAGES; p++) {
		static char want[PAGE];
		fill(want, PAGE, p);
		same &= snapshot_read(p, 10) == want[10] && snapshot_read(p, 11) == want[11];
	}
	show_yes("snapshot_unchanged", same);
}

static void print_dirty(const char *name)
{
	char list[NPAGES * 4] = "";
	for (int p = 0; p < NPAGES; p++)
		if (dirty[p])
			snprintf(list + strlen(list), sizeof list - strlen(list), "%s%d", list[0] ? " " : "", p);
	say(name, "%s", list[0] ? list : "none");
	memset((void *)dirty, 0, sizeof dirty);
}

static void barrier_cases(void)
{
	mode = 1;
	mprotect(region, NPAGES * PAGE, PROT_READ);
	vregion[1 * PAGE] = 1;
	vregion[1 * PAGE + 5] = 1;
	vregion[30 * PAGE] = 1;
	vregion[17 * PAGE + 4095] = 1;
	print_dirty("round1_dirty");
	mprotect(region, NPAGES * PAGE, PROT_READ);
	print_dirty("round2_nothing_written");
	mprotect(region, NPAGES * PAGE, PROT_READ);
	for (int p = 0; p < NPAGES; p += 8)
		vregion[(size_t)p * PAGE + 1] = 2;
	print_dirty("round3_dirty");
	(void)vregion[2 * PAGE];
	print_dirty("reads_are_not_dirty");
}

int main(void)
{
	region = map_anon(NPAGES * PAGE, PROT_READ | PROT_WRITE);
	vregion = region;
	set_handler(SIGSEGV, on_write, SA_SIGINFO);
	snapshot_cases();
	barrier_cases();
	return 0;
}
