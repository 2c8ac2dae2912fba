#!/bin/sh
# gen_ksyms.sh KERNEL.elf > ksyms.c
# The kernel's text symbols, sorted by address, as C data in section .ksyms.
# linker.ld places .ksyms after .rodata and before .data, so relinking with
# the real table moves no function: the addresses stay true.
set -e
echo '#include "kernel/ksyms.h"'
echo '__attribute__((section(".ksyms"))) const struct ksym ksym_table[] = {'
if [ -n "$1" ]; then
  nm -n "$1" | awk '$2 ~ /^[tTwW]$/ && $3 !~ /^\./ { printf "\t{ 0x%s, \"%s\" },\n", $1, $3; n++ }'
fi
echo '	{ 0, "" }'
echo '};'
if [ -n "$1" ]; then
  n=$(nm -n "$1" | awk '$2 ~ /^[tTwW]$/ && $3 !~ /^\./' | wc -l)
else
  n=0
fi
echo "__attribute__((section(\".ksyms\"))) const unsigned ksym_count = $n;"
