#!/usr/bin/env python3
"""swapstudy: the offline study behind bench/README.md's "Clock on hotscan,
lru2 on shift": clock variants, lru2 variants and reuse distances, on the
strings bench-swap records (tools/refstrings.py), at a frame count.

Owns study models only; the models of the kernel's policies, MIN, LRU and
the reference bounds (ARC, LIRS) are tools/swapsim.py's, which this reuses.
Every figure is major faults (faults - distinct pages), as swapsim's.

  clock variants (each still "second chance on the accessed bit"):
    where a new page enters (just behind the hand, or under it), whether the
    faulting access's bit counts, how many pages reclaim frees per run (the
    kernel frees a batch down to a watermark), a use count per page
    (gclock, max age 1..7), and a two-handed clock (the front hand clears,
    the back hand, `spread` pages behind, evicts).
  lru2 variants: the active:inactive ratio and the refault-distance
    threshold (a multiple of the pages on the lists), with and without
    shadow entries.
  reuse distances: for each re-reference, the distinct pages used since the
    last use of the same page, in bands of the frame count F: a reference
    with distance >= F misses under LRU, and one >= 2F is beyond the history
    ARC keeps (c resident + c ghosts).

usage: tools/swapstudy.py DIR FRAMES [clock|lru2|reuse]...
       DIR holds KIND.ref for seq random loop shift hotscan (build/bench/swap)
"""
import collections
import os
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import refstrings  # noqa: E402
import swapsim  # noqa: E402

KINDS = ("seq", "random", "loop", "shift", "hotscan")


def clock_variant(refs, frames, age_max=0, batch=1, enter="behind", fault_bit=True):
    """Clock with ages: a set bit -> cleared, age + 1 (up to age_max); a
    clear bit -> age - 1, or the victim at age 0 (age_max 0: classic).
    When full, reclaim frees `batch` pages in one run of the hand."""
    ring, age, bit, faults = collections.deque(), {}, {}, 0
    for p in refs:
        if p in age:
            bit[p] = True
            continue
        faults += 1
        if len(age) == frames:
            while len(age) > frames - batch:
                q = ring.popleft()
                if bit[q]:
                    bit[q], age[q] = False, min(age_max, age[q] + 1)
                elif age[q]:
                    age[q] -= 1
                else:
                    del age[q], bit[q]
                    continue
                ring.append(q)
        age[p], bit[p] = 0, fault_bit
        ring.append(p) if enter == "behind" else ring.appendleft(p)
    return faults


def two_handed(refs, frames, spread):
    """The front hand, `spread` slots ahead of the back one, clears bits;
    the back hand evicts the first page whose bit is still clear."""
    ring, where, bit, back, faults = [], {}, {}, 0, 0
    for p in refs:
        if p in where:
            bit[p] = True
            continue
        faults += 1
        if len(ring) < frames:
            where[p] = len(ring)
            ring.append(p)
        else:
            while True:
                bit[ring[(back + spread) % frames]] = False
                if not bit[ring[back]]:
                    break
                back = (back + 1) % frames
            del where[ring[back]], bit[ring[back]]
            ring[back], where[p] = p, back
            back = (back + 1) % frames
        bit[p] = True
    return faults


def lru2_variant(refs, frames, ratio=(3, 4), threshold=1.0, shadows=True):
    """swapsim's lru2 with active <= ratio[0]/ratio[1] of inactive and a
    refault activating when distance <= threshold * pages on the lists."""
    return swapsim.sim_lru2(refs, frames, ratio=ratio, threshold=threshold, shadows=shadows)


def reuse_bands(refs, frames):
    """Re-references by reuse distance: < F, F..2F, >= 2F (a Fenwick tree
    over the times of each page's last use)."""
    n, tree, last = len(refs), [0] * (len(refs) + 1), {}
    bands = collections.Counter()

    def add(i, v):
        i += 1
        while i <= n:
            tree[i] += v
            i += i & -i

    def upto(i):
        s, i = 0, i + 1
        while i > 0:
            s += tree[i]
            i -= i & -i
        return s

    for t, p in enumerate(refs):
        if p in last:
            d = upto(t - 1) - upto(last[p])
            add(last[p], -1)
            bands["<F" if d < frames else "F..2F" if d < 2 * frames else ">=2F"] += 1
        add(t, 1)
        last[p] = t
    return bands


CLOCKS = [("classic", {}), ("classic, batch 128", {"batch": 128}),
          ("enters under the hand", {"enter": "under"}), ("fault's bit not counted", {"fault_bit": False})] + \
    [("gclock max %d" % m, {"age_max": m}) for m in (1, 3, 5, 7)] + \
    [("gclock max %d, batch 128" % m, {"age_max": m, "batch": 128}) for m in (3, 7)]
LRU2S = [("3:4, shadows (kernel)", {}), ("3:4, no shadows", {"shadows": False}),
         ("3:4, threshold 2x", {"threshold": 2.0}), ("1:1, shadows", {"ratio": (1, 1)}),
         ("1:2, shadows", {"ratio": (1, 2)}), ("1:4, shadows", {"ratio": (1, 4)}),
         ("1:4, no shadows", {"ratio": (1, 4), "shadows": False})]


def row(name, counts, lru):
    cells = " ".join("%6d %5s" % (c, "(%.2f)" % (c / l) if l else "") for c, l in zip(counts, lru))
    print("%-28s %s" % (name, cells), flush=True)


def study(strings, frames, what):
    cold = {k: len(set(r)) for k, r in strings.items()}
    lru = [swapsim.major_faults(strings[k], frames, "lru") for k in KINDS]
    print("%-28s %s   (major faults, x exact LRU)" % ("%d frames" % frames, " ".join("%12s" % k for k in KINDS)))
    row("min", [swapsim.major_faults(strings[k], frames, "min") for k in KINDS], lru)
    row("lru", lru, lru)
    if what == "clock":
        for name, kw in CLOCKS:
            row(name, [clock_variant(strings[k], frames, **kw) - cold[k] for k in KINDS], lru)
        for s in (frames // 4, frames // 2, 3 * frames // 4):
            row("two-handed, spread %d" % s, [two_handed(strings[k], frames, s) - cold[k] for k in KINDS], lru)
    if what == "lru2":
        for name, kw in LRU2S:
            row("lru2 " + name, [lru2_variant(strings[k], frames, **kw) - cold[k] for k in KINDS], lru)
        for m in ("arc", "lirs"):
            row(m, [swapsim.major_faults(strings[k], frames, m) for k in KINDS], lru)
    if what == "reuse":
        for k in KINDS:
            print("%-8s %s" % (k, dict(reuse_bands(strings[k], frames))))


def main(argv):
    if len(argv) < 3:
        sys.stderr.write(__doc__)
        return 2
    strings = {k: refstrings.read(os.path.join(argv[1], k + ".ref"))[1] for k in KINDS}
    for what in argv[3:] or ("clock", "lru2", "reuse"):
        study(strings, int(argv[2]), what)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
