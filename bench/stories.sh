#!/bin/sh
# stories.sh - story grouping quality against real event labels.
#
#   sh bench/stories.sh [BUILD]        (build directory, default build;
#                                      reads ../shared/corpus or $CORPUS)
#
# For each labelled set of ../shared/corpus (basil_triplets: 100 events x
# NYT, Fox News, HuffPost, full text; allsides_events: 506 events x left,
# centre, right outlets, opening excerpts) runs `briefing --groups` with the
# default settings and prints the B-cubed precision, recall and F1
# (bench/bcubed.py) of the stories against `event_id`: once as published,
# and once with every "date" field removed (a nightly dump is mostly one day,
# so the text alone must carry the grouping).  Extra arguments for briefing
# can be given in BF_ARGS.
set -eu
BUILD=${1:-build}
HERE=$(cd "$(dirname "$0")" && pwd)
ROOT=$(cd "$HERE/.." && pwd)
CORPUS=${CORPUS:-$ROOT/../shared/corpus}
case $BUILD in
/*) BIN=$BUILD/briefing ;;
*) BIN=$ROOT/$BUILD/briefing ;;
esac
[ -x "$BIN" ] || { echo "stories.sh: $BIN not built (make)" >&2; exit 2; }
TMP=$(mktemp -d "${TMPDIR:-/tmp}/bfstories.XXXXXX")
trap 'rm -rf "$TMP"' EXIT INT TERM

printf '%-16s %-8s %5s %6s %7s  %6s %6s %6s\n' set dates arts events stories P R F1
for set in basil_triplets allsides_events; do
	src=$CORPUS/$set.jsonl.zst
	[ -r "$src" ] || { echo "stories.sh: $src missing" >&2; exit 2; }
	zstd -dcq "$src" > "$TMP/$set.jsonl"
	python3 -c '
import json, sys
for line in sys.stdin:
    r = json.loads(line)
    r.pop("date", None)
    print(json.dumps(r))' < "$TMP/$set.jsonl" > "$TMP/$set.nodate.jsonl"
	for v in with without; do
		in=$TMP/$set.jsonl
		[ "$v" = without ] && in=$TMP/$set.nodate.jsonl
		# shellcheck disable=SC2086
		"$BIN" -q ${BF_ARGS:-} --groups "$TMP/groups.jsonl" -o /dev/null "$in"
		python3 "$HERE/bcubed.py" --json "$TMP/groups.jsonl" "$in" | python3 -c '
import json, sys
r = json.load(sys.stdin)
print("%-16s %-8s %5d %6d %7d  %.4f %.4f %.4f" % (sys.argv[1], sys.argv[2],
      r["articles"], r["events"], r["stories"], r["precision"], r["recall"], r["f1"]))' "$set" "$v"
	done
done
