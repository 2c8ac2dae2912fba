# Pagoda: the whole build in one file, read top to bottom.
#
#   make            build/kernel.elf, build/kernel.bin and build/pagoda.iso
#   make run        boot in QEMU on this terminal (GRAPHIC=1: VGA console too)
#   make run-iso    the same through SeaBIOS and GRUB from the ISO, as a real machine
#   make test       build everything, run every test, end with "N passed, N failed"
#   make grade      a lab's graded tests, one boot each (LAB=name; tests/grade/grade.mk)
#   make qemu-gdb   boot paused, waiting for gdb on $(GDBPORT)
#   make gdb        attach gdb (in another terminal)
#   make clean      remove build/
#
# A missing tool is installed by tools/setup.sh (apt-get; sudo when not root).

BUILD    := build
HOST_CC  := gcc
MUSL_CC  := musl-gcc
CC       := gcc
LD       := ld
NASM     := nasm
QEMU     := qemu-system-x86_64

.DEFAULT_GOAL := all
.DELETE_ON_ERROR:

# ---- tools -----------------------------------------------------------------
# Order-only: runs every time (it only checks files) but never forces a rebuild.
.PHONY: setup
setup:
	@tools/setup.sh

# ---- kernel ----------------------------------------------------------------
KERNEL_CFLAGS := -std=gnu11 -O2 -g -Wall -Wextra -Werror -MD -MP \
	-ffreestanding -fno-builtin -nostdlib -fno-pic -fno-pie -mcmodel=kernel -mno-red-zone \
	-mgeneral-regs-only -mno-sse -mno-mmx -mno-80387 \
	-fno-omit-frame-pointer -mno-omit-leaf-frame-pointer -fno-stack-protector \
	-fno-asynchronous-unwind-tables -fno-strict-aliasing -I.
KERNEL_LDFLAGS := -n -nostdlib -z max-page-size=0x1000 -z noexecstack -T linker.ld

KERNEL_C   := $(wildcard kernel/*.c mm/*.c fs/*.c fs/*/*.c block/*.c drivers/*.c tests/ktest/*.c)
KERNEL_ASM := $(wildcard boot/*.asm kernel/*.asm)
KERNEL_OBJ := $(KERNEL_ASM:%.asm=$(BUILD)/%.asm.o) $(KERNEL_C:%.c=$(BUILD)/%.o)

$(BUILD)/%.o: %.c | setup
	@mkdir -p $(dir $@)
	@echo "  CC      $<"
	@$(CC) $(KERNEL_CFLAGS) -c $< -o $@

$(BUILD)/%.asm.o: %.asm boot/boot.inc kernel/trapframe.inc | setup
	@mkdir -p $(dir $@)
	@echo "  NASM    $<"
	@$(NASM) -f elf64 -I. $< -o $@

# Two links: the first, with an empty symbol table, tells the addresses; the
# second carries the table (linker.ld keeps .text from moving between them).
$(BUILD)/ksyms0.c: tools/gen_ksyms.sh
	@mkdir -p $(BUILD)
	tools/gen_ksyms.sh > $@
$(BUILD)/kernel.tmp.elf: $(KERNEL_OBJ) $(BUILD)/ksyms0.o linker.ld
	$(LD) $(KERNEL_LDFLAGS) -o $@ $(KERNEL_OBJ) $(BUILD)/ksyms0.o
$(BUILD)/ksyms.c: $(BUILD)/kernel.tmp.elf tools/gen_ksyms.sh
	tools/gen_ksyms.sh $< > $@
$(BUILD)/ksyms0.o $(BUILD)/ksyms.o: $(BUILD)/%.o: $(BUILD)/%.c
	@echo "  CC      $<"
	@$(CC) $(KERNEL_CFLAGS) -c $< -o $@
$(BUILD)/kernel.elf: $(BUILD)/kernel.tmp.elf $(BUILD)/ksyms.o
	$(LD) $(KERNEL_LDFLAGS) -o $@ $(KERNEL_OBJ) $(BUILD)/ksyms.o
	@nm -n $< | grep -i ' t ' > $(BUILD)/syms.1; nm -n $@ | grep -i ' t ' > $(BUILD)/syms.2; \
	  cmp -s $(BUILD)/syms.1 $(BUILD)/syms.2 || { echo "ksyms: text moved between links"; rm -f $@; exit 1; }
	objdump -d -M intel -S $@ > $(BUILD)/kernel.asm 2>/dev/null

# ---- user programs and the ramdisk -----------------------------------------
# user/user.mk builds init, the shell, tools and the test programs as static
# musl binaries into build/user/bin; the ramdisk puts them in /bin or /test
# (INITRD_TESTS below).
include user/user.mk

# One program built as a static PIE with the host's gcc (glibc), to show
# the loader relocating an ET_DYN image (musl-gcc here cannot make one).
PIE_BIN := $(BUILD)/user/pie/demo_lazy_pie
$(PIE_BIN): user/demo_lazy.c | setup
	@mkdir -p $(dir $@)
	@echo "  GCC-PIE $<"
	@$(HOST_CC) -static-pie -fPIE -O2 $< -o $@

# The user-space library (lib/): host builds, tests and benchmarks, and the
# musl builds of its programs and traces for the ramdisk.
include lib/malloc.mk
include lib/gc.mk
include tests/grade/grade.mk

# A hostile-but-valid ELF: its segment sits where the stack goes (regression).
HIGH_BIN := $(BUILD)/user/elf/high_segment
$(HIGH_BIN): tests/elf/high_segment.c | setup
	@mkdir -p $(dir $@)
	@echo "  GCC     $<"
	@$(HOST_CC) -static -nostdlib -O2 -mcmodel=large -fno-pie -no-pie -Wl,-Ttext-segment=0x7fffffff0000 $< -o $@

# Small ext2 images made on the host (mke2fs -d from tests/fs/mkseed.py's
# tree), in the ramdisk's /images: the ext2 ktests mount copies of them on
# RAM disks, check them and fuzz them.
EXT2_IMAGES := $(BUILD)/images/ext2-1k.img $(BUILD)/images/ext2-4k.img
$(BUILD)/images/seed.stamp: tests/fs/mkseed.py | setup
	@mkdir -p $(dir $@)
	python3 tests/fs/mkseed.py $(BUILD)/images/seed
	@touch $@
$(BUILD)/images/ext2-1k.img: $(BUILD)/images/seed.stamp
	mke2fs -q -F -t ext2 -b 1024 -N 128 -d $(BUILD)/images/seed $@ 1M
$(BUILD)/images/ext2-4k.img: $(BUILD)/images/seed.stamp
	mke2fs -q -F -t ext2 -b 4096 -N 128 -d $(BUILD)/images/seed $@ 2M

# The swap lab's graded string (tests/grade/swap.tests), shaped for the
# frames a process gets when /test/grade runs at --mem 32M (about 2000, the
# ramdisk taking much of RAM), and its replay program; both go to /test.
SWAP_LAB_FILES := $(BUILD)/bench/swapreplay $(BUILD)/refs/swap_hotscan.ref

# The ramdisk's /bin holds what a student runs (init, the shell, tools,
# demos, crash among them, busybox and bash); /test holds the test programs and their data
# (notelf and shtest.sh sit beside the tests that open them; notelf is also
# demo_mmapcopy's default file in /bin). This list is the one place that says
# which program is a test; tools/pagoda-run reads it from $(BUILD)/initrd.tests.
TEST_HELPERS  := runner killinit oomvictim rawout softdirty sysfuzz fsparallel swapfail reclaimcheck workingset
INITRD_TESTS  := $(HIGH_BIN) $(PIE_BIN) $(GRADE_BIN) $(SWAP_LAB_FILES) \
	$(addprefix $(USER_BIN_DIR)/,$(TEST_HELPERS) $(filter-out crash,$(USER_TESTS)) $(SHELL_TESTS) notelf shtest.sh) \
	$(filter %/malloc_selftest %/malloc_debugtest,$(MALLOC_USER_BINS)) $(filter-out %/gcbench,$(GC_USER_BINS))
INITRD_FILES  := $(filter-out $(INITRD_TESTS),$(USER_BINS) $(USER_DATA) $(MALLOC_USER_BINS) $(GC_USER_BINS) \
	$(GRADE_USER_BINS)) $(USER_BIN_DIR)/notelf
INITRD_TRACES := $(MALLOC_USER_TRACES)

# `make run EXTRA="prog1 prog2"` adds your programs; the list is remembered in
# a file that changes only when EXTRA does, so the ramdisk is rebuilt then.
$(BUILD)/extra.list: FORCE
	@mkdir -p $(BUILD)
	@echo "$(EXTRA)" | cmp -s - $@ || echo "$(EXTRA)" > $@
.PHONY: FORCE
FORCE:

$(BUILD)/initrd.cpio: tools/mkinitrd.sh $(INITRD_FILES) $(INITRD_TESTS) $(INITRD_TRACES) $(EXT2_IMAGES) $(EXTRA) $(BUILD)/extra.list | setup
	tools/mkinitrd.sh $@ $(INITRD_FILES) $(EXTRA) --dir test $(INITRD_TESTS) --dir traces $(INITRD_TRACES) \
		--dir images $(EXT2_IMAGES)
	@echo $(notdir $(INITRD_TESTS)) | tr ' ' '\n' > $(BUILD)/initrd.tests

$(BUILD)/pagoda.iso: $(BUILD)/kernel.elf $(BUILD)/initrd.cpio iso/grub.cfg
	@rm -rf $(BUILD)/isodir && mkdir -p $(BUILD)/isodir/boot/grub
	cp $(BUILD)/kernel.elf $(BUILD)/initrd.cpio $(BUILD)/isodir/boot/
	cp iso/grub.cfg $(BUILD)/isodir/boot/grub/
	grub-mkrescue -o $@ $(BUILD)/isodir 2> $(BUILD)/grub-mkrescue.log || { cat $(BUILD)/grub-mkrescue.log; exit 1; }

# What QEMU's -kernel loads (boot/multiboot1.asm): the image as it lies in
# memory from physical __boot_start, since QEMU loads no 64-bit ELF file.
$(BUILD)/kernel.bin: $(BUILD)/kernel.elf
	objcopy -O binary $< $@

# The default disk: 16 MiB of ext2 (1 KiB blocks, revision 1), made once;
# `make run` writes to it, `rm build/disk.img` starts afresh.
$(BUILD)/disk.img: | setup
	@mkdir -p $(BUILD)
	@echo "  MKE2FS  $@"
	@mke2fs -q -F -t ext2 -b 1024 -L pagoda $@ 16M

.PHONY: all
all: $(BUILD)/pagoda.iso $(BUILD)/kernel.bin $(BUILD)/disk.img

# ---- running ---------------------------------------------------------------
# TCG only (no KVM on these machines). SMEP/SMAP are offered so the kernel
# uses them; isa-debug-exit lets the kernel end QEMU with a status.
MEM      ?= 128M
QEMU_CPU ?= qemu64,+smep,+smap,+pdpe1gb
# DISK=IMG attaches a raw disk image as /dev/vda (ext2 on it is mounted at
# /mnt); without DISK, build/disk.img, a fresh ext2 image the build makes.
DISK     ?= $(BUILD)/disk.img
# `make run` boots by QEMU's -kernel (multiboot1: QEMU copies the kernel and
# the ramdisk into memory itself); `make run-iso` through the firmware and GRUB
# from the ISO, as a real machine would (multiboot2), which takes seconds more.
QEMU_ARGS := -machine pc -cpu $(QEMU_CPU) -m $(MEM) -no-reboot -nic none \
	-device isa-debug-exit,iobase=0xf4,iosize=0x04 \
	-drive file=$(DISK),format=raw,if=virtio
BOOT_DIRECT := -kernel $(BUILD)/kernel.bin -initrd $(BUILD)/initrd.cpio
BOOT_ISO := -cdrom $(BUILD)/pagoda.iso -boot d
# SMP=N boots N CPUs (multi-threaded TCG: one host thread per CPU); `make test
# SMP=N` boots every test with N CPUs (tests/run.py reads it as PAGODA_SMP).
SMP      ?= 1
ifneq ($(strip $(SMP)),1)
QEMU_ARGS += -smp $(SMP) -accel tcg,thread=multi
endif
# SWAP=SIZE (e.g. 256M) also attaches build/swap.img, a fresh sparse swap
# disk (tools/mkswapimg.py, Linux's header), as the next virtio disk.
ifneq ($(strip $(SWAP)),)
QEMU_ARGS += -drive file=$(BUILD)/swap.img,format=raw,if=virtio
SWAP_IMG := $(BUILD)/swap.img
endif
GDBPORT  ?= $(shell expr `id -u` % 5000 + 25000)
ifeq ($(GRAPHIC),1)
CMDLINE  += vga
RUN_ARGS := -display curses -serial file:$(BUILD)/serial.log
else
RUN_ARGS := -display none -serial mon:stdio
endif
ifneq ($(strip $(CMDLINE)),)
RUN_ARGS += -fw_cfg name=opt/pagoda/cmdline,string="$(strip $(CMDLINE))"
endif

.PHONY: run run-iso qemu-gdb gdb
run: $(BUILD)/kernel.bin $(BUILD)/initrd.cpio $(BUILD)/disk.img | setup
	$(if $(SWAP_IMG),python3 tools/mkswapimg.py $(SWAP_IMG) $(SWAP))
	@echo "Booting Pagoda (quit: Ctrl-A X; kernel command line additions: '$(CMDLINE)')"
	$(QEMU) $(QEMU_ARGS) $(BOOT_DIRECT) $(RUN_ARGS) || true

run-iso: $(BUILD)/pagoda.iso $(BUILD)/disk.img | setup
	$(if $(SWAP_IMG),python3 tools/mkswapimg.py $(SWAP_IMG) $(SWAP))
	@echo "Booting Pagoda from the ISO through GRUB (quit: Ctrl-A X; kernel command line additions: '$(CMDLINE)')"
	$(QEMU) $(QEMU_ARGS) $(BOOT_ISO) $(RUN_ARGS) || true

qemu-gdb: $(BUILD)/kernel.bin $(BUILD)/initrd.cpio $(BUILD)/disk.img | setup
	@echo "QEMU paused; gdb stub on port $(GDBPORT). In another terminal: make gdb GDBPORT=$(GDBPORT)"
	$(QEMU) $(QEMU_ARGS) $(BOOT_DIRECT) $(RUN_ARGS) -S -gdb tcp::$(GDBPORT) || true

gdb: | setup
	gdb -q -ex "file $(BUILD)/kernel.elf" -ex "target remote localhost:$(GDBPORT)" -x tools/gdb/pagoda.gdb

# ---- tests -----------------------------------------------------------------
.PHONY: test
test: all $(BUILD)/bench/linux_init | setup
	PAGODA_SMP=$(SMP) python3 tests/run.py

# Long hostile runs, not part of `make test`: ext2 on thousands of corrupted
# images; fuzzed syscalls at scale, exhaustion at 32 MiB and a soak under
# debug_vm (figures: calls tried, panics, hangs, leaked frames).
.PHONY: test-hostile
test-hostile: all | setup
	python3 tests/run.py ext2_fuzz hostile_long

# ---- benchmarks (bench/README.md) --------------------------------------------
$(BUILD)/bench/vmcost: bench/vmcost.c bench/vmops.h bench/icount.h | setup
	@mkdir -p $(dir $@)
	$(MUSL_CC) -static -O2 -Wall -Wextra -Werror $< -o $@

.PHONY: bench-vm
bench-vm: all $(BUILD)/bench/vmcost
	@tools/setup.sh --bench
	python3 bench/vmcost_compare.py

$(BUILD)/bench/vmscale: bench/vmscale.c bench/vmops.h bench/icount.h | setup
	@mkdir -p $(dir $@)
	$(MUSL_CC) -static -O2 -Wall -Wextra -Werror $< -o $@

.PHONY: bench-scale
bench-scale: all $(BUILD)/bench/vmscale
	@tools/setup.sh --bench
	python3 bench/vmscale_compare.py

$(BUILD)/bench/smpcost: bench/smpcost.c bench/spinners.h bench/icount.h user/vmcounters.h | setup
	@mkdir -p $(dir $@)
	$(MUSL_CC) -static -O2 -Wall -Wextra -Werror $< -o $@

$(BUILD)/bench/thpcost: bench/thpcost.c bench/icount.h user/vmcounters.h | setup
	@mkdir -p $(dir $@)
	$(MUSL_CC) -static -O2 -Wall -Wextra -Werror $< -o $@

.PHONY: bench-smp
bench-smp: all $(BUILD)/bench/smpcost $(BUILD)/bench/thpcost $(BUILD)/bench/linux_init
	@tools/setup.sh --bench
	python3 bench/smpcost_compare.py

$(BUILD)/bench/kprof_op: bench/kprof_op.c bench/spinners.h | setup
	@mkdir -p $(dir $@)
	$(MUSL_CC) -static -O2 -Wall -Wextra -Werror $< -o $@

$(BUILD)/bench/filecost: bench/filecost.c bench/icount.h | setup
	@mkdir -p $(dir $@)
	$(MUSL_CC) -static -O2 -Wall -Wextra -Werror $< -o $@

$(BUILD)/bench/linux_init: bench/linux_init.c | setup
	@mkdir -p $(dir $@)
	$(MUSL_CC) -static -O2 -Wall -Wextra -Werror $< -o $@

.PHONY: bench-file
bench-file: all $(BUILD)/bench/filecost $(BUILD)/bench/linux_init
	@tools/setup.sh --bench
	python3 bench/filecost_compare.py

$(BUILD)/refs/swap_hotscan.ref: tools/refstrings.py
	@mkdir -p $(dir $@)
	python3 tools/refstrings.py hotscan1 2000 --out $@

$(BUILD)/bench/swapreplay: bench/swapreplay.c bench/icount.h | setup
	@mkdir -p $(dir $@)
	$(MUSL_CC) -static -O2 -Wall -Wextra -Werror $< -o $@

# Replacement policies (swap_policy=) against MIN and exact LRU on recorded
# reference strings, plus the thrash sweep: bench/swap_compare.py.
# JOBS=N runs N of its boots at once (the counts do not depend on timing).
.PHONY: bench-swap
bench-swap: all $(BUILD)/bench/swapreplay $(BUILD)/bench/kprof_op
	python3 bench/swap_compare.py --jobs $(or $(JOBS),1)

.PHONY: print-user-tests
print-user-tests:
	@echo $(USER_TESTS)

.PHONY: clean
clean:
	rm -rf $(BUILD)

-include $(KERNEL_C:%.c=$(BUILD)/%.d)

