#ifndef PAGODA_EXEC_MM_H
#define PAGODA_EXEC_MM_H
#include "mm.h"

/* One loadable segment, as exec found it in the program file (no ELF types:
 * kernel/exec.c translates). va and offset agree modulo PAGE_SIZE. */
struct mm_segment {
	uintptr_t va;                   /* where the byte at `offset` goes */
	uint64_t offset;                /* file offset of that byte */
	uint64_t filesz, memsz;         /* bytes from the file; bytes in memory (the rest zero: bss) */
	uint64_t vm_flags;              /* VM_READ | VM_WRITE | VM_EXEC */
	struct file *file;              /* the program (each area takes its own reference) */
};

/* Make seg an area of mm (not active), replacing whatever it overlaps (a
 * later segment wins a shared page). No page is read: the first touch of
 * each faults it in. 0 or -ENOMEM. */
int mm_map_segment(struct mm *mm, const struct mm_segment *seg);
/* The heap starts at the first page above end (the program's highest byte). */
void mm_set_brk_base(struct mm *mm, uintptr_t end);
/* The stack area: [STACK_TOP - size rounded up, STACK_TOP), growing down,
 * executable if exec. -ENOMEM if a segment occupies the stack's reach. */
int mm_setup_stack(struct mm *mm, size_t size, bool exec);
/* Copy n bytes to va in mm (not the active space), mapping zeroed frames
 * where nothing is mapped yet. 0, or -ENOMEM when out of memory or when a
 * byte falls outside the writable areas (frames already mapped stay, and
 * are freed with mm). */
int mm_write(struct mm *mm, uintptr_t va, const void *src, size_t n);

#endif
