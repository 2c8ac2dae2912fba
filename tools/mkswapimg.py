#!/usr/bin/env python3
"""mkswapimg: make a sparse swap image with Linux's swap header (as `mkswap` writes it).

usage: tools/mkswapimg.py IMAGE SIZE        (SIZE like 256M, 1G, or bytes)

Pagoda enables the first disk whose page 0 ends with "SWAPSPACE2"
(mm/swapfile.c). The image is sparse: only the header page takes room.
`mkswap IMAGE` on the host makes an equivalent one.
"""
import os
import struct
import sys
import uuid

PAGE = 4096


def parse_size(text):
    units = {"K": 1 << 10, "M": 1 << 20, "G": 1 << 30}
    text = text.strip().upper().rstrip("B")
    if text and text[-1] in units:
        return int(float(text[:-1]) * units[text[-1]])
    return int(text)


def make_swap_image(path, size):
    """A sparse file of `size` bytes (rounded down to pages) with a version-1 swap header."""
    pages = size // PAGE
    if pages < 2:
        raise ValueError("a swap image needs at least 2 pages")
    header = bytearray(PAGE)
    # union swap_header: bootbits[1024], version, last_page, nr_badpages, uuid[16], volume_name[16]
    struct.pack_into("<III", header, 1024, 1, pages - 1, 0)
    header[1036:1052] = uuid.uuid4().bytes
    header[1052:1068] = b"pagoda-swap".ljust(16, b"\0")
    header[PAGE - 10:] = b"SWAPSPACE2"
    with open(path, "wb") as f:
        f.write(header)
        f.truncate(pages * PAGE)


def main(argv):
    if len(argv) != 3:
        sys.exit(__doc__.strip().split("\n\n")[1])
    make_swap_image(argv[1], parse_size(argv[2]))


if __name__ == "__main__":
    main(sys.argv)
