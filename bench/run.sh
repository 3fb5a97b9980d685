#!/bin/sh
# run.sh - speed, memory and near-copy correctness at scale (make bench).
#
#   sh bench/run.sh [BUILD]
#
# For each size S of $BENCH_SIZES (default "100M 1G"):
#   1. the dump $DIR/dump-S.jsonl.zst and its truth $DIR/truth-S.jsonl.zst,
#      made once by ../shared/corpus/make_dump.py --size S --seed 1 and kept
#      between runs (a generation already running is waited for);
#   2. the floor: zstd -dc < DUMP > /dev/null, best of 3;
#   3. BIN -j1 and -j2 with --stats and --groups (bench/measure.py: wall time
#      and the child's peak RSS from os.wait4), one JSON row each;
#   4. pair recall and precision of the -j2 near-copy groups against the
#      truth (bench/copies_pr.py; the 3 groups with most false pairs go to
#      stderr), and whether -j1 and -j2 groups are byte-identical.
# Then the growth (largest / smallest dump, -j2) and thread speedup rows, the
# kernel micro-benchmarks (BUILD/bench/kbench), and the "Speed (issue 4)"
# section of bench/RESULTS.md is rewritten from the latest rows.
#
# Every row is printed and appended to $DIR/rows.jsonl.  Exit status 1 when a
# run fails or recall/precision is below the bar (0.95 / 0.99).
#
# Environment:
#   BENCH_SIZES   sizes to run (default "100M 1G")
#   BENCH_DIR     dumps, rows and run outputs (default /tmp/bfbench)
#   BENCH_THREADS thread counts (default "1 2")
#   BIN           the briefing binary (default BUILD/briefing)
#   KBENCH        the kernel bench (default BUILD/bench/kbench; "" skips it)
#   BENCH_REV     revision written in the rows (default: git describe of the
#                 work tree, "-dirty" when it has changes)
#   BENCH_RESULTS file whose Speed section is rewritten (default
#                 bench/RESULTS.md; "" leaves it alone)
#   CORPUS        directory of make_dump.py (default ../shared/corpus)
set -eu

ROOT=$(cd "$(dirname "$0")/.." && pwd)
cd "$ROOT"
BUILD=${1:-build}
BIN=${BIN:-$BUILD/briefing}
KBENCH=${KBENCH-$BUILD/bench/kbench}
DIR=${BENCH_DIR:-/tmp/bfbench}
SIZES=${BENCH_SIZES:-100M 1G}
THREADS=${BENCH_THREADS:-1 2}
CORPUS=${CORPUS:-$ROOT/../shared/corpus}
RESULTS=${BENCH_RESULTS-$ROOT/bench/RESULTS.md}
ROWS=$DIR/rows.jsonl
OUT=$DIR/out
REV=${BENCH_REV:-$(git describe --always --dirty 2>/dev/null || echo unknown)}
SESSION=$(date +%Y%m%dT%H%M%S)-$$

mkdir -p "$DIR" "$OUT"
[ -x "$BIN" ] || { echo "run.sh: no binary $BIN (make first)" >&2; exit 1; }
fail=0

# Private copies of the binaries: build/ is shared with whoever runs make
# meanwhile, and every run of one session must time the same program.
# bin_id (the binary's sha1, 12 digits) goes into the rows.
SNAP=$OUT/bin-$SESSION
mkdir -p "$SNAP"
trap 'rm -rf "$SNAP"' EXIT
trap 'exit 130' INT TERM
cp "$BIN" "$SNAP/briefing"
BIN=$SNAP/briefing
BIN_ID=$(sha1sum "$BIN" | cut -c1-12)
if [ -n "$KBENCH" ]; then
	cp "$KBENCH" "$SNAP/kbench"
	KBENCH=$SNAP/kbench
fi

# A generation of dump S by anybody (this script, or one started by hand
# with the same --out) is running?
generating() {
	pgrep -f "make_dump[.]py.*$DIR/dump-$1" >/dev/null
}

# Makes dump S unless it is there.  Written to temporary names and renamed,
# so a dump that exists is complete; a lock directory (with the pid of its
# holder, so a killed run leaves no lasting lock) keeps two runs of this
# script from generating the same size at once.
ensure_dump() {
	s=$1
	dump=$DIR/dump-$s.jsonl.zst
	truth=$DIR/truth-$s.jsonl.zst
	lock=$DIR/dump-$s.lock
	while :; do
		if [ -d "$lock" ]; then
			pid=$(cat "$lock/pid" 2>/dev/null || echo)
			if [ -n "$pid" ] && ! kill -0 "$pid" 2>/dev/null; then
				rm -rf "$lock" # holder gone
				continue
			fi
		elif ! generating "$s"; then
			break
		fi
		echo "run.sh: dump-$s is being generated elsewhere; waiting" >&2
		sleep 30
	done
	if [ -e "$dump" ] && [ -e "$truth" ]; then
		return 0
	fi
	mkdir "$lock" 2>/dev/null || { ensure_dump "$s"; return; }
	echo $$ >"$lock/pid"
	echo "run.sh: generating dump-$s (takes minutes for 1G)" >&2
	tmp=$DIR/.gen-$s-$$
	if python3 "$CORPUS/make_dump.py" --size "$s" --seed 1 --jobs 2 --quiet \
		--out "$tmp.jsonl.zst" --truth "$tmp.truth.jsonl.zst" >&2; then
		mv "$tmp.truth.jsonl.zst" "$truth"
		[ -e "$tmp.truth.summary.json" ] &&
			mv "$tmp.truth.summary.json" "$DIR/truth-$s.summary.json"
		mv "$tmp.jsonl.zst" "$dump"
		rm -rf "$lock"
	else
		rm -f "$tmp".*
		rm -rf "$lock"
		echo "run.sh: make_dump.py failed for $s" >&2
		return 1
	fi
}

for s in $SIZES; do
	ensure_dump "$s" || { fail=1; continue; }
	name=dump-$s
	# shellcheck disable=SC2086
	python3 bench/measure.py dump --name "$name" \
		--dump "$DIR/$name.jsonl.zst" --bin "$BIN" --outdir "$OUT" \
		--threads $THREADS --rows "$ROWS" --rev "$REV" \
		--session "$SESSION" --bin-id "$BIN_ID" || fail=1
	# correctness of the near-copy groups of the last thread count run
	last=
	for t in $THREADS; do last=$t; done
	groups=$OUT/$name-j$last.groups.jsonl
	if [ -s "$groups" ]; then
		python3 bench/copies_pr.py --groups "$groups" \
			--truth "$DIR/truth-$s.jsonl.zst" --dump "$name" \
			--rev "$REV" --examples 3 >"$OUT/$name.copies.json" ||
			fail=1
		cat "$OUT/$name.copies.json"
		cat "$OUT/$name.copies.json" >>"$ROWS"
		same=true
		for t in $THREADS; do
			cmp -s "$groups" "$OUT/$name-j$t.groups.jsonl" || same=false
		done
		[ "$same" = true ] || fail=1
		printf '{"bench":"determinism","dump":"%s","threads":"%s","groups_identical":%s,"rev":"%s"}\n' \
			"$name" "$THREADS" "$same" "$REV" | tee -a "$ROWS"
	fi
done

python3 bench/measure.py summary --rows "$ROWS" --rev "$REV" \
	--session "$SESSION"

if [ -n "$KBENCH" ]; then
	"$KBENCH" --rev "$REV" >"$OUT/kbench.jsonl" || fail=1
	cat "$OUT/kbench.jsonl"
	cat "$OUT/kbench.jsonl" >>"$ROWS"
fi

if [ -n "$RESULTS" ]; then
	python3 bench/measure.py results --rows "$ROWS" --file "$RESULTS"
	echo "run.sh: rows in $ROWS; table in $RESULTS" >&2
fi
exit $fail
