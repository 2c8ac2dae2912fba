#!/bin/sh
# gcpause_run.sh DIR: the pause table of make bench-gc. Runs DIR/gcpause_pagoda
# in stop-the-world, incremental, manual (incremental with the program's
# write barrier, bdwgc's manual VDB: the cache only) and generational modes
# and DIR/gcpause_boehm (Debian's libgc) in its default, incremental and
# manual modes, on the GCBench trees
# and on the cache workload (bench/gcpause.c), ROUNDS times each, interleaved.
# Per configuration it keeps the run with the best time and prints its time,
# peak heap, max and 99th-percentile pause, pause count and the longest stall
# the program saw; then the goals, checked per workload:
#   max pause of a Pagoda mode <= 1/4 of libgc's stop-the-world max pause,
#   at a peak heap <= libgc's stop-the-world peak heap,
#   total time <= 1.2 x Pagoda's stop-the-world time.
#
# Inside Pagoda (make bench-gc-pagoda): RUNNER is the command that runs each
# program (tools/pagoda-run --icount ...), so every time is virtual: under
# -icount shift=0 one nanosecond is one guest instruction, and "ms" reads as
# millions of guest instructions (exact and repeatable: ROUNDS=1 is enough).
# SCALE divides the cache workload by 2^SCALE (bench/gcpause.c); WORKLOADS
# picks some of "trees cache".
D=${1:-build/host}
ROUNDS=${ROUNDS:-3}
RUNNER=${RUNNER:-timeout 300}
SCALE=${SCALE:-0}
UNIT=${UNIT:-ms}
WORKLOADS=${WORKLOADS:-trees cache}
out=$(mktemp)
trap 'rm -f "$out"' EXIT
i=0
while [ $i -lt "$ROUNDS" ]; do
	for w in $WORKLOADS; do
		manual=; [ "$w" = cache ] && manual=manual   # the trees have no write barrier
		for m in stw incremental $manual generational; do
			$RUNNER "$D/gcpause_pagoda" pagoda $m $w $SCALE >>"$out" 2>&1 ||
				echo "gcpause pagoda $m $w: FAILED" >>"$out"
		done
		for m in stw incremental $manual; do
			$RUNNER "$D/gcpause_boehm" boehm $m $w $SCALE >>"$out" 2>&1 ||
				echo "gcpause boehm $m $w: FAILED" >>"$out"
		done
	done
	i=$((i + 1))
done
awk -v rounds="$ROUNDS" -v unit="$UNIT" '
function val(field,   i, kv) {
	for (i = 5; i <= NF; i++) { split($i, kv, "="); if (kv[1] == field) return kv[2] + 0 }
	return -1
}
/^gcpause / {
	key = $2 " " $3 " " $4; sub(":", "", key)
	if ($5 == "FAILED") { failed[key] = 1; next }
	ms = val("ms")
	if (!(key in best) || ms < best[key]) {
		best[key] = ms; heap[key] = val("heap_mib"); mx[key] = val("max_us"); p99[key] = val("p99_us")
		np[key] = val("pauses"); stall[key] = val("stall_us")
	}
}
/mprotect vdb failed/ { note = 1 }
END {
	printf "GC pauses, best time of %d runs per configuration (times and pauses in %s)\n", rounds, unit
	printf "%-8s %-30s %8s %10s %9s %9s %7s %9s\n", "workload", "collector", "time", "peak heap", "max", "p99",
	       "pauses", "stall"
	split("trees cache", works, " ")
	ncfg = split("pagoda stw|pagoda incremental|pagoda manual|pagoda generational|boehm stw|boehm incremental|boehm manual", cfgs, "|")
	label["pagoda stw"] = "Pagoda stop-the-world"; label["pagoda incremental"] = "Pagoda incremental"
	label["pagoda generational"] = "Pagoda generational"; label["boehm stw"] = "Boehm 8.2 default"
	label["boehm incremental"] = "Boehm 8.2 incremental"
	label["pagoda manual"] = "Pagoda incremental, manual VDB"; label["boehm manual"] = "Boehm 8.2 incr., manual VDB"
	for (w = 1; w <= 2; w++) {
		for (c = 1; c <= ncfg; c++) {
			k = cfgs[c] " " works[w]
			if (cfgs[c] ~ /manual/ && works[w] == "trees") continue
			if (k in best)
				printf "%-8s %-30s %8d %6.1f MiB %9.1f %9.1f %7d %9.1f\n", works[w], label[cfgs[c]], best[k],
				       heap[k], mx[k] / 1000, p99[k] / 1000, np[k], stall[k] / 1000
			else
				printf "%-8s %-30s %s\n", works[w], label[cfgs[c]], (k in failed) ? "failed" : "no run"
		}
	}
	for (w = 1; w <= 2; w++) {
		b = "boehm stw " works[w]; s = "pagoda stw " works[w]
		for (c = 2; c <= 4; c++) {
			k = cfgs[c] " " works[w]
			if (!(k in best) || !(b in best)) continue
			printf "goal %s %s: max pause %.1f <= %.1f (1/4 of Boehm STW) %s; heap %.1f <= %.1f MiB %s; time %d <= %d (1.2 x ours STW) %s\n",
			       works[w], cfgs[c], mx[k] / 1000, mx[b] / 4000, mx[k] <= mx[b] / 4 ? "met" : "NOT met",
			       heap[k], heap[b], heap[k] <= heap[b] ? "met" : "NOT met", best[k], best[s] * 1.2,
			       best[k] <= best[s] * 1.2 ? "met" : "NOT met"
		}
	}
	if (note) print "note: libgc aborted (\"mprotect vdb failed\", ENOMEM: its page protections split the heap into more mappings than vm.max_map_count allows)"
}' "$out"
