/* The formatter behind printk: every conversion the kernel uses. */
#include "../../kernel/ktest.h"
#include "../../kernel/printk.h"
#include "../../kernel/string.h"

static bool formats_as(const char *want, const char *fmt, ...)
{
	char buf[128];
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(buf, sizeof(buf), fmt, ap);
	va_end(ap);
	return !strcmp(buf, want);
}

KTEST(printk_integers)
{
	KT_ASSERT(formats_as("-42 42 4294967295", "%d %u %u", -42, 42u, 0xffffffffu));
	KT_ASSERT(formats_as("ff FF 777", "%x %X %o", 255, 255, 511));
	KT_ASSERT(formats_as("-9223372036854775808", "%ld", (long)(-9223372036854775807l - 1)));
	KT_ASSERT(formats_as("ffffffff80000000", "%lx", 0xffffffff80000000ul));
}

KTEST(printk_width_and_padding)
{
	KT_ASSERT(formats_as("   42|42   |00042|-0042", "%5d|%-5d|%05d|%05d", 42, 42, 42, -42));
	KT_ASSERT(formats_as("0000beef", "%08x", 0xbeef));
	KT_ASSERT(formats_as("  ab|x", "%4s|%c", "ab", 'x'));
	KT_ASSERT(formats_as("   7|7  |end", "%*d|%-*d|%s", 4, 7, 3, 7, "end"));   /* regression: procfs maps */
}

KTEST(printk_pointer_and_null_string)
{
	KT_ASSERT(formats_as("0x00000000deadbeef (null) 100%", "%p %s 100%%", (void *)0xdeadbeef, (char *)NULL));
}

KTEST(printk_truncates_safely)
{
	char buf[8];
	int n = snprintf(buf, sizeof(buf), "%s", "0123456789");
	KT_EQ(n, 10);
	KT_ASSERT(!strcmp(buf, "0123456"));
}
