#ifndef PAGODA_IDT_H
#define PAGODA_IDT_H
void idt_init(void);
void idt_load(void);
#endif
