/*
 * kswapd (mm/kswapd.c): background reclaim between two watermarks.
 */
#ifndef PAGODA_KSWAPD_H
#define PAGODA_KSWAPD_H

#include "vmscan.h"

/* Start kswapd if swap is on and it is not running yet (boot, after init;
 * swapon). One log line. */
void kswapd_start(void);
void wakeup_kswapd_slow(void);
/* Free frames under the low watermark? Make kswapd runnable (it reclaims up
 * to the high one). Called where a process may sleep: a fault's start, a
 * syscall's end. Without a kswapd thread the caller reclaims itself. Inline
 * is only the test that lets every syscall by (watermarks not set yet, or
 * free frames under low); the slow path makes the whole decision. */
static inline void wakeup_kswapd(void)
{
	if (frame_free_count() < reclaim_stat.low_watermark || !reclaim_stat.low_watermark)
		wakeup_kswapd_slow();
}
/* Free frames under the low watermark? Make kswapd runnable, never
 * reclaiming here (kmalloc's slow path: any context). */
void kswapd_kick(void);
/* Is the running process kswapd? (Counters tell its scans from direct ones.) */
bool current_is_kswapd(void);
/* Direct reclaim freed something: kswapd may try again after failing. */
void kswapd_progress(void);

#endif
