#!/bin/sh
# duc2004.sh - summary quality on DUC 2004 task 2 (make bench-quality).
#
#   sh bench/duc2004.sh [SPLIT [SYSTEMS]]
#
# SPLIT    directory of clusters, SPLIT/CLUSTER/docs/*.txt (the articles) and
#          SPLIT/CLUSTER/refs/*.txt (the human summaries, read by the scorer
#          only); default ../shared/eval/duc2004 (the development split).
# SYSTEMS  directory of published systems, SYSTEMS/NAME/CLUSTER.txt; default
#          SPLIT-systems, else ../shared/eval/duc2004-systems.  A system is
#          shown only when it has a summary for every cluster of SPLIT, so
#          every row averages the same clusters.
#
# Each cluster is summarized by the program's defaults with one story and
# the DUC budget of 100 words, one sentence per line:
#     build/briefing --stories 1 --words 100 --format txt -o OUT/CLUSTER.txt CLUSTER/docs/
# then OUT is scored with ../shared/eval/rouge.py (ROUGE-1.5.5 settings of
# the DUC 2004 papers: -n 2 -m -2 4 -u -c 95 -r 1000 -f A -p 0.5 -l 100)
# side by side with the systems.  The table is printed; bench/RESULTS.md
# keeps the latest one.  Environment: BUILD (default build), ROUGE (the
# scorer), OUT (where the summaries go; default a temporary directory that
# is removed afterwards).
set -eu

ROOT=$(cd "$(dirname "$0")/.." && pwd)
SPLIT=${1:-$ROOT/../shared/eval/duc2004}
SPLIT=${SPLIT%/}
SYSTEMS=${2:-$SPLIT-systems}
[ -d "$SYSTEMS" ] || SYSTEMS=$ROOT/../shared/eval/duc2004-systems
BIN=${BUILD:-$ROOT/build}/briefing
ROUGE=${ROUGE:-$ROOT/../shared/eval/rouge.py}

[ -x "$BIN" ] || { echo "duc2004.sh: $BIN not built (run make)" >&2; exit 1; }
[ -d "$SPLIT" ] || { echo "duc2004.sh: no split directory $SPLIT" >&2; exit 1; }
[ -f "$ROUGE" ] || { echo "duc2004.sh: no scorer $ROUGE" >&2; exit 1; }

if [ -n "${OUT:-}" ]; then
	mkdir -p "$OUT"
	KEEP=1
else
	OUT=$(mktemp -d "${TMPDIR:-/tmp}/briefing.XXXXXX")
	KEEP=0
fi
cleanup() { [ "$KEEP" = 1 ] || rm -rf "$OUT"; }
trap cleanup EXIT INT TERM

# the summaries; wall time of the whole split, as a user would run it
n=0
t0=$(date +%s.%N)
for d in "$SPLIT"/*/; do
	cl=$(basename "$d")
	[ -d "$d/docs" ] || continue
	"$BIN" -q --stories 1 --words 100 --format txt -o "$OUT/$cl.txt" "$d/docs/"
	n=$((n + 1))
done
t1=$(date +%s.%N)
[ "$n" -gt 0 ] || { echo "duc2004.sh: no cluster in $SPLIT" >&2; exit 1; }

# systems that cover every cluster of the split
sys=""
if [ -d "$SYSTEMS" ]; then
	for s in "$SYSTEMS"/*/; do
		s=${s%/}
		full=1
		for d in "$SPLIT"/*/; do
			[ -d "$d/docs" ] || continue
			[ -f "$s/$(basename "$d").txt" ] || { full=0; break; }
		done
		[ "$full" = 1 ] && sys="$sys $s"
	done
fi

secs=$(awk -v a="$t0" -v b="$t1" 'BEGIN { printf "%.2f", b - a }')
rev=$(git -C "$ROOT" describe --always --dirty 2>/dev/null || echo unknown)
printf 'DUC 2004 task 2, %s: %d clusters summarized in %s s (briefing %s)\n' \
	"$(basename "$SPLIT")" "$n" "$secs" "$rev"
# shellcheck disable=SC2086 # $sys is a list of paths without blanks
python3 "$ROUGE" --refs "$SPLIT" --sys "$OUT" $sys --json > "$OUT.json.tmp"
python3 - "$OUT.json.tmp" "$OUT" <<'PY'
# One markdown row per system, x100, sorted by ROUGE-2 recall; the
# interval is ROUGE-1.5.5's bootstrap 95% interval of the recall.
import json, os, sys
j = json.load(open(sys.argv[1]))
me = os.path.basename(sys.argv[2].rstrip('/'))
st = j['settings']
print('ROUGE as ROUGE-1.5.5 %s, %d clusters, limit %s\n'
      % (st['rouge155_equivalent'], st['clusters'], st['limit']))
rows = []
for name, res in j['systems'].items():
    s = res['scores']
    def r(m): return 100 * s[m]['recall']
    def ci(m): return '%.2f-%.2f' % tuple(100 * x for x in s[m]['recall_ci95'])
    label = '**briefing**' if name == me else name
    rows.append((name != me, -r('ROUGE-2'), label,
                 '%.2f (%s)' % (r('ROUGE-1'), ci('ROUGE-1')),
                 '%.2f (%s)' % (r('ROUGE-2'), ci('ROUGE-2')),
                 '%.2f' % r('ROUGE-L'), '%.2f' % r('ROUGE-SU4'),
                 '%.2f' % (100 * s['ROUGE-1']['f1']), '%.2f' % (100 * s['ROUGE-2']['f1'])))
rows.sort()
print('| system | R-1 R (95% CI) | R-2 R (95% CI) | R-L R | R-SU4 R | R-1 F | R-2 F |')
print('|---|---|---|---|---|---|---|')
for row in rows:
    print('| ' + ' | '.join(row[2:]) + ' |')
PY
rm -f "$OUT.json.tmp"
