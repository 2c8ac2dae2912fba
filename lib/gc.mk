# lib/gc.mk: the conservative garbage collector (issue 8), included by the
# top-level Makefile, which defines BUILD, HOST_CC and MUSL_CC.
#
#   make host-gc    build/host/libpagoda_gc.a (headers: lib/include/pagoda_gc.h, gc.h)
#   make user-gc    build/user/libpagoda_gc.a and static musl programs for Pagoda
#   make test-gc    host tests (UBSan build and musl static build), PASS/FAIL lines
#   make bench-gc   GCBench-shaped workload: Pagoda GC vs Boehm GC vs glibc malloc;
#                   then the pause table (bench/gcpause_run.sh): each mode of
#                   ours and libgc's default and incremental modes
#   make bench-gc-pagoda  that pause table inside Pagoda, in guest instructions
#                   (one boot per configuration under -icount: slow, ~30 min)
#
# Inside Pagoda (each exits 0 on success, non-zero on failure):
#   /bin/gc_tests gc_pagoda_  every collector test, one PASS/FAIL line each (needs
#                             fork and wait4: each test runs in a child). The
#                             10-million-node list needs ~175 MiB of GC heap; in a
#                             smaller guest (MEM=128M) run
#                             /bin/gc_tests -l 1000000 gc_pagoda_
#   /bin/gc_leaky             the leaking program; prints "gc: leak: ..." lines on
#                             stderr and exits 0 iff it found its 3 leaks
#   /bin/gc_bdwgc             a program written for bdwgc, built on gc.h
#   /bin/gcbench pagoda       the benchmark; prints one "gcbench pagoda:" line
#
# Sanitizers: the host tests use -fsanitize=undefined (library and tests).
# AddressSanitizer was tried and is not used: the stack and data scans read
# every word, including ASan's poisoned redzones (hence no_sanitize("address")
# on the scanner in gc_mark.c, with which the collector runs under ASan with no
# report); but ASan's redzones are gaps between locals that the tests' stack
# scrub cannot clear, so stale pointers left there keep garbage alive and the
# exact-count reclaim tests fail (5 of 23 with gcc 12). UBSan leaves frames as
# they are. Valgrind reports "depends on uninitialised value" for every stale
# stack word the scan reads, for the same reason.

GC_SRC := lib/gc_alloc.c lib/gc_heap.c lib/gc_mark.c lib/gc_roots.c lib/gc_sweep.c \
	lib/gc_collect.c lib/gc_leak.c lib/gc_check.c lib/gc_compat.c lib/gc_table.c \
	lib/gc_typed.c lib/gc_finalize.c lib/gc_debug.c lib/gc_backptr.c lib/gc_dirty.c \
	lib/gc_incremental.c lib/gc_threads.c lib/gc_rescan.c lib/gc_minor.c
GC_HDR := lib/gc_internal.h lib/gc_table.h lib/include/pagoda_gc.h lib/include/gc.h \
	$(wildcard lib/include/gc/*.h)

# -fno-strict-aliasing: the scanner reads any memory as words.
GC_CFLAGS := -std=gnu11 -O2 -g -Wall -Wextra -Werror -fno-strict-aliasing -MD
GC_SAN    := -fsanitize=undefined -fno-sanitize-recover=undefined
GC_TEST_CFLAGS := -std=gnu11 -O2 -g -Wall -Wextra -Werror -Ilib/include

GC_HOST_OBJ := $(GC_SRC:lib/%.c=$(BUILD)/host/gc/%.o)
GC_SAN_OBJ  := $(GC_SRC:lib/%.c=$(BUILD)/host/gc-san/%.o)
GC_USER_OBJ := $(GC_SRC:lib/%.c=$(BUILD)/user/gc/%.o)

GC_HOST_LIB := $(BUILD)/host/libpagoda_gc.a
GC_SAN_LIB  := $(BUILD)/host/libpagoda_gc_ubsan.a
GC_USER_LIB := $(BUILD)/user/libpagoda_gc.a

GC_USER_BINS = $(BUILD)/user/gc_tests $(BUILD)/user/gc_leaky $(BUILD)/user/gc_bdwgc \
	$(BUILD)/user/gcbench $(BDWGC_USER)
GC_HOST_BINS = $(BUILD)/host/gc_tests $(BUILD)/host/gc_leaky $(BUILD)/host/gc_bdwgc \
	$(BUILD)/host/gc_bdwgc_boehm $(BDWGC_HOST)
GC_BENCH_BINS := $(BUILD)/host/gcbench_pagoda $(BUILD)/host/gcbench_boehm \
	$(BUILD)/host/gcbench_malloc $(BUILD)/host/gcpause_pagoda $(BUILD)/host/gcpause_boehm

# ---- the library, three ways ------------------------------------------------
$(BUILD)/host/gc/%.o: lib/%.c
	@mkdir -p $(dir $@)
	@echo "  CC      $@"
	@$(HOST_CC) $(GC_CFLAGS) -c $< -o $@

$(BUILD)/host/gc-san/%.o: lib/%.c
	@mkdir -p $(dir $@)
	@echo "  CC      $@"
	@$(HOST_CC) $(GC_CFLAGS) $(GC_SAN) -c $< -o $@

$(BUILD)/user/gc/%.o: lib/%.c
	@mkdir -p $(dir $@)
	@echo "  MUSL-CC $@"
	@$(MUSL_CC) $(GC_CFLAGS) -c $< -o $@

$(GC_HOST_LIB): $(GC_HOST_OBJ)
	@echo "  AR      $@"
	@rm -f $@ && ar rcs $@ $^
$(GC_SAN_LIB): $(GC_SAN_OBJ)
	@echo "  AR      $@"
	@rm -f $@ && ar rcs $@ $^
$(GC_USER_LIB): $(GC_USER_OBJ)
	@echo "  AR      $@"
	@rm -f $@ && ar rcs $@ $^

# ---- tests ------------------------------------------------------------------
GC_TEST_SRC := tests/lib/gc/gc_tests.c tests/lib/gc/gc_tests_graph.c tests/lib/gc/gc_tests_threads.c \
	tests/lib/gc/gc_tests_generational.c
GC_TEST_HDR := tests/lib/gc/gc_test.h

$(BUILD)/host/gc_tests: $(GC_TEST_SRC) $(GC_TEST_HDR) $(GC_SAN_LIB)
	@echo "  CC      $@"
	@$(HOST_CC) $(GC_TEST_CFLAGS) $(GC_SAN) $(GC_TEST_SRC) $(GC_SAN_LIB) -o $@
$(BUILD)/user/gc_tests: $(GC_TEST_SRC) $(GC_TEST_HDR) $(GC_USER_LIB)
	@echo "  MUSL-CC $@"
	@$(MUSL_CC) -static $(GC_TEST_CFLAGS) $(GC_TEST_SRC) $(GC_USER_LIB) -o $@

$(BUILD)/host/gc_leaky: tests/lib/gc/leaky.c $(GC_SAN_LIB)
	@echo "  CC      $@"
	@$(HOST_CC) $(GC_TEST_CFLAGS) $(GC_SAN) $< $(GC_SAN_LIB) -o $@
$(BUILD)/user/gc_leaky: tests/lib/gc/leaky.c $(GC_USER_LIB)
	@echo "  MUSL-CC $@"
	@$(MUSL_CC) -static $(GC_TEST_CFLAGS) $< $(GC_USER_LIB) -o $@

# The same bdwgc program against our gc.h and against Debian's.
$(BUILD)/host/gc_bdwgc: tests/lib/gc/bdwgc_prog.c $(GC_SAN_LIB)
	@echo "  CC      $@"
	@$(HOST_CC) $(GC_TEST_CFLAGS) $(GC_SAN) $< $(GC_SAN_LIB) -o $@
$(BUILD)/host/gc_bdwgc_boehm: tests/lib/gc/bdwgc_prog.c
	@echo "  CC      $@"
	@$(HOST_CC) -std=gnu11 -O2 -Wall -Wextra -Werror $< -lgc -o $@
$(BUILD)/user/gc_bdwgc: tests/lib/gc/bdwgc_prog.c $(GC_USER_LIB)
	@echo "  MUSL-CC $@"
	@$(MUSL_CC) -static $(GC_TEST_CFLAGS) $< $(GC_USER_LIB) -o $@

# bdwgc programs (tests/lib/gc/bdwgc/): each built against Debian's libgc
# (NAME_boehm, the expected output) and against ours: on the host with UBSan
# (run in all three modes through PAGODA_GC_MODE) and as static musl
# binaries for Pagoda, where bdwgc_NAME_incr / _gen link a constructor that
# switches the mode on (Pagoda's test runner passes no environment).
BDWGC_PROGS := finalize weak typed debug misc rope lisp
BDWGC_DIR := tests/lib/gc/bdwgc
BDWGC_HOST := $(BDWGC_PROGS:%=$(BUILD)/host/bdwgc/%) $(BDWGC_PROGS:%=$(BUILD)/host/bdwgc/%_boehm)
BDWGC_USER := $(foreach p,$(BDWGC_PROGS),$(BUILD)/user/bdwgc_$(p) $(BUILD)/user/bdwgc_$(p)_incr \
	$(BUILD)/user/bdwgc_$(p)_gen)

$(BUILD)/host/bdwgc/%_boehm: $(BDWGC_DIR)/%.c $(BDWGC_DIR)/bdwgc_test.h
	@mkdir -p $(dir $@)
	@echo "  CC      $@"
	@$(HOST_CC) -std=gnu11 -O2 -Wall -Wextra -Werror $< -lgc -o $@
$(BUILD)/host/bdwgc/%: $(BDWGC_DIR)/%.c $(BDWGC_DIR)/bdwgc_test.h $(GC_SAN_LIB)
	@mkdir -p $(dir $@)
	@echo "  CC      $@"
	@$(HOST_CC) $(GC_TEST_CFLAGS) $(GC_SAN) $< $(GC_SAN_LIB) -o $@
$(BUILD)/user/bdwgc_%_incr: $(BDWGC_DIR)/%.c $(BDWGC_DIR)/bdwgc_test.h $(BDWGC_DIR)/mode_incremental.c $(GC_USER_LIB)
	@echo "  MUSL-CC $@"
	@$(MUSL_CC) -static $(GC_TEST_CFLAGS) $< $(BDWGC_DIR)/mode_incremental.c $(GC_USER_LIB) -o $@
$(BUILD)/user/bdwgc_%_gen: $(BDWGC_DIR)/%.c $(BDWGC_DIR)/bdwgc_test.h $(BDWGC_DIR)/mode_generational.c $(GC_USER_LIB)
	@echo "  MUSL-CC $@"
	@$(MUSL_CC) -static $(GC_TEST_CFLAGS) $< $(BDWGC_DIR)/mode_generational.c $(GC_USER_LIB) -o $@
$(BUILD)/user/bdwgc_%: $(BDWGC_DIR)/%.c $(BDWGC_DIR)/bdwgc_test.h $(GC_USER_LIB)
	@echo "  MUSL-CC $@"
	@$(MUSL_CC) -static $(GC_TEST_CFLAGS) $< $(GC_USER_LIB) -o $@

# ---- benchmark ---------------------------------------------------------------
GC_BENCH_CFLAGS := -std=gnu11 -O2 -Wall -Wextra -Werror

$(BUILD)/host/gcbench_pagoda: bench/gcbench.c bench/gcbench_trees.h $(GC_HOST_LIB)
	@echo "  CC      $@"
	@$(HOST_CC) $(GC_BENCH_CFLAGS) -Ilib/include $< $(GC_HOST_LIB) -o $@
$(BUILD)/host/gcbench_boehm: bench/gcbench.c bench/gcbench_trees.h
	@echo "  CC      $@"
	@$(HOST_CC) $(GC_BENCH_CFLAGS) $< -lgc -o $@
$(BUILD)/host/gcbench_malloc: bench/gcbench.c bench/gcbench_trees.h bench/gcbench_malloc/gc.h
	@echo "  CC      $@"
	@$(HOST_CC) $(GC_BENCH_CFLAGS) -Ibench/gcbench_malloc $< -o $@
GCPAUSE_SRC := bench/gcpause.c bench/gcpause.h bench/gcbench_trees.h
$(BUILD)/host/gcpause_pagoda: $(GCPAUSE_SRC) bench/gcpause_pagoda.c $(GC_HOST_LIB)
	@echo "  CC      $@"
	@$(HOST_CC) $(GC_BENCH_CFLAGS) -Ilib/include bench/gcpause.c bench/gcpause_pagoda.c $(GC_HOST_LIB) -o $@
$(BUILD)/host/gcpause_boehm: $(GCPAUSE_SRC) bench/gcpause_boehm.c
	@echo "  CC      $@"
	@$(HOST_CC) $(GC_BENCH_CFLAGS) bench/gcpause.c bench/gcpause_boehm.c -lgc -o $@
$(BUILD)/user/gcbench: bench/gcbench.c bench/gcbench_trees.h $(GC_USER_LIB)
	@echo "  MUSL-CC $@"
	@$(MUSL_CC) -static $(GC_BENCH_CFLAGS) -Ilib/include $< $(GC_USER_LIB) -o $@
# The pause benchmark for inside Pagoda: ours with musl, libgc as Debian
# ships it (libgc.a) in a static glibc program, which Pagoda runs too.
$(BUILD)/user/gcpause_pagoda: $(GCPAUSE_SRC) bench/gcpause_pagoda.c $(GC_USER_LIB)
	@echo "  MUSL-CC $@"
	@$(MUSL_CC) -static $(GC_BENCH_CFLAGS) -Ilib/include bench/gcpause.c bench/gcpause_pagoda.c $(GC_USER_LIB) -o $@
$(BUILD)/user/gcpause_boehm: $(GCPAUSE_SRC) bench/gcpause_boehm.c
	@echo "  CC      $@ (static, glibc + libgc.a)"
	@$(HOST_CC) -static $(GC_BENCH_CFLAGS) bench/gcpause.c bench/gcpause_boehm.c -lgc -lpthread -o $@

# ---- targets -------------------------------------------------------------------
.PHONY: host-gc user-gc test-gc bench-gc bench-gc-pagoda
host-gc: $(GC_HOST_LIB)

user-gc: $(GC_USER_LIB) $(GC_USER_BINS)

test-gc: $(GC_HOST_BINS) $(GC_USER_BINS)
	@sh tests/lib/gc/run_tests.sh $(BUILD)

bench-gc: $(GC_BENCH_BINS)
	@sh bench/gcbench_run.sh $(BUILD)/host
	@sh bench/gcpause_run.sh $(BUILD)/host

# The same pause table inside Pagoda, one boot per configuration, in guest
# instructions (-icount shift=0: exact, so one round); the cache at 1/8 size.
bench-gc-pagoda: $(BUILD)/user/gcpause_pagoda $(BUILD)/user/gcpause_boehm
	@ROUNDS=1 SCALE=3 UNIT="millions of guest instructions" \
	  RUNNER="tools/pagoda-run --icount --mem 1G --timeout 3600" sh bench/gcpause_run.sh $(BUILD)/user

-include $(GC_HOST_OBJ:.o=.d) $(GC_SAN_OBJ:.o=.d) $(GC_USER_OBJ:.o=.d)
