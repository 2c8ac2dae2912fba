#ifndef PAGODA_EXTABLE_H
#define PAGODA_EXTABLE_H
#include "trapframe.h"

/* One entry per kernel instruction that may fault on a user address (only in
 * kernel/uaccess.asm). When it faults, execution resumes at fixup, which
 * makes the copy return -EFAULT. */
struct extable_entry {
	uint64_t insn, fixup;
};

/* If tf->rip is listed, point tf->rip at its fixup and return true. */
bool extable_fixup(struct trapframe *tf);
bool extable_contains(uint64_t rip);

#endif
