/* tlb_coherence: one thread keeps reading a page while another thread of
 * the same process takes the page away (mprotect PROT_NONE, munmap, a COW
 * break's remap is the same rule). Once the call has returned, the reader's
 * next access must see the change, whichever CPU it runs on: its CPU's TLB
 * must have been flushed (on several CPUs, by a shootdown IPI). A read that
 * began after the reader saw the "done" flag and still succeeded went
 * through a stale translation.
 *
 * The same program shows the stale translation on Pagoda booted with the
 * test-only switch `tlb_skip_shootdown` and two CPUs (the reader never
 * faults; it stops after STALE_MAX stale reads).
 */
#define _GNU_SOURCE
#include "../page_race.h"

enum { WARMUP = 1000, STALE_MAX = 1000000 };

static int read_page(struct page_race *r, int done)
{
	(void)r->page[0];
	return done && r->after + 1 >= STALE_MAX;
}

/* Start the reader, let it read, apply change, wait for the reader. */
static void run(const char *name, int (*change)(volatile char *))
{
	static struct page_race r;
	pthread_t t = race_start(&r, read_page, WARMUP);
	int rc = change(r.page);
	r.done = 1;
	pthread_join(t, NULL);
	char label[64];
	snprintf(label, sizeof(label), "%s_call", name);
	show_ok(label, rc);
	snprintf(label, sizeof(label), "%s_reader_faulted", name);
	show_yes(label, r.faulted);
	snprintf(label, sizeof(label), "%s_stale_reads", name);
	say(label, "%ld", r.after);
}

static int take_protection(volatile char *p) { return mprotect((void *)p, PAGE, PROT_NONE); }
static int take_mapping(volatile char *p) { return munmap((void *)p, PAGE); }

int main(void)
{
	run("mprotect_none", take_protection);
	run("munmap", take_mapping);
	return 0;
}
