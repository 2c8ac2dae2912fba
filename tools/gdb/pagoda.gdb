# Pagoda's gdb setup. `make gdb` loads build/kernel.elf, connects to the QEMU
# started by `make qemu-gdb`, then runs this file.
set pagination off
set confirm off
set print pretty on
set architecture i386:x86-64

# QEMU starts in 16-bit real mode and GRUB then loads the kernel. A software
# breakpoint planted now would be overwritten when GRUB copies the image in,
# so stop once with a hardware breakpoint at the first 64-bit instruction of
# the higher half; from there on `break`, `next`, `bt` work normally.
hbreak higher_half_start
continue
delete

source tools/gdb/pagoda.py
echo \nPagoda: stopped at the first 64-bit instruction (boot/entry64.asm).\n
echo Try: break kmain / continue / bt / next / info registers\n
echo Pagoda's own commands: pfbreak, pferr, pagewalk, ptdump, vmas, pfn, procs (type: pagoda)\n
