/* The syscall's work bits (kernel/exit_work.h) are set where their
 * condition becomes true: here the frame allocator's WORK_RECLAIM (the
 * signal sends' WORK_SIGPENDING: thread_group_test.c). */
#include "../../kernel/exit_work.h"
#include "../../kernel/ktest.h"
#include "../../mm/frame.h"
#include "../../mm/vmscan.h"

/* An allocation sets the bit only when it leaves free frames under low. */
KTEST(exit_work_allocation_under_low_watermark_sets_reclaim)
{
	uint64_t saved_low = reclaim_stat.low_watermark;
	uint64_t saved = __atomic_exchange_n(&global_work, 0, __ATOMIC_SEQ_CST);
	reclaim_stat.low_watermark = frame_free_count() - 2;
	paddr_t a = frame_alloc(FRAME_USER);
	KT_ASSERT(a != 0);
	KT_EQ(global_work & WORK_RECLAIM, 0);   /* free - 1 is not under free - 2 */
	reclaim_stat.low_watermark = frame_free_count();
	paddr_t b = frame_alloc(FRAME_USER);
	KT_ASSERT(b != 0);
	KT_EQ(global_work & WORK_RECLAIM, WORK_RECLAIM);
	frame_put(a);
	frame_put(b);
	reclaim_stat.low_watermark = saved_low;
	set_global_work(saved);
}
