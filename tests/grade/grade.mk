# tests/grade/grade.mk: the lab kit's programs, included by the top-level
# Makefile (which defines BUILD, MUSL_CC, HOST_CC and the malloc/GC builds).
#
#   build/user/grade          every public graded case (tests/grade/*.c), /test/grade
#   build/user/mdriver_lab    the trace driver on the student's lib/mm.c, /bin/mdriver_lab
#   build/host/mdriver_lab    the same on the host
#   make grade [LAB=name] [TESTS=dir]   tools/grade: one boot per test, Score: N/M,
#                                       build/grade/LAB.json (Gradescope) and .xml (JUnit)
#   make test-labs        the kit's complete proof (tools/labproof.py)
#
# mdriver_lab links the student's allocator and musl's own malloc for the C
# library; every other program keeps Pagoda's allocator, so a broken mm.c
# cannot break the shell.

GRADE_SRC := $(filter-out tests/grade/hidden/%,$(wildcard tests/grade/*.c))
GRADE_BIN := $(BUILD)/user/grade
GRADE_CFLAGS := -static -O2 -Wall -Wextra -Werror -std=gnu11 -Itests/grade -Ilib/include \
	-fno-stack-clash-protection

$(GRADE_BIN): $(GRADE_SRC) tests/grade/grade.h $(GC_USER_LIB) $(MALLOC_USER)/libpagoda_malloc.a
	@mkdir -p $(dir $@)
	@echo "  MUSLCC  $@"
	@$(MUSL_CC) $(GRADE_CFLAGS) $(GRADE_SRC) $(GC_USER_LIB) $(MALLOC_USER_LDLIBS) -o $@

MDRIVER_LAB_OBJ = $(MALLOC_DRIVER_SRC:%.c=$(1)/malloc/%.o) $(1)/malloc/lib/memlib.o $(1)/malloc/lib/malloc_report.o

$(MALLOC_USER)/malloc/lib/mm.o $(MALLOC_HOST)/malloc/lib/mm.o: lib/mm.c $(MALLOC_HDRS)
$(MALLOC_USER)/mdriver_lab: $(call MDRIVER_LAB_OBJ,$(MALLOC_USER)) $(MALLOC_USER)/malloc/lib/mm.o
	$(MUSL_CC) -static -o $@ $^ -lm
$(MALLOC_HOST)/mdriver_lab: $(call MDRIVER_LAB_OBJ,$(MALLOC_HOST)) $(MALLOC_HOST)/malloc/lib/mm.o
	$(HOST_CC) -o $@ $^ -lm

GRADE_USER_BINS := $(GRADE_BIN) $(MALLOC_USER)/mdriver_lab

.PHONY: grade test-labs
grade: all $(MALLOC_HOST)/mdriver_lab
	@python3 tools/grade $(if $(LAB),--lab $(LAB)) $(if $(TESTS),--tests $(TESTS))

# The lab kit's complete proof (make test runs a quicker one): every handout
# built and booted on its own, the malloc lab included, every variant alone.
test-labs: all
	python3 tests/run.py labs_complete
