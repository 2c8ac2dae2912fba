# user/user.mk: the user land and the differential test programs.
#
# Included by the top-level Makefile, which defines BUILD and MUSL_CC.
#
#   make user-progs       every program as a static musl binary, flat in
#                         build/user/bin/ (init, sh, runner, one per test),
#                         plus the data file build/user/bin/notelf
#   make test-user-host   run every test twice on the host Linux (the second
#                         time without ASLR), check the two outputs match and
#                         the exit status is 0; record build/user/expect/NAME.out
#   make check-user-syscalls   the same, plus a run under strace -f checking
#                         that each test uses only syscalls Pagoda implements
#                         (about a minute: not part of test-user-host)
#
# For the ramdisk: USER_BINS (programs) and USER_DATA (data files) all go to
# /bin/<base name>. USER_TESTS is the list of test names for the harness.

USER_CC      := $(MUSL_CC)
USER_CFLAGS  := -static -O2 -Wall -Wextra -Werror -std=gnu11 -Itests
USER_BIN_DIR := $(BUILD)/user/bin
# Every program links Pagoda's allocator (lib/), which replaces musl's malloc
# everywhere in it (printf's buffers, strdup, ...): -u malloc pulls the shim
# in before libc.a is searched.
USER_MALLOC  := $(BUILD)/user/libpagoda_malloc.a
USER_LDLIBS  := -Wl,-u,malloc -Wl,--wrap=pthread_create $(USER_MALLOC)
USER_EXPECT  := $(BUILD)/user/expect
USER_HEADERS := tests/testlib.h tests/rand.h tests/pattern.h user/vmcounters.h

# Every user/NAME.c is a program (init, sh, and the tools the kernel side adds).
USER_PROGS     := $(notdir $(basename $(wildcard user/*.c))) runner
USER_TEST_SRC  := $(sort $(wildcard tests/proc/*.c tests/sys/*.c tests/vm/*.c tests/glibc/*.c))
USER_TESTS     := $(notdir $(basename $(USER_TEST_SRC)))
# tests/shell/: the busybox and bash comparison (its own suite: tests/run.py shells)
SHELL_TESTS    := $(notdir $(basename $(wildcard tests/shell/*.c)))
USER_BINS      := $(addprefix $(USER_BIN_DIR)/,$(USER_PROGS) $(USER_TESTS) $(SHELL_TESTS))
USER_DATA      := $(USER_BIN_DIR)/notelf $(USER_BIN_DIR)/busybox $(USER_BIN_DIR)/bash $(USER_BIN_DIR)/shtest.sh

# One rule per source directory; the output directory is flat, so test base
# names must be unique (checked below).
USER_DUPES := $(sort $(foreach n,$(USER_TESTS),$(if $(filter-out 1,$(words $(filter $(n),$(USER_TESTS)))),$(n))))
ifneq ($(USER_DUPES),)
$(error user.mk: test names used twice: $(USER_DUPES))
endif

$(USER_BIN_DIR)/%: user/%.c $(USER_HEADERS) $(USER_MALLOC)
	@mkdir -p $(dir $@)
	@echo "  MUSLCC  $<"
	@$(USER_CC) $(USER_CFLAGS) $< $(USER_LDLIBS) -o $@

$(USER_BIN_DIR)/%: tests/%.c $(USER_HEADERS) $(USER_MALLOC)
	@mkdir -p $(dir $@)
	@echo "  MUSLCC  $<"
	@$(USER_CC) $(USER_CFLAGS) $< $(USER_LDLIBS) -o $@

$(USER_BIN_DIR)/%: tests/proc/%.c $(USER_HEADERS) $(USER_MALLOC)
	@mkdir -p $(dir $@)
	@echo "  MUSLCC  $<"
	@$(USER_CC) $(USER_CFLAGS) $< $(USER_LDLIBS) -o $@

$(USER_BIN_DIR)/%: tests/sys/%.c $(USER_HEADERS) $(USER_MALLOC)
	@mkdir -p $(dir $@)
	@echo "  MUSLCC  $<"
	@$(USER_CC) $(USER_CFLAGS) $< $(USER_LDLIBS) -o $@

$(USER_BIN_DIR)/%: tests/vm/%.c $(USER_HEADERS) $(USER_MALLOC)
	@mkdir -p $(dir $@)
	@echo "  MUSLCC  $<"
	@$(USER_CC) $(USER_CFLAGS) $< $(USER_LDLIBS) -o $@

$(USER_BIN_DIR)/%: tests/shell/%.c tests/testlib.h $(USER_MALLOC)
	@mkdir -p $(dir $@)
	@echo "  MUSLCC  $<"
	@$(USER_CC) $(USER_CFLAGS) $< $(USER_LDLIBS) -o $@

# tests/glibc/: the same differential tests, but linked with the host's glibc
# (gcc -static), because glibc's fork, vfork and signal code take other paths
# into the kernel than musl's.
GLIBC_CC := gcc
# glibc_threads is tests/proc/threads.c built with glibc (it includes it).
$(USER_BIN_DIR)/glibc_threads: tests/proc/threads.c
$(USER_BIN_DIR)/%: tests/glibc/%.c tests/testlib.h
	@mkdir -p $(dir $@)
	@echo "  GLIBCC  $<"
	@$(GLIBC_CC) -static -O2 -Wall -Wextra -Werror -std=gnu11 -Itests $< -o $@

# Debian's static busybox and bash (tools/setup.sh installs them), beside the
# tests so tests/proc/shells.c finds them the same way on both systems, and
# the script it runs under each.
$(USER_BIN_DIR)/busybox: /bin/busybox
	@mkdir -p $(dir $@)
	@cp $< $@
$(USER_BIN_DIR)/bash: /bin/bash-static
	@mkdir -p $(dir $@)
	@cp $< $@
$(USER_BIN_DIR)/shtest.sh: tests/shell/script.sh
	@mkdir -p $(dir $@)
	@cp $< $@

# notelf: a text file that is not an ELF image (execve must say ENOEXEC).
# Executable, so that the host answers ENOEXEC rather than EACCES.
$(USER_BIN_DIR)/notelf: user/user.mk
	@mkdir -p $(dir $@)
	@printf 'this is a text file, not an ELF executable\n' > $@
	@chmod 755 $@

.PHONY: user-progs test-user-host check-user-syscalls
user-progs: $(USER_BINS) $(USER_DATA)

test-user-host: user-progs
	python3 tests/host_check.py --bin $(USER_BIN_DIR) --expect $(USER_EXPECT) $(USER_TESTS)

check-user-syscalls: user-progs
	python3 tests/host_check.py --strace --bin $(USER_BIN_DIR) --expect $(USER_EXPECT) $(USER_TESTS)
