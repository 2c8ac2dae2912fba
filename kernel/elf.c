/*
 * ELF validation: everything that must hold before exec commits, checked
 * against the file's size so a corrupt or hostile file gives -ENOEXEC and
 * never a crash. No memory policy here: exec.c turns segments into areas.
 */
#include "elf.h"
#include "errno.h"
#include "string.h"
#include "../mm/layout.h"

static bool header_ok(const struct elf64_ehdr *h, uint64_t size)
{
	return size >= sizeof(*h) && !memcmp(h->e_ident, "\x7f" "ELF", 4) && h->e_ident[4] == 2 /* 64-bit */ &&
	       h->e_ident[5] == 1 /* little endian */ && h->e_ident[6] == 1 && (h->e_type == ET_EXEC || h->e_type == ET_DYN) &&
	       h->e_machine == EM_X86_64 && h->e_phentsize == sizeof(struct elf64_phdr) && h->e_phnum > 0 &&
	       h->e_phnum <= 64 && h->e_phoff < size && size - h->e_phoff >= (uint64_t)h->e_phnum * sizeof(struct elf64_phdr);
}

static bool segment_ok(const struct elf64_phdr *p, uint64_t size, uint64_t bias)
{
	uint64_t start = p->p_vaddr + bias;
	return p->p_filesz <= p->p_memsz && p->p_offset <= size && size - p->p_offset >= p->p_filesz &&
	       (p->p_vaddr & (PAGE_SIZE - 1)) == (p->p_offset & (PAGE_SIZE - 1)) && start >= USER_MIN &&
	       start < USER_TOP && p->p_memsz <= USER_TOP - start;
}

static uint64_t lowest_vaddr(const struct elf64_phdr *ph, int n)
{
	uint64_t low = ~0ul;
	for (int i = 0; i < n; i++)
		if (ph[i].p_type == PT_LOAD && ph[i].p_vaddr < low)
			low = ph[i].p_vaddr;
	return page_round_down(low);
}

int elf_check(const uint8_t *data, uint64_t size, struct elf_image *img)
{
	const struct elf64_ehdr *h = (const void *)data;
	if (!header_ok(h, size))
		return -ENOEXEC;
	const struct elf64_phdr *ph = (const void *)(data + h->e_phoff);
	*img = (struct elf_image){ .ehdr = h, .phdrs = ph };
	img->bias = h->e_type == ET_DYN ? ELF_ET_DYN_BASE - lowest_vaddr(ph, h->e_phnum) : 0;
	int loads = 0;
	for (int i = 0; i < h->e_phnum; i++) {
		if (ph[i].p_type == PT_INTERP)
			return -ENOEXEC;   /* dynamically linked: no loader here */
		if (ph[i].p_type == PT_GNU_STACK)
			img->exec_stack = ph[i].p_flags & PF_X;
		if (ph[i].p_type != PT_LOAD)
			continue;
		if (!segment_ok(&ph[i], size, img->bias))
			return -ENOEXEC;
		loads++;
		if (ph[i].p_offset <= h->e_phoff && h->e_phoff < ph[i].p_offset + ph[i].p_filesz)
			img->phdr_va = ph[i].p_vaddr + img->bias + (h->e_phoff - ph[i].p_offset);
		uint64_t end = ph[i].p_vaddr + img->bias + ph[i].p_memsz;
		if (end > img->end)
			img->end = end;
	}
	img->entry = h->e_entry + img->bias;
	if (!loads || img->entry >= USER_TOP)
		return -ENOEXEC;
	return 0;
}
