#ifndef PAGODA_SIGNAL_H
#define PAGODA_SIGNAL_H
#include "trapframe.h"
#include "../mm/fault.h"
struct proc;
/* An exception other than #PF raised by a user program: decide its signal. */
void user_exception(struct trapframe *tf);
/* A user page fault the VM could not resolve (r is not FAULT_HANDLED): the
 * signal (SIGSEGV, or SIGKILL when out of memory) and its diagnostic line.
 * Called by kernel/trap.c page_fault, which decides that it comes to this. */
void user_page_fault(struct proc *p, const struct trapframe *tf, const struct fault *f, enum fault_result r);
#endif
