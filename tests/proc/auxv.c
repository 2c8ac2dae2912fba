/* auxv: the initial stack as a static program sees it (System V ABI):
 * argc, argv[], NULL, envp[], NULL, auxv pairs, AT_NULL, then the strings.
 *
 * Only what is the same on Linux and Pagoda is printed: relations between the
 * vectors, the auxv entries musl needs, and values fixed by the binary or the
 * ABI. The layout checks run in a self-exec'd image whose argv and envp the
 * test chose (auxv --layout a bb ccc, environment X=1 YY=22).
 */
#include <elf.h>
#include <sys/auxv.h>
#include "testlib.h"

extern char **environ;
extern char _start[];	/* musl's entry point, from crt1 */

static const Elf64_auxv_t *find_auxv(void)
{
	char **p = environ;

	while (*p)
		p++;
	return (const Elf64_auxv_t *)(p + 1);
}

static int auxv_has(unsigned long type)
{
	for (const Elf64_auxv_t *a = find_auxv(); a->a_type != AT_NULL; a++)
		if (a->a_type == type)
			return 1;
	return 0;
}

static void required_entries(void)
{
	static const unsigned long need[] = {
		AT_PHDR, AT_PHENT, AT_PHNUM, AT_PAGESZ, AT_ENTRY, AT_UID,
		AT_EUID, AT_GID, AT_EGID, AT_SECURE, AT_RANDOM, AT_EXECFN,
		AT_HWCAP,
	};
	static const char *const names[] = {
		"AT_PHDR", "AT_PHENT", "AT_PHNUM", "AT_PAGESZ", "AT_ENTRY",
		"AT_UID", "AT_EUID", "AT_GID", "AT_EGID", "AT_SECURE",
		"AT_RANDOM", "AT_EXECFN", "AT_HWCAP",
	};
	char name[40];

	for (size_t i = 0; i < ARRAY_SIZE(need); i++) {
		snprintf(name, sizeof name, "auxv_has_%s", names[i] + 3);
		for (char *c = name; *c; c++)
			*c = (char)(*c >= 'A' && *c <= 'Z' ? *c + 32 : *c);
		show_yes(name, auxv_has(need[i]));
	}
}

/* entry_segment: the PT_LOAD containing AT_ENTRY, or NULL. */
static const Elf64_Phdr *entry_segment(void)
{
	const Elf64_Phdr *ph = (const Elf64_Phdr *)getauxval(AT_PHDR);
	unsigned long entry = getauxval(AT_ENTRY);

	for (unsigned long i = 0; ph && i < getauxval(AT_PHNUM); i++)
		if (ph[i].p_type == PT_LOAD && entry >= ph[i].p_vaddr &&
		    entry < ph[i].p_vaddr + ph[i].p_memsz)
			return &ph[i];
	return NULL;
}

static void values(void)
{
	const unsigned char *rnd = (const unsigned char *)getauxval(AT_RANDOM);
	const Elf64_Phdr *seg = entry_segment();

	say("at_pagesz", "%lu", getauxval(AT_PAGESZ));
	say("at_phent", "%lu", getauxval(AT_PHENT));
	show_yes("at_phnum_positive", getauxval(AT_PHNUM) > 0);
	show_yes("at_entry_is_start", getauxval(AT_ENTRY) == (unsigned long)_start);
	show_yes("at_entry_in_load_segment", seg != NULL);
	show_yes("at_entry_segment_executable", seg && (seg->p_flags & PF_X));
	show_yes("at_random_not_all_zero", rnd && !all_zero((const char *)rnd, 16));
	show_yes("at_uid_equals_euid", getauxval(AT_UID) == getauxval(AT_EUID));
	show_yes("at_gid_equals_egid", getauxval(AT_GID) == getauxval(AT_EGID));
	say("at_secure", "%lu", getauxval(AT_SECURE));
	say("at_base", "%lu", getauxval(AT_BASE));
	show_yes("at_execfn_is_string", getauxval(AT_EXECFN) &&
		 *(const char *)getauxval(AT_EXECFN) != '\0');
}

/* layout: runs in the self-exec'd image with argv {path, --layout, a, bb, ccc}
 * and envp {X=1, YY=22}. */
static int layout(int argc, char **argv)
{
	const char *execfn = (const char *)getauxval(AT_EXECFN);

	say("layout_argc", "%d", argc);
	show_yes("layout_argv_terminated", argv[argc] == NULL);
	show_yes("layout_envp_follows_argv", environ == argv + argc + 1);
	say("layout_envp", "%s,%s,%s", environ[0], environ[1],
	    environ[2] ? "more" : "end");
	say("layout_argv_alignment", "%lu", (unsigned long)argv % 16);
	show_yes("layout_strings_above_vectors",
		 (uintptr_t)argv[0] > (uintptr_t)find_auxv());
	show_yes("layout_argv_strings_contiguous",
		 argv[3] == argv[2] + 2 && argv[4] == argv[3] + 3);
	show_yes("layout_env_strings_follow_argv",
		 environ[0] == argv[4] + 4 && environ[1] == environ[0] + 4);
	show_yes("layout_execfn_is_path", execfn && !strcmp(execfn, argv[0]));
	return 0;
}

static void run_layout(const char *self)
{
	char *argv[] = { (char *)self, "--layout", "a", "bb", "ccc", NULL };
	char *envp[] = { "X=1", "YY=22", NULL };
	pid_t pid = fork_flushed();

	if (pid == 0) {
		execve(self, argv, envp);
		_exit(99);
	}
	show_status("layout_image", reap(pid));
}

int main(int argc, char **argv)
{
	if (argc > 1 && !strcmp(argv[1], "--layout"))
		return layout(argc, argv);
	required_entries();
	values();
	run_layout(self_exe(argv[0]));
	return 0;
}
