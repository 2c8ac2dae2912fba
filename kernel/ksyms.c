/* Address-to-name lookup over the generated, address-sorted symbol table. */
#include "ksyms.h"
#include "printk.h"
#include "string.h"

extern const struct ksym ksym_table[];
extern const unsigned ksym_count;

const char *ksym_lookup(uint64_t addr, uint64_t *offset)
{
	unsigned lo = 0, hi = ksym_count;   /* find the last symbol with addr <= target */
	if (!ksym_count || addr < ksym_table[0].addr)
		return "?";
	while (hi - lo > 1) {
		unsigned mid = (lo + hi) / 2;
		if (ksym_table[mid].addr <= addr)
			lo = mid;
		else
			hi = mid;
	}
	*offset = addr - ksym_table[lo].addr;
	return ksym_table[lo].name;
}

const char *ksym_name(uint64_t addr)
{
	static char buf[80];
	uint64_t off = 0;
	const char *name = ksym_lookup(addr, &off);
	snprintf(buf, sizeof(buf), "%s+0x%lx", name, off);
	return buf;
}

uint64_t ksym_addr(const char *name)
{
	for (unsigned i = 0; i < ksym_count; i++)
		if (!strcmp(ksym_table[i].name, name))
			return ksym_table[i].addr;
	return 0;
}
