#ifndef PAGODA_PCI_H
#define PAGODA_PCI_H
#include "types.h"

/* One PCI function found by pci_init's scan of configuration space. */
struct pci_dev {
	uint8_t bus, slot, func;
	uint16_t vendor, device;
	uint8_t class, subclass;
	uint8_t irq_line;        /* the legacy INTx line the firmware routed (0xff: none) */
	uint32_t bar[6];         /* raw base address registers */
};

void pci_init(void);                        /* scan every bus once at boot */
int pci_count(void);
const struct pci_dev *pci_get(int i);       /* 0 <= i < pci_count() */
/* The n-th function (0, 1, ...) with this vendor and one of the device IDs
 * in [dev_lo, dev_hi]; NULL when there is none. */
const struct pci_dev *pci_find(uint16_t vendor, uint16_t dev_lo, uint16_t dev_hi, int n);

uint32_t pci_read32(const struct pci_dev *d, uint8_t off);
void pci_write32(const struct pci_dev *d, uint8_t off, uint32_t v);
uint16_t pci_read16(const struct pci_dev *d, uint8_t off);
void pci_write16(const struct pci_dev *d, uint8_t off, uint16_t v);
void pci_enable_bus_master(const struct pci_dev *d);   /* also I/O and memory decoding */
/* The I/O port base of BAR n, or 0 if that BAR is not an I/O BAR. */
uint16_t pci_bar_io(const struct pci_dev *d, int n);

enum {
	PCI_COMMAND = 0x04, PCI_COMMAND_IO = 1, PCI_COMMAND_MEMORY = 2, PCI_COMMAND_MASTER = 4,
	PCI_COMMAND_INTX_DISABLE = 1 << 10,
	PCI_BAR0 = 0x10, PCI_INTERRUPT_LINE = 0x3c,
};

#endif
