/*
 * kswapd (Linux mm/vmscan.c's kswapd): the kernel thread that keeps free
 * frames above a watermark in the background, so that most allocations
 * find a free frame at once instead of waiting for a swap write.
 *
 *   free frames
 *     high  ----------  kswapd stops here (the zone is "balanced")
 *     low   ----------  under it, wakeup_kswapd (a fault's start, a syscall's
 *                       end) makes kswapd runnable
 *     min   ----------  under it, the process at that point reclaims itself
 *                       up to low before going on (direct reclaim): the
 *                       reserve for allocations that cannot reclaim (page
 *                       tables, kmalloc) until the next such point
 *     0     ----------  frame_alloc fails: the fault's allocation reclaims
 *                       itself (direct reclaim, vmscan.c frame_alloc_reclaim)
 *
 * kswapd runs only when the process that woke it sleeps or is preempted in
 * user mode (one CPU, no preemption in the kernel): a process allocating
 * fast outruns it, and the min watermark is what keeps that safe.
 *
 * kswapd exists once swap is on (started after init, so init keeps pid 1,
 * or by swapon). Until then, or if it could not be made, the process that
 * finds free frames under the low watermark does its work itself.
 *
 * Always true: at a fault's start and a syscall's end, free frames are at
 * or above min, or reclaim could not free more. kswapd sleeps when free
 * frames are at or above the low
 * watermark, when swap is off, or when MAX_RECLAIM_RETRIES balancing runs in
 * a row freed nothing (swap full, every page locked: it waits until direct
 * reclaim makes progress again, as Linux's kswapd_failures), so it never
 * spins. Counters (vmscan.h, /proc/vmstat): pageoutrun (balancing runs),
 * pgscan_kswapd/pgsteal_kswapd beside the direct ones.
 * Lock: none of its own: the watermarks are written once, kswapd_failures
 * only by kswapd and the direct reclaim path, on one CPU with interrupts off.
 */
#include "kswapd.h"
#include "frame.h"
#include "mm.h"
#include "swapfile.h"
#include "vmscan.h"
#include "../kernel/printk.h"

enum { WATERMARK_MIN = 32, MAX_RECLAIM_RETRIES = 16 };

static int kswapd_pid;                 /* 0: not started */
static unsigned kswapd_failures;       /* balancing runs in a row that freed nothing */
static const char kswapd_wait;         /* the channel kswapd sleeps on */

/* min: 1/64 of RAM (at least WATERMARK_MIN frames); low and high: two and
 * three times that (Linux spaces them by a fraction of RAM the same way). */
static void set_watermarks(void)
{
	struct frame_stats s;
	frame_get_stats(&s);
	uint64_t min = s.total / 64;
	reclaim_stat.min_watermark = min > WATERMARK_MIN ? min : WATERMARK_MIN;
	reclaim_stat.low_watermark = 2 * reclaim_stat.min_watermark;
	reclaim_stat.high_watermark = 3 * reclaim_stat.min_watermark;
}

static bool below(uint64_t watermark)
{
	if (!reclaim_stat.min_watermark)
		set_watermarks();
	return swap_enabled() && frame_free_count() < watermark;
}

static bool below_low(void)
{
	return below(reclaim_stat.low_watermark);
}

bool current_is_kswapd(void)
{
	return kswapd_pid && current_pid() == kswapd_pid;
}

void kswapd_progress(void)
{
	kswapd_failures = 0;
}

/* One wakeup's work (Linux balance_pgdat): reclaim until free frames reach
 * the high watermark, or until a pass frees nothing. */
static void balance(void)
{
	reclaim_stat.pageoutrun++;
	while (frame_free_count() < reclaim_stat.high_watermark)
		if (!try_to_free_pages(reclaim_stat.high_watermark - frame_free_count())) {
			kswapd_failures++;
			return;
		}
	kswapd_failures = 0;
}

static void kswapd_main(void *arg)
{
	(void)arg;
	for (;;) {
		while (!below_low() || kswapd_failures >= MAX_RECLAIM_RETRIES)
			sleep_until_woken(&kswapd_wait);
		balance();
	}
}

/* Under min: this process reclaims up to low now (allocstall). */
static void reclaim_to_low(void)
{
	reclaim_stat.direct++;
	if (try_to_free_pages(reclaim_stat.low_watermark - frame_free_count()))
		kswapd_progress();
}

void wakeup_kswapd_slow(void)
{
	if (!below_low())
		return;
	if (!kswapd_pid)   /* no thread yet: this process does kswapd's work */
		try_to_free_pages(reclaim_stat.high_watermark - frame_free_count());
	else if (below(reclaim_stat.min_watermark))
		reclaim_to_low();
	if (kswapd_pid)
		wake_up_all(&kswapd_wait);
}

void kswapd_kick(void)
{
	if (kswapd_pid && below_low())
		wake_up_all(&kswapd_wait);
}

void kswapd_start(void)
{
	if (kswapd_pid || !swap_enabled())
		return;
	below_low();   /* sets the watermarks */
	int pid = start_kernel_thread(kswapd_main, NULL, "kswapd0");
	if (pid < 0) {
		printk("kswapd: no memory for the thread: processes reclaim for themselves\n");
		return;
	}
	kswapd_pid = pid;
	pr_info("kswapd: pid %d, watermarks min %lu low %lu high %lu frames\n", pid, reclaim_stat.min_watermark,
		reclaim_stat.low_watermark, reclaim_stat.high_watermark);
}
