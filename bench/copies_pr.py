#!/usr/bin/env python3
"""Pair recall and precision of briefing's near-copy article groups.

Usage:
  python3 bench/copies_pr.py --groups G.jsonl --truth T.jsonl[.zst]
          [--dump NAME] [--min-recall 0.95] [--min-precision 0.99]
  python3 bench/copies_pr.py --self-test

G.jsonl: briefing --groups, one story a line,
         {"story": s, "articles": [ids], "copies": [[ids], ...]}
         an article in no "copies" list is a singleton.
T.jsonl: make_dump.py --truth, one article a line, fields id, base_id,
         role ("original" | "copy"), profile ("none" for originals, else
         "exact" | "light" | "medium" | "heavy").

Truth: two articles are true copies when they share base_id.
  copy_pairs_true  pairs sharing base_id whose two articles are both
                   ELIGIBLE: the original or a copy of profile exact, light or
                   medium (heavy rewrites are not required to be found).
  found            pairs of articles inside one "copies" group (each group of
                   m articles gives m(m-1)/2 pairs).
  recall           found pairs among copy_pairs_true / copy_pairs_true
  precision        found pairs sharing base_id / found (a found pair with a
                   heavy copy of the same base is right, not a false positive)
Also given: recall of (original, copy) pairs by copy profile, heavy
included, for diagnosis.

Everything is counted per (group, base_id), never pair by pair, so a group
of any size costs O(its size): fine for millions of articles.

Prints one JSON row.  Exit status 0 when recall >= --min-recall and
precision >= --min-precision, 1 when not, 2 on unreadable input.
"""
import argparse
import collections
import io
import json
import subprocess
import sys

ELIGIBLE = frozenset(("exact", "light", "medium"))
PROFILES = ("exact", "light", "medium", "heavy")


def pairs(m):
    return m * (m - 1) // 2


def open_text(path):
    """Text lines of path; .zst through the zstd CLI (streamed)."""
    if path.endswith(".zst"):
        # stdin, not a file argument: zstd skips a symbolic link argument
        with open(path, "rb") as src:
            p = subprocess.Popen(["zstd", "-dcq"], stdin=src,
                                 stdout=subprocess.PIPE)
        return p, io.TextIOWrapper(p.stdout, encoding="utf-8")
    return None, open(path, encoding="utf-8")


def read_jsonl(path):
    proc, f = open_text(path)
    with f:
        for n, line in enumerate(f, 1):
            if line.strip():
                try:
                    yield json.loads(line)
                except ValueError as e:
                    raise SystemExit("%s:%d: %s" % (path, n, e)) from None
    if proc is not None and proc.wait() != 0:
        raise SystemExit("%s: zstd failed" % path)


def load_truth(records):
    """id -> (base number, eligible, profile or None for an original)."""
    base_no = {}
    truth = {}
    for r in records:
        b = base_no.setdefault(r["base_id"], len(base_no))
        orig = r.get("role") == "original"
        prof = None if orig else r.get("profile")
        truth[r["id"]] = (b, orig or prof in ELIGIBLE, prof)
    return truth


def evaluate(truth, groups, worst=None):
    """truth: load_truth(); groups: iterable of --groups records.  worst: a
    list that gets (false pairs, group size, {base: [ids]}) of every group
    with a false pair."""
    # true pairs: per base, eligible members
    elig_per_base = collections.Counter()
    orig_of_base = {}
    copies_by_prof = collections.Counter()
    for aid, (b, elig, prof) in truth.items():
        if elig:
            elig_per_base[b] += 1
        if prof is None:
            orig_of_base[b] = orig_of_base.get(b, 0) + 1
    for aid, (b, elig, prof) in truth.items():
        if prof is not None:
            copies_by_prof[prof] += orig_of_base.get(b, 0)
    true_pairs = sum(pairs(m) for m in elig_per_base.values())

    found = found_same = found_true = 0
    found_by_prof = collections.Counter()
    seen = set()
    listed = set()
    unknown = 0
    dup = 0
    for g in groups:
        listed.update(g.get("articles", ()))
        for grp in g.get("copies", ()):
            all_b = collections.Counter()
            elig_b = collections.Counter()
            orig_b = collections.Counter()
            prof_b = collections.Counter()
            m = 0
            for aid in grp:
                if aid in seen:
                    dup += 1
                    continue
                seen.add(aid)
                m += 1
                t = truth.get(aid)
                if t is None:  # not in the truth: every pair with it is false
                    unknown += 1
                    continue
                b, elig, prof = t
                all_b[b] += 1
                if elig:
                    elig_b[b] += 1
                if prof is None:
                    orig_b[b] += 1
                else:
                    prof_b[(b, prof)] += 1
            found += pairs(m)
            same = sum(pairs(c) for c in all_b.values())
            found_same += same
            if worst is not None and same < pairs(m):
                by_base = collections.defaultdict(list)
                for aid in grp:
                    t = truth.get(aid)
                    by_base[t[0] if t else None].append(aid)
                worst.append((pairs(m) - same, m, dict(by_base)))
            found_true += sum(pairs(c) for c in elig_b.values())
            for (b, prof), c in prof_b.items():
                found_by_prof[prof] += c * orig_b.get(b, 0)

    recall = found_true / true_pairs if true_pairs else 1.0
    precision = found_same / found if found else 1.0
    by_prof = {p: round(found_by_prof[p] / copies_by_prof[p], 4)
               for p in PROFILES if copies_by_prof[p]}
    return {
        "copy_pairs_true": true_pairs,
        "found": found,
        "found_true": found_true,
        "found_same_base": found_same,
        "recall": round(recall, 5),
        "precision": round(precision, 5),
        "recall_original_copy_by_profile": by_prof,
        "articles_truth": len(truth),
        "articles_in_groups_file": len(listed),
        "articles_not_in_truth": unknown,
        "articles_in_two_groups": dup,
    }


def self_test():
    truth = load_truth([
        {"id": "o1", "base_id": "A", "role": "original", "profile": "none"},
        {"id": "c1", "base_id": "A", "role": "copy", "profile": "exact"},
        {"id": "c2", "base_id": "A", "role": "copy", "profile": "light"},
        {"id": "h1", "base_id": "A", "role": "copy", "profile": "heavy"},
        {"id": "o2", "base_id": "B", "role": "original", "profile": "none"},
        {"id": "c3", "base_id": "B", "role": "copy", "profile": "medium"},
        {"id": "o3", "base_id": "C", "role": "original", "profile": "none"},
    ])
    # A: eligible o1 c1 c2 -> 3 pairs; B: o2 c3 -> 1 pair; total 4
    groups = [
        {"story": 0, "articles": ["o1", "c1", "c2", "h1", "o3"],
         "copies": [["o1", "c1", "h1"], ["c2", "o3"]]},
        {"story": 1, "articles": ["o2", "c3"], "copies": [["o2", "c3"]]},
    ]
    r = evaluate(truth, groups)
    # found pairs: 3 + 1 + 1 = 5; same base: 3 (o1c1 o1h1 c1h1) + 0 + 1 = 4
    # true (eligible) found: o1c1 + o2c3 = 2 of 4
    assert r["copy_pairs_true"] == 4, r
    assert r["found"] == 5, r
    assert r["found_same_base"] == 4, r
    assert r["found_true"] == 2, r
    assert r["recall"] == 0.5 and r["precision"] == 0.8, r
    assert r["recall_original_copy_by_profile"] == {
        "exact": 1.0, "light": 0.0, "medium": 1.0, "heavy": 1.0}, r
    assert evaluate(truth, [])["recall"] == 0.0
    print("copies_pr self-test: ok")


def main():
    ap = argparse.ArgumentParser(
        description=__doc__.split("\n\n")[0],
        formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--groups")
    ap.add_argument("--truth")
    ap.add_argument("--dump", help="name given in the row (default: groups)")
    ap.add_argument("--rev", help="git revision given in the row")
    ap.add_argument("--min-recall", type=float, default=0.95)
    ap.add_argument("--min-precision", type=float, default=0.99)
    ap.add_argument("--examples", type=int, default=0, metavar="N",
                    help="print to stderr the N groups with the most false "
                    "pairs (their base_ids and a few article ids)")
    ap.add_argument("--self-test", action="store_true")
    a = ap.parse_args()
    if a.self_test:
        self_test()
        return 0
    if not a.groups or not a.truth:
        ap.error("--groups and --truth are required")
    try:
        records = list(read_jsonl(a.truth)) if a.examples > 0 else None
        truth = load_truth(records or read_jsonl(a.truth))
        worst = [] if a.examples > 0 else None
        r = evaluate(truth, read_jsonl(a.groups), worst)
    except OSError as e:
        print("copies_pr: %s" % e, file=sys.stderr)
        return 2
    if worst:
        base_name = {}
        for rec in records:
            base_name.setdefault(rec["base_id"], len(base_name))
        names = {v: k for k, v in base_name.items()}
        worst.sort(key=lambda w: -w[0])
        print("groups with false pairs: %d, %d false pairs" % (
            len(worst), sum(w[0] for w in worst)), file=sys.stderr)
        for fp, m, by_base in worst[:a.examples]:
            print("  %d false pairs, %d articles, %d bases:" % (
                fp, m, len(by_base)), file=sys.stderr)
            top = sorted(by_base.items(), key=lambda kv: -len(kv[1]))
            for b, ids in top[:5]:
                print("    %3d x %s  (%s)" % (
                    len(ids), names.get(b, "not in truth"),
                    " ".join(ids[:3])), file=sys.stderr)
            if len(top) > 5:
                print("    ... %d more bases" % (len(top) - 5),
                      file=sys.stderr)
    ok = r["recall"] >= a.min_recall and r["precision"] >= a.min_precision
    row = {"bench": "copies", "dump": a.dump or a.groups}
    row.update(r)
    row["min_recall"] = a.min_recall
    row["min_precision"] = a.min_precision
    row["pass"] = ok
    if a.rev:
        row["rev"] = a.rev
    print(json.dumps(row, sort_keys=False))
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
