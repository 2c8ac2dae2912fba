/* Byte-at-a-time string and memory functions; clear rather than fast, except
 * memcpy/memset, which use rep movsq/stosq and then rep movsb/stosb. */
#include "string.h"

/* Eight bytes at a time, then the tail byte by byte: one rep movsb/stosb
 * iteration is as costly as a movsq/stosq one under QEMU's TCG, which
 * copies a string instruction an element at a time. */
void *memset(void *dst, int c, size_t n)
{
	void *d = dst;
	size_t q = n / 8, r = n % 8;
	uint64_t v = 0x0101010101010101ull * (uint8_t)c;
	__asm__ volatile("rep stosq" : "+D"(d), "+c"(q) : "a"(v) : "memory");
	__asm__ volatile("rep stosb" : "+D"(d), "+c"(r) : "a"(c) : "memory");
	return dst;
}

void *memcpy(void *dst, const void *src, size_t n)
{
	void *d = dst;
	size_t q = n / 8, r = n % 8;
	__asm__ volatile("rep movsq" : "+D"(d), "+S"(src), "+c"(q) : : "memory");
	__asm__ volatile("rep movsb" : "+D"(d), "+S"(src), "+c"(r) : : "memory");
	return dst;
}

void *memmove(void *dst, const void *src, size_t n)
{
	unsigned char *d = dst;
	const unsigned char *s = src;
	if (d <= s || d >= s + n)
		return memcpy(dst, src, n);
	while (n--)
		d[n] = s[n];
	return dst;
}

int memcmp(const void *a, const void *b, size_t n)
{
	const unsigned char *x = a, *y = b;
	for (size_t i = 0; i < n; i++)
		if (x[i] != y[i])
			return x[i] - y[i];
	return 0;
}

size_t strlen(const char *s)
{
	size_t n = 0;
	while (s[n])
		n++;
	return n;
}

size_t strnlen(const char *s, size_t max)
{
	size_t n = 0;
	while (n < max && s[n])
		n++;
	return n;
}

int strcmp(const char *a, const char *b)
{
	while (*a && *a == *b)
		a++, b++;
	return (unsigned char)*a - (unsigned char)*b;
}

int strncmp(const char *a, const char *b, size_t n)
{
	for (; n; n--, a++, b++) {
		if (*a != *b)
			return (unsigned char)*a - (unsigned char)*b;
		if (!*a)
			return 0;
	}
	return 0;
}

char *strchr(const char *s, int c)
{
	for (; *s; s++)
		if (*s == (char)c)
			return (char *)s;
	return c ? NULL : (char *)s;
}

char *strrchr(const char *s, int c)
{
	const char *last = NULL;
	for (; *s; s++)
		if (*s == (char)c)
			last = s;
	return c ? (char *)last : (char *)s;
}

char *strstr(const char *hay, const char *needle)
{
	size_t n = strlen(needle);
	for (; *hay; hay++)
		if (!strncmp(hay, needle, n))
			return (char *)hay;
	return n ? NULL : (char *)hay;
}

size_t strlcpy(char *dst, const char *src, size_t size)
{
	size_t n = strlen(src);
	if (size) {
		size_t k = n < size - 1 ? n : size - 1;
		memcpy(dst, src, k);
		dst[k] = 0;
	}
	return n;
}

/* 256 bytes of zeros from xmm0 at p (16-byte aligned). */
static inline void zero_256(char *p)
{
	__asm__ volatile(
		"movdqa %%xmm0, 0(%0)\n\tmovdqa %%xmm0, 16(%0)\n\tmovdqa %%xmm0, 32(%0)\n\tmovdqa %%xmm0, 48(%0)\n\t"
		"movdqa %%xmm0, 64(%0)\n\tmovdqa %%xmm0, 80(%0)\n\tmovdqa %%xmm0, 96(%0)\n\tmovdqa %%xmm0, 112(%0)\n\t"
		"movdqa %%xmm0, 128(%0)\n\tmovdqa %%xmm0, 144(%0)\n\tmovdqa %%xmm0, 160(%0)\n\tmovdqa %%xmm0, 176(%0)\n\t"
		"movdqa %%xmm0, 192(%0)\n\tmovdqa %%xmm0, 208(%0)\n\tmovdqa %%xmm0, 224(%0)\n\tmovdqa %%xmm0, 240(%0)"
		: : "r"(p) : "memory");
}

/* A whole 4 KiB page (page-aligned): every demand-zero page and new page
 * table. 256 16-byte SSE stores, where rep stosq makes 512 8-byte ones (and
 * QEMU's TCG runs each rep iteration as an instruction of its own). The
 * kernel is built without SSE, so xmm0 holds the interrupted program's
 * value: it is kept on the stack and put back. Nothing else can see the
 * zeros meanwhile: kernel code runs with interrupts off, and a switch saves
 * and restores the whole register state (kernel/fpu.c, eager). */
void page_zero(void *dst)
{
	uint64_t saved[2];
	__asm__ volatile("movdqu %%xmm0, %0\n\tpxor %%xmm0, %%xmm0" : "=m"(saved));
	for (char *p = dst, *end = p + 4096; p < end; p += 256)
		zero_256(p);
	__asm__ volatile("movdqu %0, %%xmm0" : : "m"(saved));
}

void page_copy(void *dst, const void *src)
{
	size_t n = 4096 / 8;
	__asm__ volatile("rep movsq" : "+D"(dst), "+S"(src), "+c"(n) : : "memory");
}
