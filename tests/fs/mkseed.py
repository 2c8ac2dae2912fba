#!/usr/bin/env python3
"""mkseed.py DIR: the tree the ext2 test images are made from (mke2fs -d DIR).

hello.txt; big.bin, 300 KiB of a fixed pattern (with 1 KiB blocks its last
blocks sit in the double-indirect range); dir/ with 60 small files;
sub/deeper/file; link -> hello.txt and longlink (a 109-byte target). The ktests in tests/ktest/ext2_test.c know these names.
"""
import os
import shutil
import sys


def pattern(n, salt=0):
    return bytes((((i + salt) * 2654435761) >> 13) & 0xff for i in range(n))


def main():
    root = sys.argv[1]
    shutil.rmtree(root, ignore_errors=True)
    os.makedirs(os.path.join(root, "dir"))
    os.makedirs(os.path.join(root, "sub", "deeper"))
    with open(os.path.join(root, "hello.txt"), "w") as f:
        f.write("hello from the host\n")
    with open(os.path.join(root, "big.bin"), "wb") as f:
        f.write(pattern(300 * 1024))
    for i in range(60):
        with open(os.path.join(root, "dir", "e%02d" % i), "w") as f:
            f.write("entry %d\n" % i)
    with open(os.path.join(root, "sub", "deeper", "file"), "w") as f:
        f.write("deep\n")
    os.symlink("hello.txt", os.path.join(root, "link"))                        # fast: in the inode
    os.symlink("sub/deeper/" + "x" * 90 + "/../file", os.path.join(root, "longlink"))   # in a block


if __name__ == "__main__":
    main()
