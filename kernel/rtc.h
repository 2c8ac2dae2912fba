#ifndef PAGODA_RTC_H
#define PAGODA_RTC_H
#include "types.h"
void rtc_init(void);             /* read the CMOS clock once at boot */
uint64_t rtc_boot_epoch(void);   /* seconds since 1970 at boot */
#endif
