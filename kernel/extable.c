/* The exception table: faulting instruction -> fixup address. Few entries,
 * so a linear scan is clear and fast enough. */
#include "extable.h"

extern const struct extable_entry __extable_start[], __extable_end[];

static const struct extable_entry *extable_find(uint64_t rip)
{
	for (const struct extable_entry *e = __extable_start; e < __extable_end; e++)
		if (e->insn == rip)
			return e;
	return NULL;
}

bool extable_contains(uint64_t rip)
{
	return extable_find(rip) != NULL;
}

bool extable_fixup(struct trapframe *tf)
{
	const struct extable_entry *e = extable_find(tf->rip);
	if (!e)
		return false;
	tf->rip = e->fixup;
	return true;
}
