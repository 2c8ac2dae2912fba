#ifndef PAGODA_ELF_H
#define PAGODA_ELF_H
#include "types.h"

/* ELF64 (System V gABI; x86-64 psABI) as far as a static program needs. */
struct elf64_ehdr {
	uint8_t e_ident[16];
	uint16_t e_type, e_machine;
	uint32_t e_version;
	uint64_t e_entry, e_phoff, e_shoff;
	uint32_t e_flags;
	uint16_t e_ehsize, e_phentsize, e_phnum, e_shentsize, e_shnum, e_shstrndx;
};

struct elf64_phdr {
	uint32_t p_type, p_flags;
	uint64_t p_offset, p_vaddr, p_paddr, p_filesz, p_memsz, p_align;
};

enum { ET_EXEC = 2, ET_DYN = 3, EM_X86_64 = 62 };
enum { PT_LOAD = 1, PT_INTERP = 3, PT_PHDR = 6, PT_GNU_STACK = 0x6474e551 };
enum { PF_X = 1, PF_W = 2, PF_R = 4 };

/* A checked program: everything exec needs, with the load bias applied. */
struct elf_image {
	const struct elf64_ehdr *ehdr;
	const struct elf64_phdr *phdrs;
	uint64_t bias;          /* added to every p_vaddr (static-PIE) */
	uintptr_t entry;        /* e_entry + bias */
	uintptr_t phdr_va;      /* where the program headers are in memory (AT_PHDR) */
	uintptr_t end;          /* highest p_vaddr + p_memsz + bias: the heap starts above */
	bool exec_stack;        /* PT_GNU_STACK with PF_X */
};

/* Validate a file as a static ELF64 x86-64 program. 0 or -ENOEXEC. */
int elf_check(const uint8_t *data, uint64_t size, struct elf_image *img);

#endif
