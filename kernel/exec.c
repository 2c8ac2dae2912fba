/*
 * execve(2): replace the calling process's program, in four named steps.
 *
 *   copy_strings      argv and envp into the kernel (E2BIG, EFAULT)
 *   elf_check         the file is a static x86-64 ELF program (ENOEXEC)
 *   load_segments     a fresh address space with one area per PT_LOAD
 *                     segment; no page is read yet: the first touch of each
 *                     page faults it in from the page cache (demand paging;
 *                     processes running one program share its text frames)
 *   build_user_stack  the System V ABI initial stack: argc, argv, envp, auxv
 *   exec_own_tables   the caller becomes its process's only thread (the
 *                     others die: de_thread), with a file table and signal
 *                     actions of its own, handlers reset
 *   commit_exec       the point of no return: switch to the new space, free
 *                     the old one, reset registers and close-on-exec fds
 *
 * Until commit_exec nothing of the caller has changed, so every failure
 * returns an error to the old program intact. This file parses and orders;
 * the memory work (areas, the stack area, writing the new stack) is
 * mm/exec_mm.c's.
 *
 * The initial stack (System V x86-64 ABI, figure 3.9), highest address first:
 *   STACK_TOP -> 8 zero bytes | execfn, envp and argv strings | "x86_64" |
 *                16 random bytes (AT_RANDOM) | padding to 16 |
 *                auxv pairs, AT_NULL | NULL | envp[] | NULL | argv[] | argc  <- rsp
 */
#include "elf.h"
#include "errno.h"
#include "exit_work.h"
#include "fpu.h"
#include "gdt.h"
#include "linux_abi.h"
#include "proc.h"
#include "thread_group.h"
#include "random.h"
#include "string.h"
#include "syscalls.h"
#include "uaccess.h"
#include "x86.h"
#include "../mm/exec_mm.h"
#include "../mm/kheap.h"
#include "../mm/layout.h"
#include "../mm/mm.h"
#include "../mm/tlbflush.h"
#include "../mm/vmscan.h"
#include "../fs/vfs.h"

enum { STACK_EXPAND = 128 * 1024 };

/* Linux's limits on what execve copies (fs/exec.c): one string, with its
 * NUL, at most MAX_ARG_STRLEN bytes; the path, every string and one pointer
 * per string (argc counted as at least 1) at most a quarter of the stack
 * limit (2 MiB), never less than ARG_MAX_BYTES. Beyond either: E2BIG. */
enum { MAX_ARG_STRLEN = 32 * 4096, MAX_ARG_STRINGS = 0x7fffffff };

struct exec_args {
	char *buf;          /* argv strings then envp strings, each NUL-terminated */
	size_t used, cap;
	int argc, envc;
	size_t budget;      /* string bytes still allowed */
};

/* ---- step 1: argv and envp ---- */

/* How many pointers before the NULL (Linux's count()). */
static long count_strings(uintptr_t uarray, int *count)
{
	*count = 0;
	if (!uarray)
		return 0;
	for (;;) {
		uintptr_t ustr;
		if (copy_from_user(&ustr, uarray + *count * sizeof(uintptr_t), sizeof(ustr)))
			return -EFAULT;
		if (!ustr)
			return 0;
		if (++*count == MAX_ARG_STRINGS)
			return -E2BIG;
	}
}

static long arg_budget(struct exec_args *a, const char *path)
{
	size_t limit = STACK_LIMIT / 4 > ARG_MAX_BYTES ? STACK_LIMIT / 4 : ARG_MAX_BYTES;
	size_t ptrs = ((a->argc ? a->argc : 1) + (size_t)a->envc) * sizeof(uintptr_t);
	size_t need = ptrs + strlen(path) + 1;
	if (limit <= need)
		return -E2BIG;
	a->budget = limit - need;
	return 0;
}

static bool grow_args(struct exec_args *a, size_t want)
{
	size_t cap = a->cap ? a->cap : 4096;
	while (cap - a->used < want)
		cap *= 2;
	/* Grown by doubling from one page, so the usual exec needs no run of
	 * frames; only strings near MAX_ARG_STRLEN need 128 KiB in a row, which
	 * memory in swap's hands may have to give up first. */
	char *buf = kmalloc_reclaim(cap);
	if (!buf)
		return false;
	memcpy(buf, a->buf, a->used);
	kfree(a->buf);
	a->buf = buf;
	a->cap = cap;
	return true;
}

/* One string onto the end of the buffer: E2BIG past either limit. */
static long copy_one_string(struct exec_args *a, uintptr_t ustr)
{
	size_t max = a->budget < MAX_ARG_STRLEN ? a->budget : MAX_ARG_STRLEN;
	for (;;) {
		size_t room = a->cap - a->used < max ? a->cap - a->used : max;
		long len = room ? strncpy_from_user(a->buf + a->used, ustr, room) : -ENAMETOOLONG;
		if (len >= 0) {
			a->used += len + 1;
			a->budget -= len + 1;
			return 0;
		}
		if (len != -ENAMETOOLONG || room == max)
			return len == -ENAMETOOLONG ? -E2BIG : len;
		if (!grow_args(a, room + 1))   /* double the buffer and copy the string again */
			return -ENOMEM;
	}
}

static long copy_string_array(struct exec_args *a, uintptr_t uarray, int count)
{
	for (int i = 0; i < count; i++) {
		uintptr_t ustr;
		if (copy_from_user(&ustr, uarray + i * sizeof(uintptr_t), sizeof(ustr)))
			return -EFAULT;
		long err = copy_one_string(a, ustr);
		if (err)
			return err;
	}
	return 0;
}

/* Reverse buf[lo, hi). */
static void reverse(char *buf, size_t lo, size_t hi)
{
	while (lo + 1 < hi) {
		char c = buf[lo];
		buf[lo++] = buf[--hi];
		buf[hi] = c;
	}
}

/* Counts first (argv, envp), then the strings, envp before argv, as Linux
 * does (so errors come in its order); the buffer ends up argv first. */
static long copy_strings(struct exec_args *a, const char *path, uintptr_t uargv, uintptr_t uenvp)
{
	long err = count_strings(uargv, &a->argc);
	if (!err)
		err = count_strings(uenvp, &a->envc);
	if (!err)
		err = arg_budget(a, path);
	if (!err)
		err = copy_string_array(a, uenvp, a->envc);
	size_t env_bytes = a->used;
	if (!err)
		err = copy_string_array(a, uargv, a->argc);
	if (!err && a->used) {   /* [envp][argv] -> [argv][envp]: three reversals */
		reverse(a->buf, 0, a->used);
		reverse(a->buf, 0, a->used - env_bytes);
		reverse(a->buf, a->used - env_bytes, a->used);
	}
	return err;
}

/* ---- step 3: segments become areas ---- */

static uint64_t segment_vm_flags(uint32_t p_flags)
{
	return (p_flags & PF_R ? VM_READ : 0) | (p_flags & PF_W ? VM_WRITE : 0) | (p_flags & PF_X ? VM_EXEC : 0);
}

static int load_segments(struct mm *mm, struct file *file, const struct elf_image *img)
{
	for (int i = 0; i < img->ehdr->e_phnum; i++) {
		const struct elf64_phdr *ph = &img->phdrs[i];
		if (ph->p_type != PT_LOAD || ph->p_memsz == 0)
			continue;
		struct mm_segment seg = { .va = ph->p_vaddr + img->bias, .offset = ph->p_offset, .filesz = ph->p_filesz,
					  .memsz = ph->p_memsz, .vm_flags = segment_vm_flags(ph->p_flags), .file = file };
		int err = mm_map_segment(mm, &seg);
		if (err)
			return err;
	}
	mm_set_brk_base(mm, img->end);
	mm->exe_file = get_file(file);   /* its areas are the ELF segments (the fault log says so) */
	return 0;
}

/* ---- step 4: the initial stack ---- */

struct stack_builder {
	struct mm *mm;
	uintptr_t sp;
	int err;
};

/* Push bytes below sp; returns their address. */
static uintptr_t push_bytes(struct stack_builder *b, const void *src, size_t n)
{
	b->sp -= n;
	if (!b->err)
		b->err = mm_write(b->mm, b->sp, src, n);
	return b->sp;
}

static void push_word(struct stack_builder *b, uint64_t w)
{
	push_bytes(b, &w, sizeof(w));
}

/* The argc/argv/envp/auxv block, lowest address first, in a kernel buffer. */
static uint64_t *make_vectors(const struct exec_args *a, uintptr_t strings, const uint64_t (*auxv)[2], size_t nauxv,
			      size_t *words)
{
	*words = 1 + a->argc + 1 + a->envc + 1 + 2 * nauxv;
	uint64_t *vec = kmalloc(*words * sizeof(uint64_t));
	if (!vec)
		return NULL;
	size_t w = 0, off = 0;
	vec[w++] = a->argc;
	for (int k = 0; k < 2; k++) {
		int n = k ? a->envc : a->argc;
		for (int i = 0; i < n; i++) {
			vec[w++] = strings + off;
			off += strlen(a->buf + off) + 1;
		}
		vec[w++] = 0;
	}
	memcpy(&vec[w], auxv, nauxv * sizeof(*auxv));
	return vec;
}

static int build_user_stack(struct mm *mm, const struct exec_args *a, const struct elf_image *img,
			    const char *path, uintptr_t *sp_out)
{
	/* strings, vectors, and room to run before the stack first grows */
	size_t need = a->used + (a->argc + a->envc) * sizeof(uint64_t) + 4096 + STACK_EXPAND;
	int err = mm_setup_stack(mm, need, img->exec_stack);
	if (err)
		return err;
	struct stack_builder b = { mm, STACK_TOP, 0 };
	push_word(&b, 0);
	uintptr_t execfn = push_bytes(&b, path, strlen(path) + 1);
	uintptr_t strings = push_bytes(&b, a->buf, a->used);
	uintptr_t platform = push_bytes(&b, "x86_64", 7);
	uint64_t rnd[2] = { random_u64(), random_u64() };
	uintptr_t random = push_bytes(&b, rnd, sizeof(rnd));
	uint32_t cpu[4];
	cpuid(1, 0, cpu);
	const uint64_t auxv[][2] = {
		{ AT_PHDR, img->phdr_va }, { AT_PHENT, sizeof(struct elf64_phdr) }, { AT_PHNUM, img->ehdr->e_phnum },
		{ AT_PAGESZ, PAGE_SIZE }, { AT_BASE, 0 }, { AT_FLAGS, 0 }, { AT_ENTRY, img->entry },
		{ AT_UID, 0 }, { AT_EUID, 0 }, { AT_GID, 0 }, { AT_EGID, 0 }, { AT_SECURE, 0 },
		{ AT_HWCAP, cpu[3] }, { AT_CLKTCK, HZ }, { AT_PLATFORM, platform }, { AT_RANDOM, random },
		{ AT_EXECFN, execfn }, { AT_NULL, 0 },
	};
	size_t words;
	uint64_t *vec = make_vectors(a, strings, auxv, ARRAY_SIZE(auxv), &words);
	if (!vec)
		return -ENOMEM;
	b.sp = (b.sp - words * sizeof(uint64_t)) & ~15ul;   /* rsp is 16-byte aligned at _start */
	if (!b.err)
		b.err = mm_write(mm, b.sp, vec, words * sizeof(uint64_t));
	kfree(vec);
	*sp_out = b.sp;
	return b.err;
}

/* ---- step 5: commit ---- */

static void commit_exec(struct proc *p, struct mm *mm, const struct elf_image *img, uintptr_t sp, const char *path)
{
	struct mm *old = p->mm;
	mm_release(p);   /* in the old space: clear_child_tid; a vfork parent runs again */
	p->mm = mm;
	mm_activate(mm);
	mm_put(old);
	files_close_on_exec(p);
	p->did_exec = true;
	proc_set_name(p, path);
	strlcpy(p->exe, path, sizeof(p->exe));
	p->fs_base = 0;
	wrmsr(MSR_FS_BASE, 0);
	fpu_exec(p);
	*p->tf = (struct trapframe){ .rip = img->entry, .rsp = sp, .rflags = RFLAGS_IF | RFLAGS_FIXED, .cs = SEL_UCODE, .ss = SEL_UDATA };
	set_work(p, WORK_FRAME);
}

/* ---- step 2: the program file ---- */

struct exec_file {
	struct file *file;
	uint8_t *head;      /* the first page: ELF and program headers */
	char path[256];     /* absolute */
};

static void exec_file_done(struct exec_file *x)
{
	if (x->file)
		fput(x->file);
	kfree(x->head);
}

/* Open the program and check its headers (the program headers must lie in
 * the first page, as every linker puts them). */
static long open_program(const char *name, struct exec_file *x, struct elf_image *img)
{
	int err;
	if (!(x->file = filp_open(name, O_RDONLY, &err)))   /* links followed (/proc/self/exe) */
		return err;
	struct inode *inode = x->file->f_inode;
	if (!inode_is_reg(inode) || !(inode->i_mode & 0111))
		return -EACCES;
	if (file_path_name(x->file, x->path, sizeof(x->path)) < 0)
		return -ENAMETOOLONG;
	if (!(x->head = kzalloc(PAGE_SIZE)))
		return -ENOMEM;
	long n = kernel_read(x->file, x->head, PAGE_SIZE, 0);
	if (n < 0)
		return n;
	const struct elf64_ehdr *h = (const void *)x->head;
	if ((uint64_t)n < sizeof(*h) || h->e_phoff > (uint64_t)n || h->e_phnum * sizeof(struct elf64_phdr) > (uint64_t)n - h->e_phoff)
		return -ENOEXEC;
	return elf_check(x->head, inode->i_size, img);
}

/* The checks and steps before the point of no return. */
static long prepare_exec(struct exec_file *x, const struct exec_args *args, struct mm **mm_out,
			 struct elf_image *img, uintptr_t *sp)
{
	struct mm *mm = mm_create();
	if (!mm)
		return -ENOMEM;
	long err = load_segments(mm, x->file, img);
	if (!err)
		err = build_user_stack(mm, args, img, x->path, sp);
	if (err) {
		mm_destroy(mm);
		return err;
	}
	*mm_out = mm;
	return 0;
}

/* /proc/PID/cmdline: the argv strings (at most a page, as Linux shows the
 * first page of a long one). Best effort: without memory it is empty. */
static void set_cmdline(struct proc *p, const struct exec_args *args)
{
	size_t n = 0;
	for (int i = 0; i < args->argc; i++)
		n += strlen(args->buf + n) + 1;
	n = n < PAGE_SIZE ? n : PAGE_SIZE;
	kfree(p->cmdline);
	p->cmdline = kmalloc(n ? n : 1);
	p->cmdline_len = p->cmdline ? n : 0;
	if (p->cmdline)
		memcpy(p->cmdline, args->buf, n);
}

/* Step 4b, once the new program is ready: other threads end (execve(2):
 * "All threads other than the calling thread are destroyed"), the fd table
 * and actions become the caller's own (-ENOMEM leaves the old program
 * running, alone), handlers go back to SIG_DFL. */
static long exec_own_tables(struct proc *p)
{
	de_thread(p);
	long err = unshare_files(p);
	return err ? err : signal_exec_reset(p);
}

static long exec_program(const char *name, const struct exec_args *args)
{
	struct mm *mm;
	struct elf_image img;
	uintptr_t sp;
	struct exec_file x = { 0 };
	long err = open_program(name, &x, &img);
	if (!err)
		err = prepare_exec(&x, args, &mm, &img, &sp);
	if (!err && (err = exec_own_tables(current_proc())))
		mm_put(mm);
	if (!err) {
		commit_exec(current_proc(), mm, &img, sp, x.path);
		set_cmdline(current_proc(), args);
	}
	exec_file_done(&x);
	return err;
}

long sys_execve(uintptr_t upath, uintptr_t uargv, uintptr_t uenvp)
{
	char *name;
	long err = getname(upath, &name);
	if (err)
		return err;
	struct exec_args args = { 0 };
	err = copy_strings(&args, name, uargv, uenvp);
	if (!err)
		err = exec_program(name, &args);
	kfree(args.buf);
	putname(name);
	return err;
}

/* The first program, from the kernel: words is "PATH ARG..." (the init=
 * command-line value). Runs in the context of the process that will be init. */
long exec_first_program(const char *words)
{
	struct exec_args args = { .buf = kmalloc(ARG_MAX_BYTES), .cap = ARG_MAX_BYTES };
	char path[256] = "";
	if (!args.buf)
		return -ENOMEM;
	for (const char *w = words; *w;) {
		while (*w == ' ')
			w++;
		const char *e = w;
		while (*e && *e != ' ')
			e++;
		if (e == w || args.used + (e - w) + 1 >= ARG_MAX_BYTES)
			break;
		memcpy(args.buf + args.used, w, e - w);
		args.buf[args.used + (e - w)] = 0;
		if (!args.argc)
			strlcpy(path, args.buf, sizeof(path) < (size_t)(e - w + 1) ? sizeof(path) : (size_t)(e - w + 1));
		args.used += e - w + 1;
		args.argc++;
		w = e;
	}
	static const char env[] = "HOME=/\0PATH=/bin\0TERM=vt100";   /* three strings */
	memcpy(args.buf + args.used, env, sizeof(env));
	args.used += sizeof(env);
	args.envc = 3;
	long err = exec_program(path, &args);
	kfree(args.buf);
	return err;
}
