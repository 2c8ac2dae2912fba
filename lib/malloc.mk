# lib/malloc.mk - the user-space allocator (issues 7, 17), included by the
# top-level Makefile, which defines BUILD, HOST_CC and MUSL_CC.
#
#   make host-malloc    build/host/libpagoda_malloc.a (core + debug layer, no
#                       malloc/free names), build/host/mdriver, and for Linux
#                       programs build/host/libpagoda_malloc.so (LD_PRELOAD: the
#                       core, the debug layer and the libc shim, thread- and
#                       fork-safe) and build/host/libmtrace.so (tools/mtrace's
#                       recorder); headers are lib/include/pagoda_malloc.h (API)
#                       and lib/memlib.h
#   make user-malloc    the same with musl-gcc: build/user/libpagoda_malloc.a
#                       (core + debug layer + the libc shim that defines malloc,
#                       free, ...), build/user/mdriver and the programs below,
#                       static, replacing musl's malloc everywhere
#   make test-malloc    unit tests under ASan+UBSan, shadow-model stress, one
#                       test per debug detector, the driver over generated,
#                       CS:APP and hand-written Autolab traces (host and musl
#                       builds), real programs under the .so, tools/mtrace;
#                       PASS/FAIL lines (tests/lib/malloc/run.py lists them)
#   make traces         record the corpus of real programs' traces
#                       (tools/mkcorpus.sh) into build/traces/corpus/
#   make bench-malloc   mdriver (ours vs glibc, the lab's scores and bounds) on
#                       the eleven *-bal traces and the corpus, then one replay
#                       binary under six allocators (bench/malloc_bench.py)
#
# Linking the allocator into a static musl program so that it replaces musl's
# malloc:  musl-gcc -static prog.o $(MALLOC_USER_LDLIBS)
# (-u malloc makes the linker take the shim from the archive before libc.a's
# strdup, printf, ... ask for a malloc; --wrap=pthread_create lets the
# allocator see a program's first thread and start locking, malloc_lock.h.)
#
# ---- inside Pagoda ----------------------------------------------------------
# MALLOC_USER_BINS go on the ramdisk (as /bin/<name>), and MALLOC_USER_TRACES
# under /traces/ (file names kept). Each command exits 0 on success, non-zero on failure:
#   malloc_selftest                     brk-backed heap, replacement of musl's
#                                       malloc (strdup, asprintf, fopen, memstream),
#                                       mmap'd blocks, a 200k-op stress with checks
#   mdriver -S                          "C library calls reach the Pagoda allocator"
#   mdriver -c /traces/short1-bal.rep /traces/short2-bal.rep
#                                       correctness with mm_checkheap after every op
#   mdriver -v /traces/*-bal.rep        every trace: correctness, utilisation, speed
#                                       (list the files if the shell cannot glob;
#                                       -p 1 shortens the timing under emulation)
#   malloc_debugtest clean              exits 0, prints nothing
#   PAGODA_MALLOC_DEBUG=1 malloc_debugtest leak   exits 0 after listing 2 leaks
#   PAGODA_MALLOC_DEBUG=1 malloc_debugtest double_free   (and invalid_free,
#       interior_free, overflow, underflow, use_after_free, use_after_free_reuse)
#                                       must print "pagoda malloc: <bug>" and abort
#                                       (non-zero status: SIGABRT)
# (PAGODA_MALLOC_DEBUG needs an environment; without it the test program takes
#  --debug as its first argument, which sets the variable and re-executes itself
#  through /proc/self/exe or else argv[0], so give it by its full path.)

MALLOC_CORE_SRC := lib/malloc.c lib/malloc_small.c lib/malloc_span.c lib/malloc_fits.c lib/malloc_huge.c \
	lib/heapcheck.c lib/malloc_debug.c lib/malloc_debug_layer.c lib/malloc_guard.c lib/malloc_report.c lib/memlib.c
MALLOC_SHIM_SRC := lib/malloc_libc.c
MALLOC_WRAP_SRC := lib/malloc_threads_wrap.c
MALLOC_PRELOAD_SRC := $(MALLOC_CORE_SRC) $(MALLOC_SHIM_SRC) lib/malloc_preload.c
MALLOC_DRIVER_SRC := lib/mdriver/mdriver.c lib/mdriver/trace.c lib/mdriver/shadow.c lib/mdriver/score.c
MALLOC_HDRS := lib/include/pagoda_malloc.h lib/malloc_internal.h lib/malloc_report.h lib/memlib.h \
	lib/malloc_lock.h \
	lib/mdriver/trace.h lib/mdriver/shadow.h lib/mdriver/score.h

MALLOC_EMPTY :=
MALLOC_SPACE := $(MALLOC_EMPTY) $(MALLOC_EMPTY)
MALLOC_COMMA := ,
MALLOC_CFLAGS := -std=gnu11 -O2 -g -Wall -Wextra -Werror -fno-strict-aliasing -Ilib
MALLOC_HOST := $(BUILD)/host
MALLOC_USER := $(BUILD)/user
MALLOC_TRACES := ../shared/traces/malloclab
MALLOC_GEN := $(BUILD)/traces/gen
MALLOC_BAL := amptjp cccp cp-decl expr coalescing random random2 binary binary2 realloc realloc2

MALLOC_HOST_OBJ := $(MALLOC_CORE_SRC:%.c=$(MALLOC_HOST)/malloc/%.o)
MALLOC_USER_OBJ := $(MALLOC_CORE_SRC:%.c=$(MALLOC_USER)/malloc/%.o) \
	$(MALLOC_SHIM_SRC:%.c=$(MALLOC_USER)/malloc/%.o) $(MALLOC_WRAP_SRC:%.c=$(MALLOC_USER)/malloc/%.o)
MALLOC_PIC_OBJ := $(MALLOC_PRELOAD_SRC:%.c=$(MALLOC_HOST)/malloc-pic/%.o)
MALLOC_ASAN_OBJ := $(MALLOC_CORE_SRC:%.c=$(MALLOC_HOST)/malloc-asan/%.o)

MALLOC_USER_BINS := $(MALLOC_USER)/mdriver $(MALLOC_USER)/malloc_selftest \
	$(MALLOC_USER)/malloc_debugtest
MALLOC_USER_LDLIBS := -Wl,-u,malloc -Wl,--wrap=pthread_create $(MALLOC_USER)/libpagoda_malloc.a
# Traces for the ramdisk's /traces/: the generated set always, the CS:APP set
# when ../shared has it (copied into the image at build time, never into the repo),
# and a hand-written trace that uses every rule of the Autolab format.
MALLOC_GEN_NAMES := prog1 prog2 prog3 prog4 coalescing random random2 binary binary2 \
	realloc realloc2 short1 short2
MALLOC_USER_TRACES := $(MALLOC_GEN_NAMES:%=$(MALLOC_GEN)/gen-%-bal.rep) \
	$(wildcard $(MALLOC_TRACES)/*-bal.rep) tests/lib/malloc/traces/autolab-rules.rep

# ---- object files: one pattern rule per output tree --------------------------
$(MALLOC_HOST)/malloc/%.o: %.c $(MALLOC_HDRS)
	@mkdir -p $(dir $@)
	$(HOST_CC) $(MALLOC_CFLAGS) -c $< -o $@

$(MALLOC_HOST)/malloc-asan/%.o: %.c $(MALLOC_HDRS)
	@mkdir -p $(dir $@)
	$(HOST_CC) $(MALLOC_CFLAGS) -O1 -fsanitize=address,undefined -fno-sanitize-recover=all \
		-fno-omit-frame-pointer -c $< -o $@

$(MALLOC_HOST)/malloc-pic/%.o: %.c $(MALLOC_HDRS)
	@mkdir -p $(dir $@)
	$(HOST_CC) $(MALLOC_CFLAGS) -fPIC -fvisibility=hidden -c $< -o $@

$(MALLOC_USER)/malloc/%.o: %.c $(MALLOC_HDRS)
	@mkdir -p $(dir $@)
	$(MUSL_CC) $(MALLOC_CFLAGS) -c $< -o $@

# ---- libraries and driver ----------------------------------------------------
$(MALLOC_HOST)/libpagoda_malloc.a: $(MALLOC_HOST_OBJ)
	rm -f $@ && ar rcs $@ $^

$(MALLOC_USER)/libpagoda_malloc.a: $(MALLOC_USER_OBJ)
	rm -f $@ && ar rcs $@ $^

# tools/mtrace's recorder: glibc's malloc, each call written to a trace.
$(MALLOC_HOST)/libmtrace.so: tools/mtrace_preload.c
	@mkdir -p $(dir $@)
	$(HOST_CC) $(MALLOC_CFLAGS) -fPIC -shared -o $@ $<

# For LD_PRELOAD into any glibc program (lib/malloc_preload.c).
$(MALLOC_HOST)/libpagoda_malloc.so: $(MALLOC_PIC_OBJ) lib/malloc_preload.map
	$(HOST_CC) -shared -o $@ $(MALLOC_PIC_OBJ) -Wl,--version-script=lib/malloc_preload.map

$(MALLOC_HOST)/mdriver: $(MALLOC_DRIVER_SRC:%.c=$(MALLOC_HOST)/malloc/%.o) $(MALLOC_HOST)/libpagoda_malloc.a
	$(HOST_CC) -o $@ $^ -lm

$(MALLOC_USER)/mdriver: $(MALLOC_DRIVER_SRC:%.c=$(MALLOC_USER)/malloc/%.o) $(MALLOC_USER)/libpagoda_malloc.a
	$(MUSL_CC) -static -o $@ $(filter %.o,$^) $(MALLOC_USER_LDLIBS) -lm

$(MALLOC_USER)/malloc_selftest: $(MALLOC_USER)/malloc/tests/lib/malloc/selftest.o $(MALLOC_USER)/libpagoda_malloc.a
	$(MUSL_CC) -static -o $@ $< $(MALLOC_USER_LDLIBS)

$(MALLOC_USER)/malloc_debugtest: $(MALLOC_USER)/malloc/tests/lib/malloc/debugtest.o $(MALLOC_USER)/libpagoda_malloc.a
	$(MUSL_CC) -static -o $@ $< $(MALLOC_USER_LDLIBS)

.PHONY: host-malloc user-malloc
host-malloc: $(MALLOC_HOST)/libpagoda_malloc.a $(MALLOC_HOST)/libpagoda_malloc.so $(MALLOC_HOST)/mdriver \
	$(MALLOC_HOST)/libmtrace.so
user-malloc: $(MALLOC_USER)/libpagoda_malloc.a $(MALLOC_USER_BINS)

# ---- tests ---------------------------------------------------------------------
MALLOC_TEST_DIR := tests/lib/malloc
MALLOC_ASAN_FLAGS := -fsanitize=address,undefined -fno-sanitize-recover=all

$(MALLOC_HOST)/malloc-asan/unit: $(MALLOC_HOST)/malloc-asan/$(MALLOC_TEST_DIR)/unit.o $(MALLOC_ASAN_OBJ)
	$(HOST_CC) $(MALLOC_ASAN_FLAGS) -o $@ $^

$(MALLOC_HOST)/malloc-asan/stress: $(MALLOC_HOST)/malloc-asan/$(MALLOC_TEST_DIR)/stress.o $(MALLOC_ASAN_OBJ)
	$(HOST_CC) $(MALLOC_ASAN_FLAGS) -o $@ $^

# glibc program with the shim: the debug layer replaces glibc's malloc by interposition
$(MALLOC_HOST)/malloc_debugtest: $(MALLOC_HOST)/malloc/$(MALLOC_TEST_DIR)/debugtest.o \
		$(MALLOC_HOST)/malloc/lib/malloc_libc.o $(MALLOC_HOST)/libpagoda_malloc.a
	$(HOST_CC) -o $@ $^

# Programs the LD_PRELOAD tests run under libpagoda_malloc.so: a threaded one
# (glibc, and static musl with the pthread_create wrapper), and the bug
# collection without the shim, non-PIE so that addr2line can check the
# caller addresses the debug layer reports.
$(MALLOC_HOST)/malloc_threads: $(MALLOC_TEST_DIR)/threads.c
	@mkdir -p $(dir $@)
	$(HOST_CC) $(MALLOC_CFLAGS) -pthread -o $@ $<

$(MALLOC_USER)/malloc_threads: $(MALLOC_USER)/malloc/$(MALLOC_TEST_DIR)/threads.o $(MALLOC_USER)/libpagoda_malloc.a
	$(MUSL_CC) -static -o $@ $< $(MALLOC_USER_LDLIBS)

$(MALLOC_HOST)/mtrace_prog: $(MALLOC_TEST_DIR)/mtrace_prog.c
	@mkdir -p $(dir $@)
	$(HOST_CC) $(MALLOC_CFLAGS) -o $@ $<

$(MALLOC_HOST)/malloc_debugtest_plain: $(MALLOC_TEST_DIR)/debugtest.c
	@mkdir -p $(dir $@)
	$(HOST_CC) $(MALLOC_CFLAGS) -O1 -no-pie -fno-pie -o $@ $<

$(MALLOC_GEN)/.stamp: tools/gentrace.py
	python3 tools/gentrace.py --seed 1 --out $(MALLOC_GEN)
	@touch $@
$(MALLOC_GEN_NAMES:%=$(MALLOC_GEN)/gen-%-bal.rep): $(MALLOC_GEN)/.stamp ;

MALLOC_TEST_BINS := $(MALLOC_HOST)/malloc-asan/unit $(MALLOC_HOST)/malloc-asan/stress \
	$(MALLOC_HOST)/malloc_debugtest $(MALLOC_HOST)/mdriver $(MALLOC_USER_BINS) $(MALLOC_GEN)/.stamp \
	$(MALLOC_HOST)/libpagoda_malloc.so $(MALLOC_HOST)/malloc_threads $(MALLOC_USER)/malloc_threads \
	$(MALLOC_HOST)/malloc_debugtest_plain $(MALLOC_HOST)/mtrace_prog $(MALLOC_HOST)/libmtrace.so

.PHONY: test-malloc
test-malloc: $(MALLOC_TEST_BINS)
	@MALLOC_TRACES=$(MALLOC_TRACES) python3 $(MALLOC_TEST_DIR)/run.py

# ---- traces of real programs -------------------------------------------------------
# tools/mkcorpus.sh records them with tools/mtrace into build/traces/corpus/
# (never committed: tens of MB). bench-malloc uses them beside the classic set.
MALLOC_CORPUS := $(BUILD)/traces/corpus

.PHONY: traces
traces: $(MALLOC_HOST)/libmtrace.so
	bash tools/mkcorpus.sh

# ---- benchmark -------------------------------------------------------------------
# The eleven *-bal traces: the CS:APP set when ../shared exists, else the
# generated analogues. Ours and glibc's malloc in the same run, best of 9.
MALLOC_BENCH_SET = $(if $(wildcard $(MALLOC_TRACES)/binary2-bal.rep),\
	$(MALLOC_BAL:%=$(MALLOC_TRACES)/%-bal.rep),\
	$(filter-out %short1-bal.rep %short2-bal.rep,$(MALLOC_GEN_NAMES:%=$(MALLOC_GEN)/gen-%-bal.rep)))

$(MALLOC_HOST)/mreplay: bench/mreplay.c lib/mdriver/trace.c lib/mdriver/trace.h
	@mkdir -p $(dir $@)
	$(HOST_CC) $(MALLOC_CFLAGS) -o $@ bench/mreplay.c lib/mdriver/trace.c

# 1. mdriver: ours (byte-exact lab utilisation, the bound) vs glibc linked in.
# 2. bench/malloc_bench.py: one replay binary under each allocator by LD_PRELOAD,
#    on the classic set and the corpus (make traces), page-level utilisation.
.PHONY: bench-malloc
bench-malloc: $(MALLOC_HOST)/mdriver $(MALLOC_HOST)/mreplay $(MALLOC_HOST)/libpagoda_malloc.so \
		$(MALLOC_GEN)/.stamp
	@tools/setup.sh --bench-malloc
	@if [ -f $(MALLOC_TRACES)/binary2-bal.rep ]; then \
	  echo "bench-malloc: the CS:APP set ($(MALLOC_TRACES)), host, ours vs glibc in the same run"; \
	else \
	  echo "bench-malloc: the generated set ($(MALLOC_GEN); $(MALLOC_TRACES) not found), host, ours vs glibc"; \
	fi
	@$(MALLOC_HOST)/mdriver -l -p 9 $(MALLOC_BENCH_SET)
	@if [ -d $(MALLOC_CORPUS) ]; then echo "bench-malloc: the corpus ($(MALLOC_CORPUS))"; \
	  $(MALLOC_HOST)/mdriver -l -p 3 $(MALLOC_CORPUS)/*.rep; fi
	@python3 bench/malloc_bench.py -p 5 \
	  "classic=$(subst $(MALLOC_SPACE),$(MALLOC_COMMA),$(MALLOC_BENCH_SET))" \
	  "corpus=$(subst $(MALLOC_SPACE),$(MALLOC_COMMA),$(wildcard $(MALLOC_CORPUS)/*.rep))"
