#ifndef PAGODA_ACPI_H
#define PAGODA_ACPI_H
#include "percpu.h"

/* What the MADT says about the CPUs: each enabled local APIC's id, in table
 * order (the boot CPU first on QEMU and most firmware), and where the local
 * APICs' registers are. */
struct acpi_cpus {
	int n;
	uint32_t apic_id[MAX_CPUS];
	paddr_t lapic_pa;
};

/* false (out untouched) when there is no RSDP or no MADT. */
bool acpi_find_cpus(struct acpi_cpus *out);

#endif
