/* Debug switches: runtime flags, so every check compiles in every build. */
#ifndef PAGODA_DEBUG_H
#define PAGODA_DEBUG_H
#include "types.h"

/* Whole-structure checks after faults and syscalls, junk-filled frees.
 * On with `debug_vm` on the command line, and in every test boot. */
extern bool debug_vm;

#define POISON_BYTE 0x6b   /* freed memory: 0x6b6b6b6b... looks like no valid pointer */

#endif
