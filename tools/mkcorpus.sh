#!/usr/bin/env bash
# tools/mkcorpus.sh - `make traces`: record malloc-lab traces of real programs
# on this machine with tools/mtrace, into build/traces/corpus/ (never committed).
#
#   bash-script.rep   bash running a script: loops, arrays, associative arrays,
#                     command substitution, string building
#   python-dict.rep   python3 building, trimming and serialising a dict
#   cc1.rep           gcc's compiler proper (cc1) compiling lib/malloc_fits.c -O2
#   sort.rep          sort of a 200,000-line file
#   perl-hash.rep     perl counting words into a hash and sorting it
#   git-log.rep       git log --stat over this repository's last 300 commits
#   awk-words.rep     awk counting words of the same file
#   python-json.rep   python3 parsing and re-serialising a JSON document
# Each program's output goes to build/traces/work/; a program that is missing
# is skipped with a note. The traces are in the Autolab format (lib/mdriver/trace.h).
set -uo pipefail
root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
out=$root/build/traces/corpus
work=$root/build/traces/work
mkdir -p "$out" "$work"
mtrace=$root/tools/mtrace

make_inputs() {
  python3 - "$work" <<'PY'
import os, sys, json, random
w = sys.argv[1]
r = random.Random(7)
words = ["w%x" % r.randrange(1 << 20) for _ in range(6000)]
with open(os.path.join(w, "big.txt"), "w") as f:
    for i in range(200000):
        f.write(" ".join(r.choice(words) for _ in range(r.randrange(1, 12))) + "\n")
doc = [{"id": i, "name": r.choice(words), "tags": [r.choice(words) for _ in range(r.randrange(6))],
        "score": r.random()} for i in range(40000)]
with open(os.path.join(w, "doc.json"), "w") as f:
    json.dump(doc, f)
PY
  cat > "$work/script.sh" <<'SH'
declare -A seen
out=""
for i in $(seq 1 6000); do w="w$((i * 7919 % 2003))"; seen[$w]=$(( ${seen[$w]:-0} + 1 )); done
for k in "${!seen[@]}"; do out+="$k=${seen[$k]} "; done
echo "${#out}"
arr=()
for i in $(seq 1 3000); do arr+=("item-$i-$(printf %05d $((i * i % 99991)))"); done
echo "${#arr[@]} ${arr[2999]}"
s=""; for i in $(seq 1 2000); do s="$s${arr[$i]:0:7}"; done; echo "${#s}"
for f in /usr/include/*.h; do n=${f##*/}; x+="${n%.h} "; done; echo "${#x}"
SH
}

record() { # name program args...
  local name=$1; shift
  if ! command -v "$1" >/dev/null 2>&1; then
    echo "traces: $name skipped ($1 not found)"
    return
  fi
  "$mtrace" -o "$out/$name.rep" "$@" > "$work/$name.out" 2>&1 </dev/null
  local status=$?
  echo "traces: $name.rep: $(($(wc -l < "$out/$name.rep") - 4)) lines of operations (program exit status $status)"
}

make_inputs
cc1=$(gcc -print-prog-name=cc1)
record bash-script bash "$work/script.sh"
record python-dict /usr/bin/python3 -c "
d = {('k%d' % i) * (i % 7 + 1): [i, str(i) * (i % 5)] for i in range(200000)}
for i in range(0, 200000, 3): d.pop(('k%d' % i) * (i % 7 + 1))
print(len(d), len(repr(sorted(d.items())[:5000])))"
record cc1 "$cc1" -quiet -imultiarch "$(gcc -print-multiarch)" -O2 -I "$root/lib" "$root/lib/malloc_fits.c" -o "$work/cc1.s"
record sort sort --parallel=1 -S 50M "$work/big.txt" -o "$work/sorted.txt"
record perl-hash perl -e 'my %h; while (<>) { $h{$_}++ for split } print scalar(keys %h), "\n"; print join(",", (sort { $h{$b} <=> $h{$a} } keys %h)[0..9]), "\n"' "$work/big.txt"
record git-log git -C "$root" log --stat -300
record awk-words awk '{ for (i = 1; i <= NF; i++) c[$i]++ } END { n = 0; for (w in c) n++; print n }' "$work/big.txt"
record python-json /usr/bin/python3 -c "
import json, sys
d = json.load(open('$work/doc.json'))
for x in d: x['tags'].sort()
print(len(json.dumps(d, indent=1)))"
