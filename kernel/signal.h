#ifndef PAGODA_SIGNAL_H
#define PAGODA_SIGNAL_H
#include "trapframe.h"
/* An exception raised by a user program: decide its signal (kernel/signal.c). */
void user_exception(struct trapframe *tf);
#endif
