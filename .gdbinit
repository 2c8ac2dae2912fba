# Used when gdb is started in this directory by hand (gdb needs
#   add-auto-load-safe-path /path/to/pagoda/.gdbinit
# in ~/.gdbinit to read it). `make gdb` does not need this file.
file build/kernel.elf
source tools/gdb/pagoda.gdb
