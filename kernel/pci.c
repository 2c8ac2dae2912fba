/*
 * PCI configuration space (the legacy mechanism #1: ports 0xCF8/0xCFC) and
 * the table of every function found on the buses at boot.
 *
 *   pci_devs[0 .. ndevs-1]: one entry per present function, in scan order
 *   (bus, slot, function ascending), filled once by pci_init and read-only
 *   afterwards: drivers look their device up with pci_find.
 *
 * Always true: ndevs <= PCI_MAX_DEVS; every entry has vendor != 0xffff.
 * Configuration accesses are two port writes/reads that must not interleave:
 * they run with interrupts off (pci_lock).
 */
#include "pci.h"
#include "printk.h"
#include "spinlock.h"
#include "x86.h"

enum { PCI_CONFIG_ADDRESS = 0xcf8, PCI_CONFIG_DATA = 0xcfc, PCI_MAX_DEVS = 64 };

static struct pci_dev pci_devs[PCI_MAX_DEVS];
static int ndevs;
static struct spinlock pci_lock = SPINLOCK_INIT("pci");

static uint32_t config_address(uint8_t bus, uint8_t slot, uint8_t func, uint8_t off)
{
	return 1u << 31 | (uint32_t)bus << 16 | (uint32_t)slot << 11 | (uint32_t)func << 8 | (off & 0xfc);
}

static uint32_t config_read(uint8_t bus, uint8_t slot, uint8_t func, uint8_t off)
{
	spin_lock(&pci_lock);
	outl(PCI_CONFIG_ADDRESS, config_address(bus, slot, func, off));
	uint32_t v = inl(PCI_CONFIG_DATA);
	spin_unlock(&pci_lock);
	return v;
}

static void config_write(uint8_t bus, uint8_t slot, uint8_t func, uint8_t off, uint32_t v)
{
	spin_lock(&pci_lock);
	outl(PCI_CONFIG_ADDRESS, config_address(bus, slot, func, off));
	outl(PCI_CONFIG_DATA, v);
	spin_unlock(&pci_lock);
}

uint32_t pci_read32(const struct pci_dev *d, uint8_t off)
{
	return config_read(d->bus, d->slot, d->func, off);
}

void pci_write32(const struct pci_dev *d, uint8_t off, uint32_t v)
{
	config_write(d->bus, d->slot, d->func, off, v);
}

uint16_t pci_read16(const struct pci_dev *d, uint8_t off)
{
	return pci_read32(d, off & ~3) >> ((off & 2) * 8);
}

void pci_write16(const struct pci_dev *d, uint8_t off, uint16_t v)
{
	uint32_t old = pci_read32(d, off & ~3);
	int shift = (off & 2) * 8;
	pci_write32(d, off & ~3, (old & ~(0xffffu << shift)) | (uint32_t)v << shift);
}

void pci_enable_bus_master(const struct pci_dev *d)
{
	uint16_t cmd = pci_read16(d, PCI_COMMAND);
	cmd |= PCI_COMMAND_IO | PCI_COMMAND_MEMORY | PCI_COMMAND_MASTER;
	pci_write16(d, PCI_COMMAND, cmd & ~PCI_COMMAND_INTX_DISABLE);
}

uint16_t pci_bar_io(const struct pci_dev *d, int n)
{
	return (d->bar[n] & 1) ? (d->bar[n] & ~3u) : 0;
}

static void record_function(uint8_t bus, uint8_t slot, uint8_t func, uint32_t id)
{
	if (ndevs == PCI_MAX_DEVS)
		return;
	struct pci_dev *d = &pci_devs[ndevs++];
	*d = (struct pci_dev){ .bus = bus, .slot = slot, .func = func,
			       .vendor = id & 0xffff, .device = id >> 16 };
	uint32_t class = config_read(bus, slot, func, 0x08);
	d->class = class >> 24;
	d->subclass = class >> 16;
	for (int i = 0; i < 6; i++)
		d->bar[i] = config_read(bus, slot, func, PCI_BAR0 + 4 * i);
	d->irq_line = config_read(bus, slot, func, PCI_INTERRUPT_LINE) & 0xff;
}

static void scan_slot(uint8_t bus, uint8_t slot)
{
	uint32_t id = config_read(bus, slot, 0, 0);
	if ((id & 0xffff) == 0xffff)
		return;
	bool multi = (config_read(bus, slot, 0, 0x0c) >> 16) & 0x80;
	for (int func = 0; func < (multi ? 8 : 1); func++) {
		id = config_read(bus, slot, func, 0);
		if ((id & 0xffff) != 0xffff)
			record_function(bus, slot, func, id);
	}
}

/* Brute force over all 256 buses: simple, and only a few thousand port
 * reads on QEMU's machines. */
void pci_init(void)
{
	for (int bus = 0; bus < 256; bus++)
		for (int slot = 0; slot < 32; slot++)
			scan_slot(bus, slot);
	for (int i = 0; i < ndevs; i++)
		pr_info("pci: %02x:%02x.%d %04x:%04x class %02x.%02x irq %d\n", pci_devs[i].bus,
			pci_devs[i].slot, pci_devs[i].func, pci_devs[i].vendor, pci_devs[i].device,
			pci_devs[i].class, pci_devs[i].subclass, pci_devs[i].irq_line);
}

int pci_count(void)
{
	return ndevs;
}

const struct pci_dev *pci_get(int i)
{
	return i >= 0 && i < ndevs ? &pci_devs[i] : NULL;
}

const struct pci_dev *pci_find(uint16_t vendor, uint16_t dev_lo, uint16_t dev_hi, int n)
{
	for (int i = 0; i < ndevs; i++) {
		const struct pci_dev *d = &pci_devs[i];
		if (d->vendor == vendor && d->device >= dev_lo && d->device <= dev_hi && n-- == 0)
			return d;
	}
	return NULL;
}
