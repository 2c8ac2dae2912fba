# Pagoda - top-level Makefile (skeleton; the kernel build lands next).
BUILD    := build
HOST_CC  := gcc
MUSL_CC  := musl-gcc

.PHONY: all
all:

-include lib/malloc.mk
-include lib/gc.mk
