#!/bin/sh
# Runs every test binary in BUILD/tests and the end-to-end script, then prints
# one closing line "N passed, N failed" over all test cases.
BUILD=${1:-build}
pass=0; fail=0; failed_bins=""
for t in "$BUILD"/tests/test_*; do
	[ -x "$t" ] || continue
	case "$t" in *.o) continue;; esac
	out=$("$t" 2>&1); rc=$?
	printf '%s\n' "$out"
	p=$(printf '%s\n' "$out" | sed -n 's/^\[  PASSED  \] \([0-9]*\) test.*/\1/p' | awk '{s+=$1} END {print s+0}')
	f=$(printf '%s\n' "$out" | sed -n 's/^\[  FAILED  \] \([0-9]*\) test.*/\1/p' | awk '{s+=$1} END {print s+0}')
	if [ "$rc" -ne 0 ] && [ "$f" -eq 0 ]; then f=1; fi
	pass=$((pass + p)); fail=$((fail + f))
	[ "$rc" -ne 0 ] && failed_bins="$failed_bins $(basename "$t")"
done
out=$(sh tests/e2e.sh "$BUILD" 2>&1); rc=$?
printf '%s\n' "$out"
p=$(printf '%s\n' "$out" | grep -c '^ok ')
f=$(printf '%s\n' "$out" | grep -c '^not ok ')
if [ "$rc" -ne 0 ] && [ "$f" -eq 0 ]; then f=1; fi
pass=$((pass + p)); fail=$((fail + f))
[ "$rc" -ne 0 ] && failed_bins="$failed_bins e2e.sh"
[ -n "$failed_bins" ] && echo "failing:$failed_bins"
echo "$pass passed, $fail failed"
[ "$fail" -eq 0 ]
