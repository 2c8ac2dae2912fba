/* shadow.h - the driver's independent record of which bytes live payloads
 * cover, to catch an allocator that hands out overlapping blocks.
 *
 * Payloads are 16-byte aligned, so two payloads overlap iff they share a
 * 16-byte granule. For each memlib region (heap, slabs) one bit per granule
 * says "covered"; payloads in mappings (huge blocks) are kept as a short list
 * of intervals. Claim and release cost O(size / 16 / 64) word operations.
 */
#ifndef PAGODA_MDRIVER_SHADOW_H
#define PAGODA_MDRIVER_SHADOW_H

#include <stdbool.h>
#include <stddef.h>

void shadow_reset(void);
bool shadow_claim(const void *p, size_t n);   /* false (and no change) on overlap */
void shadow_release(const void *p, size_t n); /* p, n as claimed */
void shadow_destroy(void);                    /* give the bitmaps back */

#endif
