/* munmap_writer: one thread keeps writing all over a page while another
 * thread of the same process takes the page away (munmap, MADV_DONTNEED,
 * the whole process's exit), then maps and writes fresh pages. The frame
 * freed must not be handed out again while the writer's CPU may still
 * hold a translation to it: the kernel frees it only after the TLB
 * shootdown (mm/mmu_gather.c). A fresh page must read as zeros; under
 * debug_vm Pagoda also checks that nothing wrote a free frame before it is
 * handed out (mm/frame.c), so a write through a stale entry panics there.
 * Several rounds, since the writer's timing varies (the result never does).
 */
#define _GNU_SOURCE
#include "../page_race.h"

enum { WARMUP = 200, AFTER = 200, ROUNDS = 4, FRESH = 16 };

/* Every cache line of the page. */
static int write_page(struct page_race *r, int done)
{
	for (int off = 0; off < PAGE; off += 64)
		r->page[off] = (char)(r->touches | 1);
	return done && r->after + 1 >= AFTER;
}

/* Fresh pages, written once each (a frame apiece), must hold only zeros
 * besides that byte. */
static int fresh_pages_zero(void)
{
	char *p = map_anon(FRESH * PAGE, PROT_READ | PROT_WRITE);
	int zero = 1;
	for (int i = 0; i < FRESH; i++)
		p[i * PAGE + PAGE - 1] = 0;
	for (long i = 0; i < FRESH * PAGE; i++)
		zero &= p[i] == 0;
	munmap(p, FRESH * PAGE);
	return zero;
}

/* Start the writer, let it write, apply change, check fresh pages. */
static int one_round(int (*change)(volatile char *), int *faulted)
{
	static struct page_race r;
	pthread_t t = race_start(&r, write_page, WARMUP);
	int rc = change(r.page);
	int zero = fresh_pages_zero();
	r.done = 1;
	pthread_join(t, NULL);
	*faulted = r.faulted;
	if (!r.faulted)
		munmap((void *)r.page, PAGE);
	return rc == 0 && zero;
}

static void run(const char *name, int (*change)(volatile char *))
{
	int ok = 1, faulted_all = 1, faulted_none = 1;
	for (int i = 0; i < ROUNDS; i++) {
		int faulted;
		ok &= one_round(change, &faulted);
		faulted_all &= faulted;
		faulted_none &= !faulted;
	}
	char label[64];
	snprintf(label, sizeof(label), "%s_fresh_pages_zero", name);
	show_yes(label, ok);
	snprintf(label, sizeof(label), "%s_writer_faulted", name);
	say(label, "%s", faulted_all ? "always" : faulted_none ? "never" : "sometimes");
}

static int take_mapping(volatile char *p) { return munmap((void *)p, PAGE); }
static int drop_pages(volatile char *p) { return madvise((void *)p, PAGE, MADV_DONTNEED); }

/* A child whose writer thread is still writing when the process exits. */
static int exit_while_writing(void *arg)
{
	(void)arg;
	static struct page_race r;
	race_start(&r, write_page, WARMUP);
	_exit(7);
}

int main(void)
{
	run("munmap", take_mapping);
	run("madv_dontneed", drop_pages);
	int ok = 1;
	for (int i = 0; i < ROUNDS; i++) {
		ok &= child_run(exit_while_writing, NULL) == 7 << 8;
		ok &= fresh_pages_zero();
	}
	show_yes("exit_fresh_pages_zero", ok);
	return 0;
}
