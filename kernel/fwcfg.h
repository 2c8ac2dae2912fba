#ifndef PAGODA_FWCFG_H
#define PAGODA_FWCFG_H
#include "types.h"
/* Read QEMU fw_cfg file `name` into buf (NUL-terminated). Returns its length,
 * or -1 if there is no fw_cfg device or no such file. */
int fwcfg_read_file(const char *name, char *buf, size_t size);
#endif
