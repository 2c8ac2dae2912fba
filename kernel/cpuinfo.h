#ifndef PAGODA_CPUINFO_H
#define PAGODA_CPUINFO_H
#include "types.h"

/* /proc/cpuinfo: one block per online CPU, in Linux's format (the fields
 * x86 Linux prints that Pagoda knows); its length in buf (cap bytes). */
size_t cpuinfo_text(char *buf, size_t cap);

#endif
