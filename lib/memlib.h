/* memlib.h - where the allocator's memory comes from (CS:APP 9.9.6's memlib, grown up).
 *
 * The allocator never calls brk or mmap itself. It asks memlib for memory in
 * two shapes:
 *
 *   regions   contiguous areas that only grow at their end, like the program
 *             break: mem_region_sbrk(r, incr) is CS:APP's mem_sbrk for region r.
 *   mappings  separate page-granular blocks for very large requests
 *             (mem_map / mem_unmap), like malloc's use of mmap.
 *
 *   MEM_HEAP       the boundary-tag heap (lib/malloc_fits.c)
 *   MEM_SLABS      1 KiB slabs of small objects (lib/malloc_small.c)
 *   MEM_SLAB_META  one 16-byte descriptor per slab
 *
 * Two backings for MEM_HEAP, chosen once by mem_init():
 *   MEM_BRK    the real program break (the brk system call), what user programs
 *              on Pagoda use. memlib keeps a byte-exact *logical* break and moves
 *              the kernel's break in 64 KiB steps so that growing the heap by a
 *              few bytes is not a system call.
 *   MEM_ARENA  a private reservation (mmap), for the trace driver and host tests:
 *              on the host the C library's own malloc also moves the break, and
 *              the driver must be able to reset the heap between runs.
 * The other two regions are always private reservations (MAP_NORESERVE: pages
 * cost nothing until touched - demand-zero paging at work).
 *
 * Footprint, the denominator of the driver's space utilisation, is the sum of
 * the regions' logical sizes plus the bytes of live mappings; memlib records its
 * peak. Counting the logical break, not the kernel's 64 KiB-rounded one, is the
 * CS:APP lab's model: it measures the allocator's layout, not the OS's grain.
 *
 * Invariants (checked by mem_check()):
 *   lo <= brk <= max for every region; lo is page aligned;
 *   footprint == sum(brk - lo) + sum(mapping lengths); peak >= footprint;
 *   every mapping is on the mapping list exactly once and carries MAP_MAGIC.
 */
#ifndef PAGODA_MEMLIB_H
#define PAGODA_MEMLIB_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

enum mem_mode { MEM_BRK, MEM_ARENA };
enum mem_region { MEM_HEAP, MEM_SLABS, MEM_SLAB_META, MEM_NREGIONS };

/* Bytes memlib keeps in front of every mapping (its list links); the pointer
 * mem_map returns is this far into the mapping and 16-byte aligned. */
#define MEM_MAP_HEADER 32

void mem_init(enum mem_mode mode); /* first call picks the mode; later calls = mem_reset */
bool mem_initialised(void);
enum mem_mode mem_mode(void);
void mem_reset(void); /* empty every region, unmap every mapping */

void *mem_region_sbrk(enum mem_region r, intptr_t incr); /* (void *)-1 on failure */
char *mem_region_lo(enum mem_region r);
char *mem_region_hi(enum mem_region r); /* one past the last byte handed out */

/* The CS:APP names, for the heap region. */
static inline void *mem_sbrk(intptr_t incr) { return mem_region_sbrk(MEM_HEAP, incr); }
static inline char *mem_heap_lo(void) { return mem_region_lo(MEM_HEAP); }
static inline char *mem_heap_hi(void) { return mem_region_hi(MEM_HEAP); }

void *mem_map(size_t len); /* len usable bytes, zero-filled; NULL on failure */
void mem_unmap(void *p);   /* p as returned by mem_map */
size_t mem_map_capacity(const void *p); /* usable bytes of a mapping (page-rounded) */
bool mem_is_mapping(const void *p);     /* p was returned by mem_map and is live */

bool mem_contains(const void *p, size_t n); /* [p, p+n) lies in one region or mapping */
size_t mem_footprint(void);
size_t mem_peak_footprint(void);
void mem_reset_peak(void);
int mem_check(void); /* number of broken invariants, each reported on stderr */

#endif
