/*
 * Kernel formatted output. vsnprintf is the single formatter (snprintf and
 * printk both use it); the output always fits the buffer and is terminated.
 */
#include "printk.h"
#include "serial.h"
#include "string.h"
#include "vga.h"
#include "x86.h"

struct outbuf {
	char *buf;
	size_t size, len;   /* len counts every byte asked for, even past size */
};

static void put(struct outbuf *o, char c)
{
	if (o->len + 1 < o->size)
		o->buf[o->len] = c;
	o->len++;
}

struct spec {
	int width;
	bool zero, left;
	int longs;      /* 0 = int, 1 = long, 2 = long long, 3 = size_t */
};

static void put_padded(struct outbuf *o, const char *s, size_t n, const struct spec *sp)
{
	int pad = sp->width > (int)n ? sp->width - (int)n : 0;
	char fill = sp->zero && !sp->left ? '0' : ' ';
	if (fill == '0' && n && (*s == '-')) {  /* sign goes before zero padding */
		put(o, *s++);
		n--;
	}
	for (; !sp->left && pad > 0; pad--)
		put(o, fill);
	while (n--)
		put(o, *s++);
	for (; pad > 0; pad--)
		put(o, ' ');
}

static void put_number(struct outbuf *o, uint64_t v, bool neg, unsigned base, bool upper, const struct spec *sp)
{
	const char *digits = upper ? "0123456789ABCDEF" : "0123456789abcdef";
	char tmp[24];
	int i = sizeof(tmp);
	do {
		tmp[--i] = digits[v % base];
		v /= base;
	} while (v);
	if (neg)
		tmp[--i] = '-';
	put_padded(o, tmp + i, sizeof(tmp) - i, sp);
}

static uint64_t arg_unsigned(va_list *ap, int longs)
{
	if (longs)
		return va_arg(*ap, unsigned long);
	return va_arg(*ap, unsigned int);
}

static int64_t arg_signed(va_list *ap, int longs)
{
	if (longs)
		return va_arg(*ap, long);
	return va_arg(*ap, int);
}

static const char *parse_spec(const char *f, struct spec *sp, va_list *ap)
{
	*sp = (struct spec){ 0 };
	for (;; f++) {
		if (*f == '0')
			sp->zero = true;
		else if (*f == '-')
			sp->left = true;
		else
			break;
	}
	if (*f == '*') {   /* width from the argument list */
		sp->width = va_arg(*ap, int);
		if (sp->width < 0) {
			sp->left = true;
			sp->width = -sp->width;
		}
		f++;
	}
	while (*f >= '0' && *f <= '9')
		sp->width = sp->width * 10 + (*f++ - '0');
	while (*f == 'l' || *f == 'z') {
		sp->longs++;
		f++;
	}
	return f;
}

static void format_one(struct outbuf *o, char conv, const struct spec *sp, va_list *ap)
{
	switch (conv) {
	case 'd':
	case 'i': {
		int64_t v = arg_signed(ap, sp->longs);
		put_number(o, v < 0 ? -(uint64_t)v : (uint64_t)v, v < 0, 10, false, sp);
		break;
	}
	case 'u': put_number(o, arg_unsigned(ap, sp->longs), false, 10, false, sp); break;
	case 'x': put_number(o, arg_unsigned(ap, sp->longs), false, 16, false, sp); break;
	case 'X': put_number(o, arg_unsigned(ap, sp->longs), false, 16, true, sp); break;
	case 'o': put_number(o, arg_unsigned(ap, sp->longs), false, 8, false, sp); break;
	case 'p': {
		struct spec p = { .width = 16, .zero = true };
		put(o, '0');
		put(o, 'x');
		put_number(o, (uintptr_t)va_arg(*ap, void *), false, 16, false, &p);
		break;
	}
	case 'c': {
		char c = (char)va_arg(*ap, int);
		put_padded(o, &c, 1, sp);
		break;
	}
	case 's': {
		const char *s = va_arg(*ap, const char *);
		if (!s)
			s = "(null)";
		put_padded(o, s, strlen(s), sp);
		break;
	}
	case '%': put(o, '%'); break;
	default:
		put(o, '%');
		put(o, conv);
	}
}

int vsnprintf(char *buf, size_t size, const char *fmt, va_list ap)
{
	struct outbuf o = { buf, size, 0 };
	va_list args;
	va_copy(args, ap);
	while (*fmt) {
		if (*fmt != '%') {
			put(&o, *fmt++);
			continue;
		}
		struct spec sp;
		fmt = parse_spec(fmt + 1, &sp, &args);
		if (!*fmt)
			break;
		format_one(&o, *fmt++, &sp, &args);
	}
	va_end(args);
	if (size)
		buf[o.len < size ? o.len : size - 1] = 0;
	return (int)o.len;
}

int snprintf(char *buf, size_t size, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	int n = vsnprintf(buf, size, fmt, ap);
	va_end(ap);
	return n;
}

static bool vga_on;

void console_use_vga(bool on)
{
	vga_on = on;
}

void console_write(const char *s, size_t n)
{
	bool irq = irq_save();   /* keep lines from interleaving */
	for (size_t i = 0; i < n; i++) {
		serial_putc(s[i]);
		if (vga_on)
			vga_putc(s[i]);
	}
	irq_restore(irq);
}

static void vprintk(const char *fmt, va_list ap)
{
	char buf[512];
	int n = vsnprintf(buf, sizeof(buf), fmt, ap);
	console_write(buf, n < (int)sizeof(buf) ? (size_t)n : sizeof(buf) - 1);
}

void printk(const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	vprintk(fmt, ap);
	va_end(ap);
}

bool console_quiet;

void pr_info(const char *fmt, ...)
{
	if (console_quiet)
		return;
	va_list ap;
	va_start(ap, fmt);
	vprintk(fmt, ap);
	va_end(ap);
}
