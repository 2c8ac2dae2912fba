#!/bin/sh
# run_tests.sh BUILD: the collector's test suite (make test-gc).
# Prints one PASS/FAIL line per case; exits 1 if any failed.
#   gc_*        build/host/gc_tests (glibc, UBSan)
#   gc_musl_*   build/user/gc_tests (static musl, the Pagoda binary, on the host)
#   gc_leak_report_{host,musl}  the leaking program's report
#   gc_bdwgc_compat_{host,musl} a bdwgc program built on our gc.h prints what
#                               it prints with Debian's libgc
#   gc_bdwgc_NAME_{stw,incremental,generational,musl}  each program in
#                               tests/lib/gc/bdwgc/ (UBSan build in each mode,
#                               and the static musl build) against libgc's
#                               output, stdout and stderr, addresses as ADDR
# The 600 s timeouts only stop a hung program: on the shared machine at a
# load average of 16, libgc's own rope build took 100 s of wall time (6 s of CPU).
B=${1:-build}
failed=0

fail() { echo "FAIL $1: $2"; failed=1; }

suite() {   # binary prefix
	timeout 600 "$1" "$2"
	status=$?
	[ $status -eq 0 ] || { [ $status -eq 1 ] || fail "${2}tests" "exit status $status"; failed=1; }
}

leak_check() {   # binary name [static: check the return-address site with addr2line]
	out=$(timeout 600 "$1" 2>&1)
	status=$?
	n=$(printf '%s\n' "$out" | grep -c '^gc: leak: ')
	line48=$(grep -n 'LEAK-48' tests/lib/gc/leaky.c | cut -d: -f1)
	line1000=$(grep -n 'LEAK-1000' tests/lib/gc/leaky.c | cut -d: -f1)
	line24=$(grep -n 'LEAK-24' tests/lib/gc/leaky.c | cut -d: -f1)
	site24=$(printf '%s\n' "$out" | sed -n 's/^gc: leak: 24 bytes at .*, allocated from \(0x[0-9a-f]*\)$/\1/p')
	if [ $status -ne 0 ] || [ "$n" -ne 3 ]; then
		fail "$2" "exit $status, $n leak lines: $(printf '%s' "$out" | tr '\n' '|')"
	elif ! printf '%s\n' "$out" | grep -q "^gc: leak: 48 bytes at .*, allocated at .*leaky.c:$line48\$"; then
		fail "$2" "no report of the 48-byte leak at leaky.c:$line48"
	elif ! printf '%s\n' "$out" | grep -q "^gc: leak: 1000 bytes at .*, allocated at .*leaky.c:$line1000\$"; then
		fail "$2" "no report of the 1000-byte leak at leaky.c:$line1000"
	elif [ -z "$site24" ]; then
		fail "$2" "no report of the 24-byte leak with a return address"
	elif [ "$3" = static ] && ! addr2line -e "$1" "$site24" | grep -q "leaky.c:$line24"; then
		fail "$2" "24-byte leak site $site24 is $(addr2line -e "$1" "$site24"), not leaky.c:$line24"
	else
		echo "PASS $2"
	fi
}

compat_check() {   # ours boehm name
	ours=$(timeout 600 "$1" 2>&1) || { fail "$3" "our build exited non-zero"; return; }
	theirs=$(timeout 600 "$2" 2>&1) || { fail "$3" "the libgc build exited non-zero"; return; }
	if [ "$ours" = "$theirs" ]; then
		echo "PASS $3"
	else
		fail "$3" "output differs: ours [$ours] libgc [$theirs]"
	fi
}

# stdout and stderr together, addresses replaced (they differ run to run).
normalized() {
	PAGODA_GC_MODE=$2 timeout 600 "$1" 2>&1 | sed 's/0x[0-9a-f]*/ADDR/g'
}

bdwgc_check() {   # name
	want=$(normalized "$B/host/bdwgc/$1_boehm")
	for mode in stw incremental generational; do
		got=$(normalized "$B/host/bdwgc/$1" $mode)
		[ "$got" = "$want" ] && echo "PASS gc_bdwgc_$1_$mode" ||
			fail "gc_bdwgc_$1_$mode" "ours [$(printf '%s' "$got" | tr '\n' '|')] libgc [$(printf '%s' "$want" | tr '\n' '|')]"
	done
	got=$(normalized "$B/user/bdwgc_$1")
	[ "$got" = "$want" ] && echo "PASS gc_bdwgc_$1_musl" || fail "gc_bdwgc_$1_musl" "output differs from libgc's"
}

for name in finalize weak typed debug misc rope lisp; do
	bdwgc_check $name
done
suite "$B/host/gc_tests" gc_
suite "$B/user/gc_tests" gc_musl_
leak_check "$B/host/gc_leaky" gc_leak_report_host
leak_check "$B/user/gc_leaky" gc_leak_report_musl static
compat_check "$B/host/gc_bdwgc" "$B/host/gc_bdwgc_boehm" gc_bdwgc_compat_host
compat_check "$B/user/gc_bdwgc" "$B/host/gc_bdwgc_boehm" gc_bdwgc_compat_musl
exit $failed
