/* The gather of an unmapping (mm/mmu_gather.c): a frame whose entry is
 * cleared is put only after the TLB flush that covers it, here and (with
 * two CPUs) on the CPU that cached the translation. The put function
 * records the flush generation it sees; before the gather, frames were put
 * while the entries were still cached, with the generation unchanged. */
#include "../../kernel/ktest.h"
#include "../../kernel/percpu.h"
#include "../../kernel/smp.h"
#include "../../kernel/uaccess.h"
#include "../../kernel/x86.h"
#include "../../mm/frame.h"
#include "../../mm/mm.h"
#include "../../mm/pagetable.h"
#include "../../mm/tlbflush.h"

static const uintptr_t base = 0x40000000;
enum { USER_FLAGS = PTE_U | PTE_W | PTE_NX };

struct put_record {
	struct mm *mm;
	uint64_t gen_before, shootdowns_before;
	unsigned puts, puts_before_flush, puts_before_shootdown;
};

static void record_put(paddr_t pa, pte_t old, void *arg)
{
	(void)old;
	struct put_record *r = arg;
	r->puts++;
	r->puts_before_flush += r->mm->tlb_gen == r->gen_before;
	r->puts_before_shootdown += tlb_stat.shootdowns == r->shootdowns_before;
	frame_put(pa);
}

static void map_pages(struct mm *mm, unsigned n)
{
	for (unsigned i = 0; i < n; i++)
		KT_EQ(pt_map(mm->pgd, base + i * PAGE_SIZE, frame_alloc_zeroed(FRAME_USER), USER_FLAGS), 0);
}

static struct put_record unmap_pages(struct mm *mm, unsigned n)
{
	struct put_record r = { mm, mm->tlb_gen, tlb_stat.shootdowns, 0, 0, 0 };
	KT_EQ(pt_unmap_range(mm->pgd, base, base + n * PAGE_SIZE, record_put, &r), n);
	return r;
}

KTEST(mmu_gather_puts_frames_after_the_flush)
{
	struct mm *mm = mm_create();
	KT_ASSERT(mm != NULL);
	uint64_t free_before = frame_free_count();
	map_pages(mm, 3);
	struct put_record r = unmap_pages(mm, 3);
	KT_EQ(frame_free_count(), free_before);   /* the pages and the tables went */
	KT_EQ(r.puts, 3);
	KT_EQ(r.puts_before_flush, 0);
	KT_EQ(mm->tlb_gen - r.gen_before, 1);   /* one flush for the range */
	mm_destroy(mm);
}

KTEST(mmu_gather_flushes_a_full_batch_before_its_frames_go)
{
	struct mm *mm = mm_create();
	KT_ASSERT(mm != NULL);
	map_pages(mm, 40);   /* more than one batch (MMU_GATHER_BATCH) */
	struct put_record r = unmap_pages(mm, 40);
	KT_EQ(r.puts, 40);
	KT_EQ(r.puts_before_flush, 0);
	KT_EQ(mm->tlb_gen - r.gen_before, 2);   /* a full batch, then the rest */
	mm_destroy(mm);
}

static void touch_on_cpu1(void *arg)
{
	if (this_cpu()->loaded_mm != arg)
		mm_activate(arg);
	user_access_begin();
	*(volatile uint8_t *)base = 1;   /* CPU 1's TLB now maps base, writable */
	user_access_end();
}

KTEST(smp_mmu_gather_puts_frames_after_the_shootdown)
{
	if (ncpus < 2)
		return;
	struct mm *mm = mm_create();
	KT_ASSERT(mm != NULL);
	map_pages(mm, 1);
	smp_call_many(1ull << 1, touch_on_cpu1, mm, true);
	struct put_record r = unmap_pages(mm, 1);
	KT_EQ(r.puts, 1);
	KT_EQ(r.puts_before_shootdown, 0);   /* CPU 1 dropped the entry before the frame went */
	KT_EQ(tlb_stat.shootdowns - r.shootdowns_before, 1);
	mm_destroy(mm);
}
