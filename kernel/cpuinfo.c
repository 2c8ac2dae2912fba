/*
 * /proc/cpuinfo's text. Identity and features come from CPUID on the
 * reading CPU (QEMU gives every CPU the same model); the APIC ids and the
 * online set from the per-CPU areas (kernel/smpboot.c filled them in).
 */
#include "cpuinfo.h"
#include "percpu.h"
#include "printk.h"
#include "string.h"
#include "x86.h"

static const struct { int leaf, reg, bit; const char *name; } features[] = {
	{ 1, 3, 0, "fpu" }, { 1, 3, 5, "msr" }, { 1, 3, 6, "pae" }, { 1, 3, 9, "apic" },
	{ 1, 3, 13, "pge" }, { 1, 3, 25, "sse" }, { 1, 3, 26, "sse2" }, { 1, 3, 28, "ht" },
	{ 0x80000001, 3, 20, "nx" }, { 0x80000001, 3, 26, "pdpe1gb" }, { 0x80000001, 3, 29, "lm" },
	{ 1, 2, 17, "pcid" }, { 1, 2, 21, "x2apic" }, { 1, 2, 26, "xsave" },
	{ 7, 1, 7, "smep" }, { 7, 1, 10, "invpcid" }, { 7, 1, 20, "smap" },
};

static void model_name(char out[49])
{
	uint32_t r[4];
	cpuid(0x80000000, 0, r);
	if (r[0] < 0x80000004) {
		strlcpy(out, "unknown", 49);
		return;
	}
	for (uint32_t i = 0; i < 3; i++) {
		cpuid(0x80000002 + i, 0, r);
		memcpy(out + 16 * i, r, 16);
	}
	out[48] = 0;
}

static size_t flags_text(char *buf, size_t cap)
{
	size_t n = 0;
	uint32_t r[4];
	for (size_t i = 0; i < ARRAY_SIZE(features) && n < cap; i++) {
		cpuid(features[i].leaf, 0, r);
		if (r[features[i].reg] >> features[i].bit & 1)
			n += snprintf(buf + n, cap - n, "%s%s", n ? " " : "", features[i].name);
	}
	return n;
}

size_t cpuinfo_text(char *buf, size_t cap)
{
	char vendor[13], model[49], flags[256];
	uint32_t r[4];
	cpuid(0, 0, r);
	memcpy(vendor, &r[1], 4);
	memcpy(vendor + 4, &r[3], 4);
	memcpy(vendor + 8, &r[2], 4);
	vendor[12] = 0;
	model_name(model);
	flags_text(flags, sizeof(flags));
	size_t n = 0;
	for (int i = 0; i < ncpus && n < cap; i++)
		n += snprintf(buf + n, cap - n,
			      "processor\t: %d\nvendor_id\t: %s\nmodel name\t: %s\nphysical id\t: 0\n"
			      "siblings\t: %d\ncore id\t\t: %d\ncpu cores\t: %d\napicid\t\t: %u\n"
			      "initial apicid\t: %u\nflags\t\t: %s\n\n",
			      i, vendor, model, ncpus, i, ncpus, cpus[i].apic_id, cpus[i].apic_id, flags);
	return n < cap ? n : cap;
}
