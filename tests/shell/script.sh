# The shell script both busybox sh and bash run, on Linux and on Pagoda.
# Each line of output is compared. Pipelines, redirections, subshells,
# command substitution, traps, kill, here-documents, functions, loops.
# The utilities are busybox's applets, in the directory the test runs in
# (busybox's: /bin on Pagoda), so both systems run the same code.
for a in sort tr head wc cat rm ls seq yes sleep; do
	eval "$a() { ./busybox $a \"\$@\"; }"
done
echo "start"
echo "pipeline: $(printf 'c\nb\na\n' | sort | tr 'a-z' 'A-Z' | head -n 2 | tr '\n' ' ')"
x=$(echo inner $(echo nested))
echo "substitution: $x"
echo "arith: $((6 * 7)) $(( (1 << 10) - 1 ))"
echo "redirect" > /tmp/sh_test_file
echo "append" >> /tmp/sh_test_file
echo "lines in file: $(wc -l < /tmp/sh_test_file)"
cat < /tmp/sh_test_file | while read w; do echo "read: $w"; done
rm -f /tmp/sh_test_file
(cd /; echo "subshell pwd: $(pwd)"; exit 3)
echo "subshell status: $?"
v=outer; (v=inner); echo "subshell keeps v: $v"
f() { echo "function args: $# $1 $2"; return 5; }
f one two
echo "function status: $?"
for i in 1 2 3; do printf '%s-' "$i"; done; echo
i=0; while [ $i -lt 4 ]; do i=$((i + 1)); done; echo "while: $i"
case "pagoda" in pag*) echo "case: matched";; *) echo "case: no";; esac
cat <<END
heredoc: $((2 + 2)) lines
END
echo "to stderr, then through the pipe" 2>&1 1>&2 | cat
ls /nonexistent 2>/dev/null || echo "or-list after failure"
true && echo "and-list after success"
trap 'echo "trap: USR1 caught"' USR1
kill -USR1 $$
echo "after kill"
./busybox sleep 5 &
bg=$!
kill $bg
wait $bg 2>/dev/null
echo "killed background status: $?"
trap 'echo "trap: EXIT ran"' EXIT
(trap 'echo "subshell EXIT trap"' EXIT; exit 7)
echo "subshell trap status: $?"
echo "$(seq 1 200 | wc -c) bytes through a pipe"
yes | head -n 3 | tr '\n' ' '; echo
echo "done"
