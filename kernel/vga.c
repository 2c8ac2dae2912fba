/*
 * VGA text mode (80x25 at physical 0xb8000): a mirror of the serial console,
 * seen with `make run GRAPHIC=1`. Scrolls; no cursor control sequences.
 */
#include "vga.h"
#include "string.h"
#include "../mm/layout.h"

enum { COLS = 80, ROWS = 25, ATTR = 0x0700 /* light grey on black */ };

static uint16_t *screen;
static int row, col;

void vga_init(void)
{
	screen = pa_to_kva(0xb8000);
	for (int i = 0; i < COLS * ROWS; i++)
		screen[i] = ATTR | ' ';
	row = col = 0;
}

static void scroll(void)
{
	memmove(screen, screen + COLS, (ROWS - 1) * COLS * sizeof(*screen));
	for (int i = 0; i < COLS; i++)
		screen[(ROWS - 1) * COLS + i] = ATTR | ' ';
	row = ROWS - 1;
}

void vga_putc(char c)
{
	if (!screen)
		return;
	if (c == '\n') {
		col = 0;
		row++;
	} else if (c == '\b') {
		if (col > 0)
			col--;
		screen[row * COLS + col] = ATTR | ' ';
	} else if (c != '\r') {
		screen[row * COLS + col] = ATTR | (uint8_t)c;
		if (++col == COLS) {
			col = 0;
			row++;
		}
	}
	if (row == ROWS)
		scroll();
}
