/*
 * The CMOS real-time clock (MC146818), read once at boot for CLOCK_REALTIME;
 * afterwards time advances with the tick. Registers: 0 seconds, 2 minutes,
 * 4 hours, 7 day, 8 month, 9 year (two digits); status B says BCD or binary.
 */
#include "rtc.h"
#include "x86.h"

static uint64_t boot_epoch;

static uint8_t cmos(uint8_t reg)
{
	outb(0x70, reg);
	return inb(0x71);
}

static int days_from_civil(int y, int m, int d)
{
	/* days since 1970-01-01 of a Gregorian date (the classic era algorithm) */
	y -= m <= 2;
	int era = y / 400;
	int yoe = y - era * 400;
	int doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
	int doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
	return era * 146097 + doe - 719468;
}

void rtc_init(void)
{
	while (cmos(0x0a) & 0x80)
		;   /* update in progress */
	uint8_t raw[6] = { cmos(0), cmos(2), cmos(4), cmos(7), cmos(8), cmos(9) };
	bool bcd = !(cmos(0x0b) & 0x04);
	int v[6];
	for (int i = 0; i < 6; i++)
		v[i] = bcd ? (raw[i] & 0x0f) + (raw[i] >> 4) * 10 : raw[i];
	boot_epoch = (uint64_t)days_from_civil(2000 + v[5], v[4], v[3]) * 86400 + v[2] * 3600 + v[1] * 60 + v[0];
}

uint64_t rtc_boot_epoch(void)
{
	return boot_epoch;
}
