/* Signals. Until processes exist (issue 5), no code runs in ring 3, so a
 * user-mode exception means the kernel itself is broken. */
#include "signal.h"
#include "panic.h"

void user_exception(struct trapframe *tf)
{
	panic_trap(tf, 0);
}
