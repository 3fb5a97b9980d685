#!/bin/sh
# End-to-end tests of build/briefing on committed data (tests/data) and data
# generated here.  Prints "ok N - what" / "not ok N - what" lines.
BUILD=${1:-build}
BIN="$BUILD/briefing"
CHECK="python3 tests/check_briefing.py"
T=$(mktemp -d "${TMPDIR:-/tmp}/bfe2e.XXXXXX")
trap '[ -n "$KEEP" ] || rm -rf "$T"' EXIT
n=0; failed=0
ok()   { n=$((n + 1)); echo "ok $n - $1"; }
nok()  { n=$((n + 1)); failed=$((failed + 1)); echo "not ok $n - $1"; }
check() { desc=$1; shift; if "$@" >"$T/check.out" 2>&1; then ok "$desc"; else nok "$desc"; sed 's/^/#   /' "$T/check.out"; fi; }
status_is() { want=$1; shift; "$@" >"$T/st.out" 2>"$T/st.err"; got=$?; [ "$got" -eq "$want" ] || { echo "exit $got, expected $want"; cat "$T/st.err"; return 1; }; }
no_match() { ! grep -qi "$1" "$2" || { grep -i "$1" "$2"; return 1; }; }
SEEDS=tests/data/seeds

# --- the seeds: a readable briefing, no boilerplate, deterministic -----------
"$BIN" -q -j1 "$SEEDS" > "$T/seeds.md"
check "seeds: exit 0, Markdown header" grep -q '^# Briefing' "$T/seeds.md"
check "seeds: at least one story" grep -q '^## 1\. ' "$T/seeds.md"
# each of these stands in a seed article ("Read more" is planted below)
for junk in cookie "You May Also Like" "By Peter" "Privacy Policy"; do
	check "seeds: no boilerplate '$junk'" no_match "$junk" "$T/seeds.md"
done
check "seeds: matches the golden briefing" diff -u tests/data/seeds.expected.md "$T/seeds.md"
"$BIN" -q -j1 -f json --clusters "$T/c1" --groups "$T/g1" --sentences "$T/s1" "$SEEDS" > "$T/j1.json"
"$BIN" -q -j2 -f json --clusters "$T/c2" --groups "$T/g2" --sentences "$T/s2" "$SEEDS" > "$T/j2.json"
check "seeds: JSON parses" python3 -m json.tool "$T/j1.json"
check "seeds: -j1 and -j2 give byte-identical JSON" cmp "$T/j1.json" "$T/j2.json"
check "seeds: -j1 and -j2 give identical --clusters/--groups/--sentences" \
	sh -c "cmp '$T/c1' '$T/c2' && cmp '$T/g1' '$T/g2' && cmp '$T/s1' '$T/s2'"
# unset, the program starts itself again with OMP_WAIT_POLICY=passive
# (main.c): the same bytes either way, and from another directory too
(cd "$T" && env -u OMP_WAIT_POLICY "$OLDPWD/$BIN" -q -j2 -f json "$OLDPWD/$SEEDS" > "$T/jp.json")
(cd "$T" && OMP_WAIT_POLICY=active "$OLDPWD/$BIN" -q -j2 -f json "$OLDPWD/$SEEDS" > "$T/ja.json")
check "seeds: the same JSON with OMP_WAIT_POLICY unset (re-run passive) and active" \
	cmp "$T/jp.json" "$T/ja.json"
# and it really runs with the passive policy: seen in the environment of
# a run that waits for its standard input
if [ -r /proc/self/environ ]; then
	mkfifo "$T/fifo"
	env -u OMP_WAIT_POLICY "$BIN" -q -j2 -o "$T/fifo.md" - < "$T/fifo" &
	pid=$!
	exec 3> "$T/fifo"
	# the re-run replaces the process within milliseconds; allow 3 s
	check "unset OMP_WAIT_POLICY: the run's environment has it passive" \
		sh -c "for i in \$(seq 30); do tr '\\0' '\\n' < /proc/$pid/environ |
		       grep -qx OMP_WAIT_POLICY=passive && exit 0; sleep 0.1; done; exit 1"
	printf '{"id":"p","text":"The council approved the new budget on Monday after a long debate."}\n' >&3
	exec 3>&-
	wait $pid
fi
check "seeds: no two chosen sentences are near-duplicates" $CHECK nodup "$T/j1.json" 3 0.5
"$BIN" -q -j1 -f txt -w 60 "$SEEDS" > "$T/seeds.txt"
# words as the budget counts them: tokens holding a letter or digit
check "seeds: txt format within the word budget (30..60 words)" python3 -c "
import sys
n = sum(any(ch.isalnum() for ch in t) for t in open('$T/seeds.txt').read().split())
sys.exit(not 30 <= n <= 60)"

# a first sentence longer than the whole budget is cut to it, and only it
"$BIN" -q -j1 -f txt -w 5 "$SEEDS" > "$T/cut.txt"
check "budget smaller than any sentence: one sentence cut to 5 words" python3 -c "
import sys
lines = [l for l in open('$T/cut.txt').read().split('\\n') if l]
words = [t for t in lines[0].split() if any(ch.isalnum() for ch in t)] if lines else []
sys.exit(not (len(lines) == 1 and len(words) == 5 and lines[0].endswith('\u2026')))"

# --- a sentence planted in three articles has support 3 ---------------------
mkdir -p "$T/planted"
cp "$SEEDS"/*.txt "$T/planted/"
PLANT="Zelenskyy and Trump agreed on Sunday in Florida that a 20-point peace framework for Ukraine is close to final."
for f in 000 002 004; do printf '\n%s\n' "$PLANT" >> "$T/planted/$f"_*.txt; done
printf '\nRead more: Ukraine peace talks latest\n' >> "$T/planted/"001_*.txt
"$BIN" -q -f json --clusters "$T/pc" --sentences "$T/ps" "$T/planted" > "$T/planted.json"
check "planted sentence is chosen with support 3" $CHECK support "$T/planted.json" "$PLANT" 3
check "planted 'Read more:' line is not a kept sentence" no_match "Read more" "$T/ps"
check "planted 'Read more:' check sees the kept sentences" grep -q "Ukraine" "$T/ps"
check "planted: its cluster is reported, connected by exact Jaccard >= 0.5" $CHECK clusters "$T/pc" 3 0.5 1

# --- bad inputs: skipped with reasons, warned, still a briefing -------------
BAD=tests/data/bad
"$BIN" -j2 --stats "$T/bad.stats" -o "$T/bad.md" "$BAD" 2> "$T/bad.err"
check "bad inputs: exit 0 and a briefing" grep -q '^## 1\. ' "$T/bad.md"
check "bad inputs: skip counts by reason" $CHECK stats "$T/bad.stats" \
	input.skipped.malformed_json=1 input.skipped.no_text=1 input.skipped.bad_zstd=1 \
	input.skipped.empty=1 input.skipped.binary=1 input.utf8_repaired=1
check "bad inputs: read = used + skipped" python3 -c "
import json,sys; s=json.load(open('$T/bad.stats'))['input']
sys.exit(s['articles_read'] != s['articles_used'] + sum(s['skipped'].values()))"
check "bad inputs: one warning per bad record" \
	sh -c "[ \$(grep -c 'warning' '$T/bad.err') -eq 5 ]"
check "bad inputs: warning names file and line" grep -q 'malformed.jsonl:[0-9]' "$T/bad.err"
check "bad inputs: --strict exits 3" status_is 3 "$BIN" -q --strict "$BAD"

# --- titles: an outlet's name is cut off its headline ----------------------
python3 - "$T/titled.jsonl" <<'PY'
import json, sys
body = ("The city council approved a new budget for public parks on Monday evening. "
        "The plan adds three playgrounds and repairs the old river trail. "
        "Council members said the work should start in the spring.")
with open(sys.argv[1], "w") as f:
    f.write(json.dumps({"id": "t1", "source": "The Daily Star", "title": "Council backs parks budget | The Daily Star", "text": body}) + "\n")
PY
"$BIN" -q "$T/titled.jsonl" > "$T/titled.md"
check "title: outlet suffix removed" grep -qx '## 1\. Council backs parks budget' "$T/titled.md"

# --- stdin, options, exit codes, atomic output ------------------------------
# many bad lines: 100 warnings of a kind shown, the rest counted in input
# order, at either thread count (the reader keeps no note past the limit)
python3 -c "
import json
print(json.dumps({'id': 'a', 'text': 'The first article reports rain in Paris on Monday.'}))
for i in range(250): print('{\"text\": 5}')
print(json.dumps({'id': 'b', 'text': 'The second article reports sun in London on Tuesday.'}))" > "$T/manybad.jsonl"
for j in 1 2; do
	"$BIN" -j$j -o "$T/manybad$j.md" "$T/manybad.jsonl" 2> "$T/manybad$j.err"
done
check "many bad lines: 100 shown, the first at line 2" sh -c \
	"[ \$(grep -c 'skipped (no_text)' '$T/manybad1.err') -eq 100 ] && grep -m1 'skipped' '$T/manybad1.err' | grep -q 'manybad.jsonl:2:'"
check "many bad lines: 150 more counted" grep -q '150 more warnings of kind' "$T/manybad1.err"
check "many bad lines: -j1 and -j2 warn alike" cmp "$T/manybad1.err" "$T/manybad2.err"
check "stdin '-' reads JSON Lines" sh -c "cat '$BAD/good.jsonl' | '$BIN' -q -f txt - | grep -q ."
check "--help exits 0" status_is 0 "$BIN" --help
check "--version prints the version" sh -c "'$BIN' --version | grep -q '^briefing [0-9]'"
check "unknown option exits 2" status_is 2 "$BIN" --bogus "$SEEDS"
check "bad --words exits 2" status_is 2 "$BIN" -w 0 "$SEEDS"
check "no input exits 2" status_is 2 "$BIN"
check "no usable article exits 1" status_is 1 "$BIN" -q "$BAD/empty.txt"
printf '{"text":"Read more."}\n' > "$T/nosent.jsonl"
for j in 1 2; do
	check "-j$j: no usable article is said so (empty file, no sentence left)" sh -c \
		"'$BIN' -j$j '$BAD/empty.txt' 2>&1 | grep -q 'no usable article' &&
		 '$BIN' -j$j '$T/nosent.jsonl' 2>&1 | grep -q 'no usable article'"
done
for j in 1 2; do
	TMPDIR=/nonexistent/bf "$BIN" -j$j -o "$T/keep-spill.md" "$SEEDS" 2>"$T/spilldir$j.err"
	check "-j$j: no place for the text spill file: exit 1, the directory named, no output" sh -c \
		"[ $? -eq 1 ] && grep -q 'temporary file for sentence texts in /nonexistent/bf' '$T/spilldir$j.err' &&
		 [ ! -e '$T/keep-spill.md' ]"
done
check "unwritable output exits 1" status_is 1 "$BIN" -q -o "$T/no/such/dir/out.md" "$SEEDS"
echo "stale" > "$T/keep.md"
"$BIN" -q -o "$T/keep.md" "$BAD/empty.txt" 2>/dev/null
check "failed run leaves an existing output untouched" grep -qx stale "$T/keep.md"
"$BIN" -q -o "$T/out.md" "$SEEDS"
check "-o writes the file, no temp files left" \
	sh -c "cmp '$T/out.md' '$T/seeds.md' && [ \$(ls -A '$T' | grep -c tmp) -eq 0 ]"

# --- a generated input past the sizes where the stages' counting, numbering
# and sorting run in parallel (65,536 sentences per thread): the side files
# and the briefing are byte-identical at 1, 2 and 3 threads --------------------
awk 'BEGIN {
	split("minister flood river bank rates council vote strike airport storm court ruling election budget oil prices wildfire hospital teachers union bridge rail tariff exports summit ceasefire drought harvest museum festival", W, " ");
	nw = 30; srand(7);
	for (a = 0; a < 24000; a++) {
		ev = a % 400; text = "";
		for (s = 0; s < 6; s++) {
			if (a % 3 == 2) { # a near copy of the article before: one word changed
				sent = prev[s]; sub(/ the /, " a ", sent);
			} else {
				sent = sprintf("The %s and the %s drew %s officials to town %d on day %d of the %s talks, %d said.",
				               W[1 + (ev + s) % nw], W[1 + int(rand() * nw)], W[1 + int(rand() * nw)], ev, s,
				               W[1 + (ev * 11) % nw], int(rand() * 1000));
			}
			prev[s] = sent;
			text = text (s ? " " : "") sent;
		}
		printf("{\"id\": \"g%d\", \"title\": \"%s %s report\", \"source\": \"s%d\", \"text\": \"%s\"}\n",
		       a, W[1 + ev % nw], W[1 + (ev * 3) % nw], a % 37, text);
	}
}' > "$T/big.jsonl"
for j in 1 2 3; do
	"$BIN" -q -j$j -f json --clusters "$T/bc$j" --groups "$T/bg$j" --sentences "$T/bs$j" \
		-o "$T/bb$j.json" "$T/big.jsonl"
done
check "144,000 generated sentences: -j1, -j2 and -j3 give byte-identical output and side files" sh -c \
	"for j in 2 3; do cmp '$T/bb1.json' '$T/bb'\$j.json && cmp '$T/bc1' '$T/bc'\$j &&
	 cmp '$T/bg1' '$T/bg'\$j && cmp '$T/bs1' '$T/bs'\$j || exit 1; done; [ \$(wc -l < '$T/bc1') -gt 5000 ] && [ \$(wc -l < '$T/bg1') -gt 1000 ]"
# the text spill file stops growing halfway (a file size limit, as a full
# disk would): the run fails, names the directory and the reason, writes
# nothing
for j in 1 2; do
	(ulimit -f 4096; "$BIN" -q -j$j -o "$T/fsize$j.md" "$T/big.jsonl" 2>"$T/fsize$j.err")
	check "-j$j: spill file past a size limit: exit 1, the reason given, no output" sh -c \
		"[ $? -eq 1 ] && grep -q 'temporary file for sentence texts in .*: File too large' '$T/fsize$j.err' &&
		 [ ! -e '$T/fsize$j.md' ]"
done

# --- reports of many events in words of their own (9,000 articles of 900
# events, no copies): the story index is past the size where it is built on
# every thread, and its links join each event's reports into one story -----
awk 'BEGIN {
	srand(11);
	for (a = 0; a < 9000; a++) {
		ev = a % 900; text = "";
		for (s = 0; s < 6; s++) {
			sent = "Officials";
			for (w = 0; w < 9; w++)
				sent = sent " " sprintf("e%dw%d", ev, int(rand() * 14)) (w == 4 ? " and" : "");
			text = text (s ? " " : "") sent sprintf(" said on day %d.", int(rand() * 1000));
		}
		printf("{\"id\": \"r%d\", \"title\": \"e%dw1 e%dw2 report\", \"source\": \"s%d\", \"date\": \"2024-03-%02d\", \"text\": \"%s\"}\n",
		       a, ev, ev, a % 37, 1 + ev % 28, text);
	}
}' > "$T/events.jsonl"
for j in 1 2 3; do
	"$BIN" -q -j$j --stats "$T/es$j" --groups "$T/eg$j" -o "$T/eb$j.md" "$T/events.jsonl"
done
check "9,000 reports of 900 events: 900 stories, the same at -j1, -j2 and -j3" sh -c \
	"for j in 2 3; do cmp '$T/eb1.md' '$T/eb'\$j.md && cmp '$T/eg1' '$T/eg'\$j || exit 1; done;
	 grep -q '\"stories\":{\"stories\":900,' '$T/es1'"

[ "$failed" -eq 0 ]
