/*
 * ACPI, only as far as finding the CPUs (ACPI spec 6.x, sections 5.2.5-5.2.12):
 * the RSDP (GRUB's multiboot2 copy, else a search of the EBDA's first KiB and
 * the BIOS area 0xE0000-0xFFFFF on 16-byte boundaries), the RSDT or XSDT it
 * points at, and in the MADT ("APIC") the processor-local-APIC entries.
 *
 * Always true: a table is used only after its signature and checksum match;
 * tables are read in place through kmap_phys and never written.
 */
#include "acpi.h"
#include "multiboot2.h"
#include "printk.h"
#include "string.h"
#include "../mm/kmap.h"

struct rsdp {
	char sig[8];            /* "RSD PTR " */
	uint8_t checksum, oem[6], revision;
	uint32_t rsdt;
	uint32_t length;        /* revision >= 2 from here on */
	uint64_t xsdt;
	uint8_t xchecksum, reserved[3];
} __attribute__((packed));

struct sdt_header {
	char sig[4];
	uint32_t length;
	uint8_t revision, checksum;
	char oem[6], oem_table[8];
	uint32_t oem_revision, creator, creator_revision;
} __attribute__((packed));

struct madt {
	struct sdt_header h;
	uint32_t lapic_addr, flags;
	uint8_t entries[];      /* { u8 type, u8 length, ... } */
} __attribute__((packed));

enum { MADT_LAPIC = 0, MADT_LAPIC_OVERRIDE = 5, LAPIC_ENABLED = 1 };

static bool sum_ok(const void *p, size_t n)
{
	uint8_t s = 0;
	for (size_t i = 0; i < n; i++)
		s += ((const uint8_t *)p)[i];
	return s == 0;
}

static const struct rsdp *scan_rsdp(paddr_t start, size_t len)
{
	const uint8_t *p = kmap_phys(start, len, false);
	for (size_t off = 0; off + 20 <= len; off += 16)
		if (!memcmp(p + off, "RSD PTR ", 8) && sum_ok(p + off, 20))
			return (const void *)(p + off);
	return NULL;
}

static const struct rsdp *find_rsdp(void)
{
	if (boot_info.rsdp_len >= 20 && sum_ok(boot_info.rsdp, 20))
		return (const void *)boot_info.rsdp;
	paddr_t ebda = (paddr_t)*(const uint16_t *)kmap_phys(0x40e, 2, false) << 4;
	const struct rsdp *r = ebda ? scan_rsdp(ebda, 1024) : NULL;
	return r ? r : scan_rsdp(0xe0000, 0x20000);
}

/* The table at pa if its signature is sig and its checksum holds. */
static const struct sdt_header *table_at(paddr_t pa, const char *sig)
{
	const struct sdt_header *h = kmap_phys(pa, sizeof(*h), false);
	if (memcmp(h->sig, sig, 4))
		return NULL;
	h = kmap_phys(pa, h->length, false);
	return sum_ok(h, h->length) ? h : NULL;
}

/* Through the XSDT (64-bit entries) when the RSDP has one, else the RSDT. */
static const struct madt *find_madt(const struct rsdp *r)
{
	bool x = r->revision >= 2 && r->xsdt;
	const struct sdt_header *root = x ? table_at(r->xsdt, "XSDT") : table_at(r->rsdt, "RSDT");
	if (!root)
		return NULL;
	size_t width = x ? 8 : 4, n = (root->length - sizeof(*root)) / width;
	const uint8_t *e = (const uint8_t *)(root + 1);
	for (size_t i = 0; i < n; i++) {
		uint64_t pa = 0;
		memcpy(&pa, e + i * width, width);
		const struct sdt_header *t = table_at(pa, "APIC");
		if (t)
			return (const void *)t;
	}
	return NULL;
}

static void take_entry(const uint8_t *e, struct acpi_cpus *out)
{
	if (e[0] == MADT_LAPIC && (e[4] & LAPIC_ENABLED) && out->n < MAX_CPUS)
		out->apic_id[out->n++] = e[3];
	else if (e[0] == MADT_LAPIC_OVERRIDE)
		memcpy(&out->lapic_pa, e + 4, 8);
}

bool acpi_find_cpus(struct acpi_cpus *out)
{
	const struct rsdp *r = find_rsdp();
	const struct madt *m = r ? find_madt(r) : NULL;
	if (!m)
		return false;
	out->n = 0;
	out->lapic_pa = m->lapic_addr;
	const uint8_t *e = m->entries, *end = (const uint8_t *)m + m->h.length;
	for (; e + 2 <= end && e[1] >= 2; e += e[1])
		take_entry(e, out);
	return out->n > 0;
}
