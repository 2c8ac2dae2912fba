#ifndef PAGODA_FAULT_H
#define PAGODA_FAULT_H
#include "mm.h"
#include "../kernel/param.h"

/* What the VM made of a page fault. Its one caller, kernel/trap.c
 * page_fault, decides what follows: a signal for a user access, -EFAULT for a
 * user copy (through the exception table), a panic otherwise. */
enum fault_result {
	FAULT_HANDLED,       /* the page is there now: retry the instruction */
	FAULT_SEGV_MAPERR,   /* no area at the address (Linux SEGV_MAPERR) */
	FAULT_SEGV_ACCERR,   /* an area is there but forbids the access (SEGV_ACCERR) */
	FAULT_OOM,           /* no frame to resolve it with */
	FAULT_SIGBUS,        /* a file page past the end of the file, or the file's I/O failed (BUS_ADRERR) */
};

struct fault {
	/* in: filled by the caller (kernel/trap.c page_fault) */
	uintptr_t addr;          /* CR2 */
	uint64_t error;          /* the #PF error code, with PF_USER set for user copies */
	uintptr_t rip;           /* the faulting instruction */
	bool kernel_copy;        /* the kernel's user copy faulted, not the program itself */
	int pid;                 /* who, for the fault log (mm/faultlog.c) */
	const char *comm;        /* TASK_COMM_LEN bytes: a process name, or a char[TASK_COMM_LEN] literal */
	/* out: what the handler found and did (set by it, whatever they held) */
	struct mm *mm;
	const struct vma *vma;   /* the area of the address, or NULL */
	bool grew_stack;         /* the stack area grew to cover addr */
	paddr_t frame;           /* the frame mapped at addr now, or 0 */
	bool major;              /* resolved by reading the page from swap (a major fault) */
	const char *case_name;   /* the CS:APP case taken ("demand-zero page", ...) */
	/* inside: the PT entry the walk found for addr (NULL: no PT) and
	 * pt_tables_freed then: mapping a frame there needs no second walk */
	pte_t *slot;
	uint64_t slot_tables_freed;
};

/* Classify and resolve one page fault in mm (f->error has PF_USER set for
 * user accesses and user copies alike). Panics only on a corrupt page table,
 * which no user input can cause. */
enum fault_result handle_page_fault(struct mm *mm, struct fault *f);
/* swapoff (mm/swapon.c): if swap entry swp at va in mm has its page in the
 * swap cache and no I/O runs on it, map it there as a fault would
 * (do_swap_page's second half) and return true. Never sleeps, so mm stays
 * valid; false leaves everything as it was. */
bool swap_in_resident(struct mm *mm, uintptr_t va, pte_t swp);

#endif
