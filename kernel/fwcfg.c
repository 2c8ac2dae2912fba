/*
 * QEMU's fw_cfg device, legacy I/O interface: write a 16-bit selector to
 * port 0x510, read bytes from 0x511. Selector 0 holds the signature "QEMU";
 * selector 0x19 a directory of named files (big-endian fields). QEMU's
 * `-fw_cfg name=opt/...,string=...` adds a file; that is how the test harness
 * hands the kernel its command line without rebuilding the ISO.
 */
#include "fwcfg.h"
#include "string.h"
#include "x86.h"

enum { FWCFG_SELECT = 0x510, FWCFG_DATA = 0x511, FWCFG_SIGNATURE = 0x0, FWCFG_DIR = 0x19 };

static void fwcfg_read(uint16_t sel, void *buf, size_t n)
{
	outw(FWCFG_SELECT, sel);
	for (size_t i = 0; i < n; i++)
		((uint8_t *)buf)[i] = inb(FWCFG_DATA);
}

static uint32_t be32(const uint8_t *p) { return (uint32_t)p[0] << 24 | p[1] << 16 | p[2] << 8 | p[3]; }

static bool fwcfg_present(void)
{
	char sig[4];
	fwcfg_read(FWCFG_SIGNATURE, sig, 4);
	return !memcmp(sig, "QEMU", 4);
}

int fwcfg_read_file(const char *name, char *buf, size_t size)
{
	if (!size || !fwcfg_present())
		return -1;
	uint8_t count[4], entry[64];
	fwcfg_read(FWCFG_DIR, count, 4);   /* the entries follow in the same stream */
	for (uint32_t i = 0; i < be32(count); i++) {
		for (int k = 0; k < 64; k++)
			entry[k] = inb(FWCFG_DATA);
		if (strncmp((const char *)entry + 8, name, 56))
			continue;
		uint32_t len = be32(entry);
		if (len >= size)
			len = size - 1;
		fwcfg_read((uint16_t)(entry[4] << 8 | entry[5]), buf, len);
		buf[len] = 0;
		while (len && (buf[len - 1] == '\n' || buf[len - 1] == 0))
			buf[--len] = 0;
		return (int)len;
	}
	return -1;
}
