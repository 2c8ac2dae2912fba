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
  lru2   two lists as Linux: new pages enter the inactive list; a page found
         referenced twice on the inactive tail moves to the active list; the
         active tail is demoted while active is over 3/4 of inactive; an
         evicted page leaves a shadow (the eviction count), and a page that
         refaults within as many evictions as there are pages on the lists
         enters the active list at once (refault distance, Linux's
         mm/workingset.c) (the kernel's mm/replace_lru2.c)

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


class TwoLists:
    """lru2's state: the lists run from head (newest, the right end of a
    deque) to tail (left end); `accessed` is the MMU's bit, `referenced` the
    policy's own (Linux's PG_referenced); `shadow` the eviction count when
    each evicted page left."""

    def __init__(self):
        self.active, self.inactive = collections.deque(), collections.deque()
        self.accessed, self.referenced, self.on_active = {}, {}, {}
        self.shadow, self.evictions = {}, 0

    def add(self, p):
        self.accessed[p], self.referenced[p] = True, False
        evicted = self.shadow.pop(p, None)
        recent = evicted is not None and self.evictions - evicted <= len(self.active) + len(self.inactive)
        self.on_active[p] = recent
        (self.active if recent else self.inactive).append(p)

    def shrink_active(self):
        """Demote from the active tail while active is over 3/4 of inactive; a
        page accessed since its last look goes round the active list once more."""
        while 4 * len(self.active) > 3 * len(self.inactive):
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


def sim_lru2(refs, frames):
    lists, faults = TwoLists(), 0
    for p in refs:
        if p in lists.accessed:
            lists.accessed[p] = True
            continue
        faults += 1
        if len(lists.accessed) == frames:
            lists.evict_one()
        lists.add(p)
    return faults


POLICIES = {"min": sim_min, "lru": sim_lru, "fifo": sim_fifo, "clock": sim_clock, "lru2": sim_lru2}


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
