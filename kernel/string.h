/* The few C library string functions the kernel needs (gcc may also emit
 * calls to memcpy/memset/memmove/memcmp on its own). */
#ifndef PAGODA_STRING_H
#define PAGODA_STRING_H

#include "types.h"

void *memset(void *dst, int c, size_t n);
void *memcpy(void *dst, const void *src, size_t n);
void *memmove(void *dst, const void *src, size_t n);
int memcmp(const void *a, const void *b, size_t n);
size_t strlen(const char *s);
size_t strnlen(const char *s, size_t max);
int strcmp(const char *a, const char *b);
int strncmp(const char *a, const char *b, size_t n);
char *strchr(const char *s, int c);
char *strrchr(const char *s, int c);
char *strstr(const char *hay, const char *needle);
size_t strlcpy(char *dst, const char *src, size_t size);
void page_zero(void *dst);                    /* one 4 KiB page */
void page_copy(void *dst, const void *src);   /* one 4 KiB page */

#endif
