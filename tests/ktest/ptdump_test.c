/* The student dumps print (the harness checks the text in the ktest log). */
#include "../../kernel/ktest.h"
#include "../../mm/kmap.h"
#include "../../mm/layout.h"
#include "../../mm/ptdump.h"

void kmain(void);

KTEST(ptdump_prints_walk_and_space)
{
	ptdump_va(kernel_root, (uintptr_t)kmain);
	ptdump_va(kernel_root, 0);
	ptdump_space(kernel_root, KERNEL_VMA, ~0ul);
}
