#!/bin/sh
# gcbench_run.sh DIR: make bench-gc. Runs DIR/gcbench_{pagoda,boehm,malloc}
# ROUNDS times, interleaved so that load from other processes falls on all
# three alike, and reports per allocator the best wall time, the largest peak
# heap, the largest max RSS and the collections; then the summary line
#   gc: ms=N heap_mib=N boehm_ms=N boehm_heap_mib=N ratio=N.NN
# (ratio = Pagoda's best time / Boehm's best time). Exits 1 if a run failed.
D=${1:-build/host}
ROUNDS=${ROUNDS:-5}
out=$(mktemp)
trap 'rm -f "$out"' EXIT
i=0
while [ $i -lt "$ROUNDS" ]; do
	timeout 60 "$D/gcbench_pagoda" pagoda >>"$out" || exit 1
	timeout 60 "$D/gcbench_boehm" boehm >>"$out" || exit 1
	timeout 60 "$D/gcbench_malloc" malloc free >>"$out" || exit 1
	i=$((i + 1))
done
awk -v rounds="$ROUNDS" '
function val(field,   i, kv) {
	for (i = 3; i <= NF; i++) { split($i, kv, "="); if (kv[1] == field) return kv[2] + 0 }
	return -1
}
/^gcbench / {
	name = $2; sub(":", "", name)
	ms = val("ms"); heap = val("heap_mib"); rss = val("rss_mib"); gcs = val("gcs")
	if (!(name in best) || ms < best[name]) best[name] = ms
	if (heap > peak[name]) peak[name] = heap
	if (rss > maxrss[name]) maxrss[name] = rss
	coll[name] = gcs
}
END {
	printf "GCBench (stretch depth 18, long-lived depth 16, 500,000 doubles, depths 4..16), best of %d runs\n", rounds
	printf "%-28s %8s %10s %10s %6s\n", "allocator", "time ms", "peak heap", "max RSS", "GCs"
	split("pagoda boehm malloc", order, " ")
	label["pagoda"] = "Pagoda GC (lib/gc_*.c)"
	label["boehm"] = "Boehm GC 8.2 (libgc)"
	label["malloc"] = "glibc malloc/free"
	for (k = 1; k <= 3; k++) {
		n = order[k]
		printf "%-28s %8d %7.1f MiB %6.1f MiB %6d\n", label[n], best[n], peak[n], maxrss[n], coll[n]
	}
	printf "gc: ms=%d heap_mib=%d boehm_ms=%d boehm_heap_mib=%d ratio=%.2f\n", best["pagoda"],
	       peak["pagoda"] + 0.5, best["boehm"], peak["boehm"] + 0.5, best["pagoda"] / best["boehm"]
}' "$out"
