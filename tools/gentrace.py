#!/usr/bin/env python3
"""gentrace.py - Pagoda's own malloc-lab traces, generated from a seed.

The CS:APP traces live outside the project (../shared/traces/malloclab) and
are not copied into it; these generated traces let the tests and the benchmark
run where that directory does not exist. Each imitates the *kind* of workload
of one CS:APP trace (they are not copies):

  gen-prog{1..4}-bal   program-like: a size mix of small records, 4 KiB buffers
                       and a few larger arrays, phases of growth and teardown,
                       frees biased to recent blocks (amptjp, cccp, cp-decl, expr)
  gen-coalescing-bal   two 4095-byte blocks freed, one 8190-byte block asked for
  gen-random{,2}-bal   uniformly random sizes and random interleaving
  gen-binary{,2}-bal   small and large blocks interleaved, the large freed, then
                       slightly larger ones asked for (defeats naive placement)
  gen-realloc{,2}-bal  one block grown by realloc while small blocks come and go
  gen-short{1,2}-bal   a dozen operations, for debugging

Usage: gentrace.py [--seed N] [--out DIR]   (default seed 1, out build/traces/gen)
The same seed gives byte-identical files (own PRNG, not Python's `random`,
whose algorithms may change between versions). Every trace is balanced: each
id is allocated once and freed once.
"""
import argparse
import os


class Rng:
    """xorshift64*: small, fast, and stable across Python versions."""

    def __init__(self, seed):
        self.s = (seed * 0x9E3779B97F4A7C15 + 1) & 0xFFFFFFFFFFFFFFFF or 1

    def next(self):
        s = self.s
        s ^= s >> 12
        s ^= (s << 25) & 0xFFFFFFFFFFFFFFFF
        s ^= s >> 27
        self.s = s
        return (s * 0x2545F4914F6CDD1D) & 0xFFFFFFFFFFFFFFFF

    def below(self, n):
        return self.next() % n

    def between(self, lo, hi):
        return lo + self.below(hi - lo + 1)

    def chance(self, percent):
        return self.below(100) < percent


class Trace:
    def __init__(self):
        self.ops = []
        self.ids = 0
        self.live = {}

    def alloc(self, size):
        i = self.ids
        self.ids += 1
        self.ops.append("a %d %d" % (i, size))
        self.live[i] = size
        return i

    def realloc(self, i, size):
        self.ops.append("r %d %d" % (i, size))
        self.live[i] = size

    def free(self, i):
        self.ops.append("f %d" % i)
        del self.live[i]

    def free_all(self, order=None):
        for i in (order if order is not None else list(self.live)):
            self.free(i)

    def text(self):
        peak, live, cur = 0, {}, 0
        for op in self.ops:
            f = op.split()
            i = int(f[1])
            cur -= live.pop(i, 0)
            if f[0] != "f":
                live[i] = int(f[2])
                cur += live[i]
            peak = max(peak, cur)
        head = "%d\n%d\n%d\n1\n" % (peak * 2 + 100, self.ids, len(self.ops))
        return head + "\n".join(self.ops) + "\n"


# ---- program-like -----------------------------------------------------------

PROG_MIX = [  # (weight, lo, hi): sizes a compiler-like program asks for
    (30, 4072, 4072), (5, 2040, 2040), (12, 72, 72), (11, 160, 160), (8, 5, 16),
    (8, 17, 48), (3, 456, 456), (4, 120, 120), (3, 1008, 1008), (2, 5476, 5476),
    (1, 10852, 10852), (13, 1, 4000),
]


def prog_size(rng):
    pick = rng.below(sum(w for w, _, _ in PROG_MIX))
    for w, lo, hi in PROG_MIX:
        if pick < w:
            return rng.between(lo, hi)
        pick -= w
    raise AssertionError


def gen_prog(rng, n):
    t = Trace()
    stack = []
    while t.ids < n:
        grow = 75 if (t.ids // 500) % 2 == 0 else 40  # phases of growth and teardown
        if not stack or rng.chance(grow):
            stack.append(t.alloc(prog_size(rng)))
        else:  # mostly free recent blocks, sometimes an old one
            k = len(stack) - 1 - min(rng.below(8), len(stack) - 1)
            if rng.chance(10):
                k = rng.below(len(stack))
            t.free(stack.pop(k))
    t.free_all(reversed(stack))
    return t


# ---- the patterns -------------------------------------------------------------

def gen_coalescing(rng, rounds):
    t = Trace()
    for _ in range(rounds):
        a, b = t.alloc(4095), t.alloc(4095)
        t.free(a)
        t.free(b)
        t.free(t.alloc(8190))
    return t


def gen_random(rng, n, max_size):
    t = Trace()
    live = []
    while t.ids < n or live:
        if t.ids < n and (not live or rng.chance(50)):
            live.append(t.alloc(rng.between(1, max_size)))
        else:
            k = rng.below(len(live))
            live[k], live[-1] = live[-1], live[k]
            t.free(live.pop())
    return t


def gen_binary(rng, n, small, large, larger):
    t = Trace()
    bigs = []
    for _ in range(n):
        t.alloc(small)
        bigs.append(t.alloc(large))
    for i in bigs:
        t.free(i)
    for _ in range(n):
        t.alloc(larger)
    t.free_all()
    return t


def gen_realloc(rng, n, first, step, other):
    t = Trace()
    grow = t.alloc(first)
    prev = t.alloc(other)
    size = first
    for _ in range(n):
        size += step
        t.realloc(grow, size)
        cur = t.alloc(other)
        t.free(prev)
        prev = cur
    t.free(prev)
    t.free(grow)
    return t


def gen_short(rng, variant):
    t = Trace()
    a, b = t.alloc(2040), t.alloc(2040 if variant == 1 else 4010)
    c = t.alloc(48)
    if variant == 1:
        t.free(b)
    d, e = t.alloc(4072), t.alloc(4072)
    t.free_all()
    return t


def traces(seed):
    r = Rng(seed)
    return {
        "gen-prog1-bal": gen_prog(Rng(seed * 10 + 1), 2800),
        "gen-prog2-bal": gen_prog(Rng(seed * 10 + 2), 2900),
        "gen-prog3-bal": gen_prog(Rng(seed * 10 + 3), 3300),
        "gen-prog4-bal": gen_prog(Rng(seed * 10 + 4), 2700),
        "gen-coalescing-bal": gen_coalescing(r, 2400),
        "gen-random-bal": gen_random(Rng(seed * 10 + 5), 2400, 32768),
        "gen-random2-bal": gen_random(Rng(seed * 10 + 6), 2400, 32768),
        "gen-binary-bal": gen_binary(r, 2000, 64, 448, 512),
        "gen-binary2-bal": gen_binary(r, 4000, 16, 112, 128),
        "gen-realloc-bal": gen_realloc(r, 2400 + r.below(200), 512, 128, 128),
        "gen-realloc2-bal": gen_realloc(r, 2400 + r.below(200), 4092, 5, 16),
        "gen-short1-bal": gen_short(r, 1),
        "gen-short2-bal": gen_short(r, 2),
    }


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--out", default="build/traces/gen")
    args = ap.parse_args()
    os.makedirs(args.out, exist_ok=True)
    for name, t in traces(args.seed).items():
        with open(os.path.join(args.out, name + ".rep"), "w") as f:
            f.write(t.text())


if __name__ == "__main__":
    main()
