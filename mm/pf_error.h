/*
 * The #PF error code (Intel SDM vol. 3, 4.7): which access faulted and why.
 *
 *   bit 0  P     0 = the page was not present; 1 = a protection violation
 *   bit 1  W/R   0 = read; 1 = write
 *   bit 2  U/S   0 = supervisor (kernel) access; 1 = user-mode access
 *   bit 3  RSVD  1 = a reserved bit was set in some paging entry
 *   bit 4  I/D   1 = instruction fetch (only with NX or SMEP enabled)
 *   bit 5  PK    1 = protection-key violation
 */
#ifndef PAGODA_PF_ERROR_H
#define PAGODA_PF_ERROR_H

#include "../kernel/types.h"

enum {
	PF_PROT = 1u << 0,
	PF_WRITE = 1u << 1,
	PF_USER = 1u << 2,
	PF_RSVD = 1u << 3,
	PF_INSTR = 1u << 4,
	PF_PK = 1u << 5,
};

struct pf_error {
	bool present, write, user, rsvd, instr;
};

static inline struct pf_error pf_decode(uint64_t err)
{
	return (struct pf_error){
		.present = err & PF_PROT,
		.write = err & PF_WRITE,
		.user = err & PF_USER,
		.rsvd = err & PF_RSVD,
		.instr = err & PF_INSTR,
	};
}

#endif
