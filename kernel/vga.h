#ifndef PAGODA_VGA_H
#define PAGODA_VGA_H
void vga_init(void);
void vga_putc(char c);
#endif
