/*
 * kmain: the boot sequence, one step per line, in dependency order.
 * boot/entry64.asm calls it on the boot stack with interrupts off, the
 * temporary page tables of boot/boot_paging.asm, and GRUB's arguments.
 */
#include "cmdline.h"
#include "debug.h"
#include "console.h"
#include "fpu.h"
#include "pci.h"
#include "../fs/vfs.h"
#include "percpu.h"
#include "proc.h"
#include "qemu.h"
#include "rtc.h"
#include "gdt.h"
#include "idt.h"
#include "kernel_lock.h"
#include "ktest.h"
#include "multiboot1.h"
#include "multiboot2.h"
#include "panic.h"
#include "printk.h"
#include "serial.h"
#include "string.h"
#include "timer.h"
#include "vga.h"
#include "x86.h"
#include "../mm/faultlog.h"
#include "../mm/frame.h"
#include "../mm/kmap.h"
#include "../mm/kswapd.h"
#include "../mm/swap_readahead.h"
#include "../mm/mm.h"
#include "../mm/pcid.h"
#include "../mm/tlbflush.h"
#include "../mm/huge_page.h"
#include "../mm/replace.h"
#include "../mm/swapfile.h"
#include "../drivers/virtio_blk.h"
#include "../fs/ext2/ext2.h"

void syscall_init(void);
void smp_boot(void);
long exec_first_program(const char *words);

bool debug_vm;

static void banner(void)
{
	pr_info("\nPagoda: a teaching kernel for virtual memory (CS:APP chapter 9)\n");
	pr_info("command line: %s\n", cmdline_full());
}

/* The first process: pid 1 runs the init= program (default /bin/init). */
static void start_init(const char *words)
{
	struct proc *init = proc_alloc("init", NULL);
	if (!init)
		panic("cannot allocate the first process");
	fs_init_proc(init);
	if (copy_sighand(init, NULL, false))
		panic("cannot allocate the first process's signal actions");
	this_cpu()->current = init;   /* exec works on the current process */
	long err = exec_first_program(words && *words ? words : "/bin/init");
	this_cpu()->current = idle_proc;
	mm_activate(NULL);
	if (err) {
		printk("pagoda: cannot run init '%s': error %ld\n", words ? words : "/bin/init", err);
		qemu_exit(QEMU_EXIT_FAIL);
	}
	pr_info("boot: starting init (pid %d) at tick %lu\n", init->pid, timer_ticks());
	proc_start_user(init);
}

/* Copy the loader's info out before memory is reused: GRUB's multiboot2
 * tags, or QEMU -kernel's multiboot1 structure (boot/entry32.asm let only
 * these two magics through). */
static void parse_boot_info(uint32_t magic, paddr_t mbi)
{
	if (magic == MB1_BOOTLOADER_MAGIC)
		mb1_parse(mbi);
	else if (magic == MB2_BOOTLOADER_MAGIC)
		mb2_parse(mbi);
	else
		panic("bad multiboot magic %x", magic);
}

void kmain(uint32_t magic, paddr_t mbi)
{
	serial_init();
	percpu_init(0);                   /* GS: current_proc() works from here on */
	kernel_lock();                    /* the boot CPU's until its idle loop (kernel/kernel_lock.h) */
	parse_boot_info(magic, mbi);
	cmdline_init(boot_info.cmdline);
	console_quiet = cmdline_has("quiet");
	debug_vm = cmdline_has("debug_vm") || cmdline_has("test");
	faultlog_configure(cmdline_has("trace") ? cmdline_get("trace") : NULL,
	                   cmdline_has("faultlog") && !strcmp(cmdline_get("faultlog"), "serial"));
	banner();
	mb2_print_mmap();
	fpu_init();                       /* CR0.NE, XSAVE and XCR0 before any process exists */
	gdt_init(0);                      /* TSS and IST stacks before any exception can come */
	idt_init();
	frame_init();                     /* needs the memory map; boot tables still in use */
	kmap_init();                      /* our own page tables: from here on, W^X and guards */
	pcid_init(!cmdline_has("nopcid"));   /* address-space ids when the CPU has them (mm/pcid.c) */
	tlb_skip_shootdown = cmdline_has("tlb_skip_shootdown");   /* test only: the stale-TLB demo */
	frame_print_stats();
	replace_boot(cmdline_get("swap_policy"));   /* which page a reclaim evicts (mm/replace.h) */
	thp_boot(cmdline_get("transparent_hugepage"));   /* 2 MiB user pages: always, madvise or never */
	swap_readahead_boot(cmdline_get("swap_readahead"));   /* off unless swap_readahead=N */
	vga_init();                       /* uses the direct map */
	console_use_vga(cmdline_has("vga"));
	rtc_init();
	vfs_init();                       /* the root file system, /dev, /tmp, /proc */
	proc_init();                      /* the boot thread becomes the idle process */
	syscall_init();
	console_init();                   /* COM1 input interrupt */
	timer_init();
	pci_init();
	virtio_blk_init();                /* the disks: vda, vdb, ... */
	swap_boot();                      /* the first disk with a swap signature (mm/swapfile.c) */
	ext2_init();                      /* ext2 on /dev/vda (unless it is swap), mounted at /mnt */
	sti();
	smp_boot();                       /* the other CPUs (ACPI MADT, INIT-SIPI-SIPI): kernel/smpboot.c;
	                                     its delays count PIT ticks, so interrupts are on */
	pr_info("boot: reached kmain tail at tick %lu\n", timer_ticks());

	const char *test = cmdline_get("test");
	if (test)
		ktest_run(test);
	start_init(cmdline_get("init"));
	kswapd_start();                   /* with swap on: background reclaim (mm/kswapd.c), pid 2 */
	kernel_unlock();
	idle_loop();
}
