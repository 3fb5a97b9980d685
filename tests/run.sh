#!/bin/sh
# Runs every test binary in BUILD/tests and the end-to-end script, then prints
# one closing line "N passed, N failed" over all test cases.  Each runs under
# a time limit (TEST_TIMEOUT seconds, E2E_TIMEOUT for the script), so a hang
# fails the run with its name instead of stalling it.
BUILD=${1:-build}
TEST_TIMEOUT=${TEST_TIMEOUT:-300}
E2E_TIMEOUT=${E2E_TIMEOUT:-480}
pass=0; fail=0; failed_bins=""
for t in "$BUILD"/tests/test_*; do
	[ -x "$t" ] || continue
	case "$t" in *.o) continue;; esac
	out=$(timeout "$TEST_TIMEOUT" "$t" 2>&1); rc=$?
	[ "$rc" -eq 124 ] && out="$out
$(basename "$t"): timed out after $TEST_TIMEOUT s"
	printf '%s\n' "$out"
	p=$(printf '%s\n' "$out" | sed -n 's/^\[  PASSED  \] \([0-9]*\) test.*/\1/p' | awk '{s+=$1} END {print s+0}')
	f=$(printf '%s\n' "$out" | sed -n 's/^\[  FAILED  \] \([0-9]*\) test.*/\1/p' | awk '{s+=$1} END {print s+0}')
	if [ "$rc" -ne 0 ] && [ "$f" -eq 0 ]; then f=1; fi
	pass=$((pass + p)); fail=$((fail + f))
	[ "$rc" -ne 0 ] && failed_bins="$failed_bins $(basename "$t")"
done
out=$(timeout "$E2E_TIMEOUT" sh tests/e2e.sh "$BUILD" 2>&1); rc=$?
[ "$rc" -eq 124 ] && out="$out
e2e.sh: timed out after $E2E_TIMEOUT s"
printf '%s\n' "$out"
p=$(printf '%s\n' "$out" | grep -c '^ok ')
f=$(printf '%s\n' "$out" | grep -c '^not ok ')
if [ "$rc" -ne 0 ] && [ "$f" -eq 0 ]; then f=1; fi
pass=$((pass + p)); fail=$((fail + f))
[ "$rc" -ne 0 ] && failed_bins="$failed_bins e2e.sh"
[ -n "$failed_bins" ] && echo "failing:$failed_bins"
echo "$pass passed, $fail failed"
[ "$fail" -eq 0 ]
