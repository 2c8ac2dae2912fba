#!/usr/bin/env python3
"""swapsim: page replacement, simulated offline on a reference string.

Owns the reference models bench-swap prints beside the kernel's counts: for
a string (tools/refstrings.py) and a number of frames F, the faults each
policy takes. Every model holds at most F pages, starts empty, and faults on
a reference to a page it does not hold; the first reference to each page is
a cold (compulsory) miss, which the kernel counts as a minor fault (a
demand-zero page), so `major` = faults - distinct pages is what compares
with the kernel's ru_majflt.

  min    Belady's optimal: evict the page whose next use is farthest away
  lru    exact least-recently-used
  fifo   evict the page loaded longest ago (the kernel's mm/replace_fifo.c)
  clock  second chance on the accessed bit: the hand clears set bits and
         evicts the first clear one (the kernel's mm/replace_clock.c)
  gclock clock with a use count: the hand adds one to a page's age for a
         set bit (up to 7) and takes one away otherwise; age 0 and no bit:
         the victim (the kernel's mm/replace_gclock.c)
  lru2   two lists as Linux: new pages enter the inactive list; a page found
         referenced twice on the inactive tail moves to the active list; the
         active tail is demoted while active is over 3/4 of inactive; an
         evicted page leaves a shadow (the eviction count), and a page that
         refaults within as many evictions as there are pages on the lists
         enters the active list at once (refault distance, Linux's
         mm/workingset.c) (the kernel's mm/replace_lru2.c)

Reference bounds, not kernel policies (what online policies that keep
more history than lru2 could do): arc (Megiddo and Modha 2003: recency and
frequency lists whose balance adapts, with ghost lists of c evicted pages)
and lirs (Jiang and Zhang 2002: pages ranked by inter-reference recency,
1% of the frames for the others; its recency stack unbounded).

The accessed bit is the MMU's (Intel's A bit): every reference sets it,
including the faulting one, and only the policy clears it.

usage: tools/swapsim.py FILE FRAMES [POLICY...]     (default: all)
"""
import collections
import heapq
import sys

INF = float("inf")


def sim_min(refs, frames):
    nxt, last = [INF] * len(refs), {}
    for i in range(len(refs) - 1, -1, -1):
        nxt[i] = last.get(refs[i], INF)
        last[refs[i]] = i
    resident, heap, faults = {}, [], 0
    for i, p in enumerate(refs):
        if p not in resident:
            faults += 1
            if len(resident) == frames:
                evict_farthest(resident, heap)
        resident[p] = nxt[i]
        heapq.heappush(heap, (-nxt[i], p))
    return faults


def evict_farthest(resident, heap):
    while True:
        neg, p = heapq.heappop(heap)
        if resident.get(p) == -neg:   # a stale entry otherwise
            del resident[p]
            return


def sim_lru(refs, frames):
    order, faults = collections.OrderedDict(), 0
    for p in refs:
        if p in order:
            order.move_to_end(p)
            continue
        faults += 1
        if len(order) == frames:
            order.popitem(last=False)
        order[p] = True
    return faults


def sim_fifo(refs, frames):
    queue, resident, faults = collections.deque(), set(), 0
    for p in refs:
        if p in resident:
            continue
        faults += 1
        if len(resident) == frames:
            resident.discard(queue.popleft())
        queue.append(p)
        resident.add(p)
    return faults


def sim_clock(refs, frames):
    ring, where, accessed, hand, faults = [], {}, {}, 0, 0
    for p in refs:
        if p in where:
            accessed[p] = True
            continue
        faults += 1
        if len(ring) < frames:
            where[p] = len(ring)
            ring.append(p)
        else:
            while accessed[ring[hand]]:
                accessed[ring[hand]] = False
                hand = (hand + 1) % frames
            del where[ring[hand]], accessed[ring[hand]]
            ring[hand], where[p] = p, hand
            hand = (hand + 1) % frames
        accessed[p] = True
    return faults


def sim_gclock(refs, frames, age_max=7):
    ring, age, accessed, faults = collections.deque(), {}, {}, 0
    for p in refs:
        if p in age:
            accessed[p] = True
            continue
        faults += 1
        while len(age) == frames:
            q = ring.popleft()
            if accessed[q]:
                accessed[q], age[q] = False, min(age_max, age[q] + 1)
            elif age[q]:
                age[q] -= 1
            else:
                del age[q], accessed[q]
                continue
            ring.append(q)
        ring.append(p)
        age[p], accessed[p] = 0, True
    return faults


class TwoLists:
    """lru2's state: the lists run from head (newest, the right end of a
    deque) to tail (left end); `accessed` is the MMU's bit, `referenced` the
    policy's own (Linux's PG_referenced); `shadow` the eviction count when
    each evicted page left. Active is kept at or below ratio[0]/ratio[1] of
    inactive; a refault goes straight to active when its distance is at most
    threshold times the pages on the lists (never, without shadows)."""

    def __init__(self, ratio=(3, 4), threshold=1.0, shadows=True):
        self.ratio, self.threshold, self.shadows = ratio, threshold, shadows
        self.active, self.inactive = collections.deque(), collections.deque()
        self.accessed, self.referenced, self.on_active = {}, {}, {}
        self.shadow, self.evictions = {}, 0

    def add(self, p):
        self.accessed[p], self.referenced[p] = True, False
        evicted = self.shadow.pop(p, None)
        limit = self.threshold * (len(self.active) + len(self.inactive))
        recent = self.shadows and evicted is not None and self.evictions - evicted <= limit
        self.on_active[p] = recent
        (self.active if recent else self.inactive).append(p)

    def shrink_active(self):
        """Demote from the active tail while active is over its share of
        inactive; a page accessed since its last look goes round the active
        list once more."""
        num, den = self.ratio
        while den * len(self.active) > num * len(self.inactive):
            p = self.active.popleft()
            if self.accessed[p]:
                self.accessed[p] = False
                self.active.append(p)
            else:
                self.referenced[p], self.on_active[p] = False, False
                self.inactive.append(p)

    def evict_one(self):
        while True:
            self.shrink_active()
            p = self.inactive.popleft()
            if not self.accessed[p]:
                del self.accessed[p], self.referenced[p], self.on_active[p]
                self.evictions += 1
                self.shadow[p] = self.evictions
                return p
            self.accessed[p] = False
            if self.referenced[p]:
                self.referenced[p], self.on_active[p] = False, True
                self.active.append(p)
            else:
                self.referenced[p] = True
                self.inactive.append(p)


def sim_lru2(refs, frames, **shape):
    lists, faults = TwoLists(**shape), 0
    for p in refs:
        if p in lists.accessed:
            lists.accessed[p] = True
            continue
        faults += 1
        if len(lists.accessed) == frames:
            lists.evict_one()
        lists.add(p)
    return faults


def sim_arc(refs, c):
    """ARC: t1/t2 resident (seen once / more than once), b1/b2 their ghosts;
    the target size of t1, `want`, grows on a b1 hit and shrinks on a b2 one."""
    t1, t2, b1, b2 = (collections.OrderedDict() for _ in range(4))
    state = {"want": 0}
    faults = 0

    def replace(in_b2):
        if t1 and (len(t1) > state["want"] or (in_b2 and len(t1) == state["want"])):
            b1[t1.popitem(last=False)[0]] = True
        else:
            b2[t2.popitem(last=False)[0]] = True

    for x in refs:
        if x in t1 or x in t2:
            t1.pop(x, None)
            t2[x] = True
            t2.move_to_end(x)
            continue
        faults += 1
        if x in b1 or x in b2:
            in_b2 = x in b2
            step = max(len(b1) // len(b2), 1) if in_b2 else max(len(b2) // len(b1), 1)
            state["want"] = max(0, state["want"] - step) if in_b2 else min(c, state["want"] + step)
            replace(in_b2)
            (b2 if in_b2 else b1).pop(x)
            t2[x] = True
            continue
        if len(t1) + len(b1) == c:
            if len(t1) < c:
                b1.popitem(last=False)
                replace(False)
            else:
                t1.popitem(last=False)
        elif len(t1) + len(t2) + len(b1) + len(b2) >= c:
            if len(t1) + len(t2) + len(b1) + len(b2) == 2 * c:
                b2.popitem(last=False)
            replace(False)
        t1[x] = True
    return faults


def sim_lirs(refs, frames):
    """LIRS: LIR pages (short inter-reference recency) are never evicted;
    the victim is the oldest resident HIR page (queue q); a HIR page used
    again while still in the recency stack s becomes LIR, and the LIR page
    at the stack's bottom becomes HIR."""
    n_hir = max(1, frames // 100)
    s, q, lir, resident, faults = collections.OrderedDict(), collections.OrderedDict(), set(), set(), 0

    def prune():
        while s and next(iter(s)) not in lir:
            s.popitem(last=False)

    def demote_bottom():
        b = s.popitem(last=False)[0]
        lir.discard(b)
        q[b] = True
        prune()

    for x in refs:
        if x in lir:
            s[x] = True
            s.move_to_end(x)
            prune()
            continue
        if x not in resident:
            faults += 1
            if len(lir) < frames - n_hir:
                lir.add(x)
                resident.add(x)
                s[x] = True
                s.move_to_end(x)
                continue
            if len(resident) == frames:
                resident.discard(q.popitem(last=False)[0])
            resident.add(x)
        q.pop(x, None)
        if x in s:
            s.move_to_end(x)
            lir.add(x)
            demote_bottom()
        else:
            s[x] = q[x] = True
    return faults


POLICIES = {"min": sim_min, "lru": sim_lru, "fifo": sim_fifo, "clock": sim_clock, "gclock": sim_gclock,
            "lru2": sim_lru2, "arc": sim_arc, "lirs": sim_lirs}


def major_faults(refs, frames, policy):
    """Faults minus cold misses: what the kernel counts as major faults."""
    return POLICIES[policy](refs, frames) - len(set(refs))


def main(argv):
    if len(argv) < 3:
        sys.stderr.write(__doc__)
        return 2
    sys.path.insert(0, __file__.rsplit("/", 1)[0])
    import refstrings
    fields, refs = refstrings.read(argv[1])
    frames = int(argv[2])
    print("%s: %d references to %d pages, %d frames" % (fields["kind"], len(refs), len(set(refs)), frames))
    for name in argv[3:] or POLICIES:
        print("%-6s %8d major faults" % (name, major_faults(refs, frames, name)))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
