#!/usr/bin/env python3
"""Exact recall / connectivity check of briefing's near-duplicate clusters.

Usage:
  python3 bench/cluster_recall.py --sentences S.jsonl --clusters C.jsonl
          [-k 3] [--recall-min 0.6] [--link-min 0.4] [--min-recall 0.98]
          [--examples 3] [--json]
  python3 bench/cluster_recall.py --self-test

S.jsonl: every kept sentence, {"article": A, "sentence": i, "text": T}
C.jsonl: clusters of size >= 2, {"cluster": id, "size": n,
         "members": [{"article": A, "sentence": i, "text": T}, ...]}
         (a sentence not listed in any cluster is a singleton)

Near-duplicate definition (independent re-implementation, no shared code):
words = NFKC + casefold of the text, every code point whose Unicode category
does not start with L, M or N is a separator; shingles = the set of the
" ".join of every K consecutive words (0 < n < K words: one shingle of all
words; 0 words: empty set).  Jaccard = |A & B| / |A | B|; two empty sets
are given Jaccard 0 (an empty sentence is nobody's near-duplicate).

Reported:
  recall        over ALL pairs of sentence occurrences with exact Jaccard
                >= --recall-min (exact duplicates included), the fraction
                whose two occurrences are in the same cluster; per Jaccard
                bin, with examples of missed pairs.  Exact: identical
                shingle sets are collapsed (m occurrences -> m(m-1)/2 pairs
                at J = 1), the distinct sets are joined by prefix filtering
                (Chaudhuri et al. 2006; AllPairs, Bayardo et al. 2007) with a
                size filter, and every candidate is verified exactly.
  connectivity  every cluster must be connected by member pairs of exact
                Jaccard >= --link-min.
  precision     (informational) fraction of within-cluster member pairs with
                Jaccard >= --recall-min and >= --link-min.

Exit status: 0 if recall >= --min-recall, every cluster is connected and the
inputs are consistent; 1 otherwise; 2 on unreadable input or bad options.
"""
import argparse
import bisect
import itertools
import json
import math
import os
import random
import sys
import tempfile
import time
import unicodedata
from collections import Counter, defaultdict

# Slack for float rounding in the filters only: it can only make the prefix
# longer / the size bound looser, never drop a true pair.  Verification uses
# the plain float test inter / union >= t, as the C code does.
EPS = 1e-9

# Up to this many distinct shingle sets in a cluster, its pairs are computed
# naively; above it, by the same prefix-filter join as the global recall.
SMALL_CLUSTER = 200


# ---------------------------------------------------------------- words --

class _WordCharTable(dict):
    """str.translate table: L*/M*/N* code points map to themselves, every
    other code point to a space (filled in lazily, one category lookup per
    distinct code point)."""

    def __missing__(self, cp):
        v = cp if unicodedata.category(chr(cp))[0] in "LMN" else 32
        self[cp] = v
        return v


_WORD_TABLE = _WordCharTable()
# ASCII: NFKC is the identity, casefold is lower(), and the L/M/N code
# points are exactly the letters and digits.
_ASCII_TABLE = "".join(chr(c) if chr(c).isalnum() else " " for c in range(128))


def words(text):
    # No L/M/N code point is whitespace to str.split() (checked by the
    # self-test), so splitting the translated text splits only at separators.
    if text.isascii():
        return text.lower().translate(_ASCII_TABLE).split()
    return unicodedata.normalize("NFKC", text).casefold().translate(_WORD_TABLE).split()


def shingle_strings(text, k):
    w = words(text)
    n = len(w)
    if n == 0:
        return []
    if n < k:
        return [" ".join(w)]
    if k == 1:
        return w
    return [" ".join(g) for g in zip(*(w[i:] for i in range(k)))]


def words_reference(text):
    """Character-by-character version of words(), used by the self-test."""
    t = unicodedata.normalize("NFKC", text).casefold()
    out, cur = [], []
    for ch in t:
        if unicodedata.category(ch)[0] in "LMN":
            cur.append(ch)
        elif cur:
            out.append("".join(cur))
            cur = []
    if cur:
        out.append("".join(cur))
    return out


def jaccard(a, b):
    if not a or not b:
        return 0.0
    inter = len(a & b)
    return inter / (len(a) + len(b) - inter)


# ------------------------------------------------------------- all pairs --

def all_pairs(sets, t):
    """Every pair i < j of sets[] (sets, or sequences of distinct
    hashables) with Jaccard >= t, as (i, j, inter, union); empty sets never
    pair.

    Prefix filtering: tokens are ordered by frequency ascending; with
    o = ceil(t * |x|) the overlap every partner y with t|x| <= |y| <= |x|
    must have, only the first |x| - o + 1 tokens of x are indexed and
    probed, so any pair with J >= t shares a token of both prefixes.  Sets
    are processed by size ascending, so the index only holds sets no larger
    than the probe, and the size filter |y| >= t|x| is a bisect on each
    posting list (postings are appended in size order)."""
    if not 0.0 < t <= 1.0:
        raise ValueError("threshold must be in (0, 1]")
    freq = Counter()
    for s in sets:
        freq.update(s)
    # any fixed total order is correct; rare first keeps postings short
    rank = {tok: r for r, tok in enumerate(sorted(freq, key=freq.__getitem__))}
    del freq
    sizes = [len(s) for s in sets]
    order = sorted((i for i in range(len(sets)) if sizes[i]),
                   key=sizes.__getitem__)
    post_ids = {}     # token rank -> [set index], in size order
    post_sizes = {}   # token rank -> [set size], parallel, non-decreasing
    rank_get = rank.__getitem__
    for x in order:
        sx = sets[x]
        n = sizes[x]
        overlap = math.ceil(t * n - EPS)
        plen = n - overlap + 1
        prefix = sorted(map(rank_get, sx))[:plen]
        min_size = t * n - EPS
        cands = set()
        for tok in prefix:
            ids = post_ids.get(tok)
            if ids is None:
                post_ids[tok] = [x]
                post_sizes[tok] = [n]
                continue
            szs = post_sizes[tok]
            lo = bisect.bisect_left(szs, min_size)
            if lo:
                # never needed again: later probes are no smaller
                del ids[:lo]
                del szs[:lo]
            cands.update(ids)
            ids.append(x)
            szs.append(n)
        if not cands:
            continue
        intersection = (sx if isinstance(sx, (set, frozenset)) else set(sx)).intersection
        for y in cands:
            inter = len(intersection(sets[y]))
            union = n + sizes[y] - inter
            if inter / union >= t:
                yield (y, x, inter, union) if y < x else (x, y, inter, union)


def all_pairs_naive(sets, t):
    """O(n^2) reference for all_pairs (self-test and small clusters)."""
    sizes = [len(s) for s in sets]
    for i in range(len(sets)):
        if not sizes[i]:
            continue
        intersection = set(sets[i]).intersection
        for j in range(i + 1, len(sets)):
            if not sizes[j]:
                continue
            inter = len(intersection(sets[j]))
            union = sizes[i] + sizes[j] - inter
            if inter / union >= t:
                yield i, j, inter, union


# ----------------------------------------------------------------- input --

class InputError(Exception):
    pass


def read_jsonl(path):
    try:
        with open(path, encoding="utf-8") as f:
            for lineno, line in enumerate(f, 1):
                line = line.strip()
                if not line:
                    continue
                try:
                    yield lineno, json.loads(line)
                except json.JSONDecodeError as e:
                    raise InputError("%s:%d: bad JSON: %s" % (path, lineno, e))
    except OSError as e:
        raise InputError("%s: %s" % (path, e))


def occ_key(obj, where):
    try:
        return (str(obj["article"]), int(obj["sentence"]))
    except (KeyError, TypeError, ValueError):
        raise InputError("%s: needs \"article\" and integer \"sentence\"" % where)


def load(sent_path, clus_path):
    """-> keys, texts, cluster id per occurrence (None = singleton),
    clusters {id: [member (key, text)]}, problems [str]."""
    problems = []
    keys, texts, index = [], [], {}
    dup_keys = 0
    for lineno, obj in read_jsonl(sent_path):
        where = "%s:%d" % (sent_path, lineno)
        key = occ_key(obj, where)
        text = obj.get("text")
        if not isinstance(text, str):
            raise InputError("%s: needs a string \"text\"" % where)
        if key in index:
            dup_keys += 1
            if dup_keys <= 3:
                problems.append("%s: duplicate sentence key %r (kept the first)"
                                % (where, key))
            continue
        index[key] = len(keys)
        keys.append(key)
        texts.append(text)
    if dup_keys > 3:
        problems.append("... %d duplicate sentence keys in all" % dup_keys)

    occ_cluster = [None] * len(keys)
    clusters = {}
    n_unknown = n_mismatch = n_twice = n_badsize = 0
    for lineno, obj in read_jsonl(clus_path):
        where = "%s:%d" % (clus_path, lineno)
        if "cluster" not in obj or not isinstance(obj.get("members"), list):
            raise InputError("%s: needs \"cluster\" and a \"members\" list" % where)
        cid = obj["cluster"]
        if isinstance(cid, (list, dict)):
            raise InputError("%s: \"cluster\" must be a scalar" % where)
        if cid in clusters:
            problems.append("%s: cluster id %r repeated" % (where, cid))
            cid = (cid, lineno)
        members = []
        for m in obj["members"]:
            key = occ_key(m, where)
            mtext = m.get("text")
            i = index.get(key)
            if i is None:
                n_unknown += 1
                if n_unknown <= 3:
                    problems.append("%s: member %r is not in the sentences file"
                                    % (where, key))
                members.append((key, mtext if isinstance(mtext, str) else ""))
                continue
            if isinstance(mtext, str) and mtext != texts[i]:
                n_mismatch += 1
                if n_mismatch <= 3:
                    problems.append("%s: member %r text differs from the "
                                    "sentences file" % (where, key))
            if occ_cluster[i] is not None:
                n_twice += 1
                if n_twice <= 3:
                    problems.append("%s: member %r is already in cluster %r"
                                    % (where, key, occ_cluster[i]))
            else:
                occ_cluster[i] = cid
            members.append((key, texts[i]))
        if obj.get("size") != len(members):
            n_badsize += 1
            if n_badsize <= 3:
                problems.append("%s: size %r but %d members"
                                % (where, obj.get("size"), len(members)))
        if len(members) < 2:
            problems.append("%s: cluster %r has %d member(s), expected >= 2"
                            % (where, cid, len(members)))
        clusters[cid] = members
    for n, what in ((n_unknown, "members not in the sentences file"),
                    (n_mismatch, "member texts differing from the sentences file"),
                    (n_twice, "members listed in two clusters"),
                    (n_badsize, "clusters with a wrong size")):
        if n > 3:
            problems.append("... %d %s in all" % (n, what))
    return keys, texts, occ_cluster, clusters, problems


# ---------------------------------------------------------------- recall --

BIN_EDGES = [i / 10 for i in range(11)]


def bin_label(j, identical):
    if identical:
        return "1.0"
    b = min(int(j * 10 + 1e-12), 9)
    while b > 0 and j < BIN_EDGES[b]:   # guard int() rounding at an edge
        b -= 1
    return "%.1f-%.1f" % (BIN_EDGES[b], BIN_EDGES[b + 1])


class ShingleSets:
    """Distinct shingle sets, built once per distinct text and shared by the
    recall and connectivity checks.  A set is stored as the sorted tuple of
    its shingles' int ids (exact: ids come from a dict of the shingle
    strings, no hashing), which is compact and a canonical dict key."""

    def __init__(self, k):
        self.k = k
        self.tok_id = defaultdict(itertools.count().__next__)
        self.of_set = {}    # sorted id tuple -> index in sets
        self.of_text = {}   # text -> index in sets
        self.sets = []
        self.n_shingles = 0

    def drop_shingle_strings(self):
        """Free the shingle dictionary; only texts already seen can still
        be looked up."""
        self.n_shingles = len(self.tok_id)
        self.tok_id = None
        self.of_set = None

    def index(self, text):
        d = self.of_text.get(text)
        if d is None:
            s = tuple(sorted(set(map(self.tok_id.__getitem__,
                                     shingle_strings(text, self.k)))))
            d = self.of_set.get(s)
            if d is None:
                d = self.of_set[s] = len(self.sets)
                self.sets.append(s)
            self.of_text[text] = d
        return d


def compute_recall(texts, occ_cluster, occ_set, dsets, t, n_examples):
    """occ_set[i]: index in dsets of occurrence i's shingle set; dsets may
    hold more sets (of cluster members missing from the sentences file),
    which take part in no pair."""
    docc = [[] for _ in dsets]     # occurrence indices per distinct set
    for i, d in enumerate(occ_set):
        docc[d].append(i)

    ccount = []           # Counter of cluster ids per distinct set
    for occs in docc:
        ccount.append(Counter(occ_cluster[i] for i in occs
                              if occ_cluster[i] is not None))

    bins = defaultdict(lambda: {"pairs": 0, "found": 0, "split": 0,
                                "unclustered": 0, "examples": []})
    n_empty = 0

    def example(i, j, jac, why):
        return {"jaccard": round(jac, 4), "why": why,
                "a": {"article": None, "sentence": None, "cluster": occ_cluster[i],
                      "text": texts[i], "_i": i},
                "b": {"article": None, "sentence": None, "cluster": occ_cluster[j],
                      "text": texts[j], "_i": j}}

    # identical shingle sets: m occurrences -> m(m-1)/2 pairs at J = 1
    for d, occs in enumerate(docc):
        m = len(occs)
        if m < 2:
            if not dsets[d]:
                n_empty += m
            continue
        if not dsets[d]:
            n_empty += m
            continue
        cc = ccount[d]
        total = m * (m - 1) // 2
        found = sum(c * (c - 1) // 2 for c in cc.values())
        nc = sum(cc.values())
        both = nc * (nc - 1) // 2
        b = bins["1.0"]
        b["pairs"] += total
        b["found"] += found
        b["split"] += both - found
        b["unclustered"] += total - both
        if total > found and len(b["examples"]) < n_examples:
            first = occs[0]
            for o in occs[1:]:
                if occ_cluster[first] is None or occ_cluster[o] != occ_cluster[first]:
                    break
            else:   # occs[0] agrees with all: a pair among the others differs
                first, o = next((a, c) for a, c in itertools.combinations(occs, 2)
                                if occ_cluster[a] is None or occ_cluster[a] != occ_cluster[c])
            why = "split" if occ_cluster[first] is not None and occ_cluster[o] is not None \
                else "unclustered"
            b["examples"].append(example(first, o, 1.0, why))

    # distinct sets with J >= t: count_a * count_b occurrence pairs
    t1 = time.time()
    n_distinct_pairs = 0
    used = [s if docc[d] else () for d, s in enumerate(dsets)]
    for a, b_, inter, union in all_pairs(used, t):
        n_distinct_pairs += 1
        jac = inter / union
        ma, mb = len(docc[a]), len(docc[b_])
        ca, cb = ccount[a], ccount[b_]
        if len(ca) > len(cb):
            ca, cb = cb, ca
        found = sum(n * cb[c] for c, n in ca.items() if c in cb)
        total = ma * mb
        both = sum(ca.values()) * sum(cb.values())
        bn = bins[bin_label(jac, False)]
        bn["pairs"] += total
        bn["found"] += found
        bn["split"] += both - found
        bn["unclustered"] += total - both
        if total > found and len(bn["examples"]) < n_examples:
            pick = next((x, y) for x in docc[a] for y in docc[b_]
                        if occ_cluster[x] is None or occ_cluster[x] != occ_cluster[y])
            why = "split" if occ_cluster[pick[0]] is not None and \
                occ_cluster[pick[1]] is not None else "unclustered"
            bn["examples"].append(example(pick[0], pick[1], jac, why))
    t_join = time.time() - t1

    pairs = sum(b["pairs"] for b in bins.values())
    found = sum(b["found"] for b in bins.values())
    for b in bins.values():
        b["recall"] = b["found"] / b["pairs"] if b["pairs"] else 1.0
        b["missed"] = b["pairs"] - b["found"]
    return {
        "threshold": t,
        "occurrences": len(texts),
        "empty_sentences": n_empty,
        "distinct_shingle_sets": sum(1 for occs in docc if occs),
        "distinct_set_pairs": n_distinct_pairs,
        "pairs": pairs,
        "found": found,
        "missed": pairs - found,
        "missed_split": sum(b["split"] for b in bins.values()),
        "missed_unclustered": sum(b["unclustered"] for b in bins.values()),
        "recall": found / pairs if pairs else 1.0,
        "bins": dict(sorted(bins.items(), key=lambda kv: (kv[0] == "1.0", kv[0]))),
        "seconds_join": round(t_join, 3),
    }


# ---------------------------------------------------------- connectivity --

def cluster_pairs(sets, t_low, small=SMALL_CLUSTER):
    if len(sets) <= small:
        return all_pairs_naive(sets, t_low)
    return all_pairs(sets, t_low)


def check_clusters(clusters, shs, link_min, recall_min, n_examples,
                   small=SMALL_CLUSTER):
    t_low = min(link_min, recall_min)
    res = {"clusters": len(clusters), "members": 0, "max_size": 0,
           "not_connected": 0, "examples": [],
           "member_pairs": 0, "pairs_ge_recall_min": 0, "pairs_ge_link_min": 0}
    for cid, members in clusters.items():
        n = len(members)
        res["members"] += n
        res["max_size"] = max(res["max_size"], n)
        res["member_pairs"] += n * (n - 1) // 2
        groups = {}   # distinct shingle set index -> member positions
        n_empty = 0
        for pos, (_key, text) in enumerate(members):
            d = shs.index(text)
            if not shs.sets[d]:
                n_empty += 1
                continue
            groups.setdefault(d, []).append(pos)
        gids = list(groups)
        sets = [shs.sets[d] for d in gids]
        cnt = [len(groups[d]) for d in gids]
        # identical non-empty sets: J = 1
        same = sum(c * (c - 1) // 2 for c in cnt)
        res["pairs_ge_recall_min"] += same
        res["pairs_ge_link_min"] += same
        parent = list(range(len(sets)))

        def find(x):
            while parent[x] != x:
                parent[x] = parent[parent[x]]
                x = parent[x]
            return x

        for a, b, inter, union in cluster_pairs(sets, t_low, small):
            jac = inter / union
            w = cnt[a] * cnt[b]
            if jac >= recall_min:
                res["pairs_ge_recall_min"] += w
            if jac >= link_min:
                res["pairs_ge_link_min"] += w
                ra, rb = find(a), find(b)
                if ra != rb:
                    parent[ra] = rb
        roots = {find(x) for x in range(len(sets))}
        components = len(roots) + n_empty
        if components > 1:
            res["not_connected"] += 1
            if len(res["examples"]) < n_examples:
                reps = {}
                for x in range(len(sets)):
                    reps.setdefault(find(x), groups[gids[x]][0])
                shown = [members[p] for p in list(reps.values())[:3]]
                if n_empty and len(shown) < 3:
                    shown.append(next(m for m in members
                                      if not shs.sets[shs.index(m[1])]))
                res["examples"].append({
                    "cluster": cid, "size": n, "components": components,
                    "one_member_per_component": [
                        {"article": key[0], "sentence": key[1], "text": text}
                        for key, text in shown]})
    mp = res["member_pairs"]
    res["frac_ge_recall_min"] = res["pairs_ge_recall_min"] / mp if mp else 1.0
    res["frac_ge_link_min"] = res["pairs_ge_link_min"] / mp if mp else 1.0
    return res


# ------------------------------------------------------------------ main --

def run(args):
    t0 = time.time()
    keys, texts, occ_cluster, clusters, problems = load(args.sentences, args.clusters)
    t_load = time.time() - t0
    shs = ShingleSets(args.k)
    occ_set = [shs.index(text) for text in texts]
    for members in clusters.values():
        for _key, text in members:
            shs.index(text)
    shs.drop_shingle_strings()
    t_shingle = time.time() - t0 - t_load
    rec = compute_recall(texts, occ_cluster, occ_set, shs.sets,
                         args.recall_min, args.examples)
    rec["distinct_shingles"] = shs.n_shingles
    for b in rec["bins"].values():
        for ex in b["examples"]:
            for side in ("a", "b"):
                key = keys[ex[side].pop("_i")]
                ex[side]["article"], ex[side]["sentence"] = key
    t1 = time.time()
    con = check_clusters(clusters, shs, args.link_min, args.recall_min,
                         args.examples,
                         getattr(args, "small_cluster", SMALL_CLUSTER))
    t_con = time.time() - t1
    ok = (rec["recall"] >= args.min_recall and con["not_connected"] == 0
          and not problems)
    return {
        "ok": ok,
        "params": {"k": args.k, "recall_min": args.recall_min,
                   "link_min": args.link_min, "min_recall": args.min_recall},
        "input_problems": problems,
        "recall": rec,
        "connectivity": con,
        "seconds": {"load": round(t_load, 3), "shingles": round(t_shingle, 3),
                    "join": rec.pop("seconds_join"), "clusters": round(t_con, 3),
                    "total": round(time.time() - t0, 3)},
    }


def short(text, n=150):
    text = " ".join(text.split())
    return text if len(text) <= n else text[:n - 3] + "..."


def print_text(r, out=sys.stdout):
    p, rec, con = r["params"], r["recall"], r["connectivity"]
    w = lambda *a: print(*a, file=out)
    w("cluster_recall: k=%d recall-min=%g link-min=%g"
      % (p["k"], p["recall_min"], p["link_min"]))
    w("  sentences %d (%d distinct shingle sets, %d empty), clusters %d "
      "(%d members, largest %d)"
      % (rec["occurrences"], rec["distinct_shingle_sets"], rec["empty_sentences"],
         con["clusters"], con["members"], con["max_size"]))
    if r["input_problems"]:
        w("INPUT PROBLEMS:")
        for s in r["input_problems"]:
            w("  " + s)
    w("recall: %.5f  (%d of %d pairs with J >= %g in the same cluster; "
      "missed %d: %d split across clusters, %d with a singleton)"
      % (rec["recall"], rec["found"], rec["pairs"], p["recall_min"], rec["missed"],
         rec["missed_split"], rec["missed_unclustered"]))
    w("  %-9s %12s %12s %10s" % ("J bin", "pairs", "missed", "recall"))
    for label, b in rec["bins"].items():
        w("  %-9s %12d %12d %10.5f" % (
            label if label != "1.0" else "1.0 (=)", b["pairs"], b["missed"],
            b["recall"]))
    if "1.0" in rec["bins"]:
        w("  (1.0 (=): identical shingle sets; the other bins exclude them)")
    for label, b in rec["bins"].items():
        for ex in b["examples"]:
            w("  missed J=%.3f (%s) bin %s:" % (ex["jaccard"], ex["why"], label))
            for side in ("a", "b"):
                o = ex[side]
                w("    %s/%s [%s] %s" % (
                    o["article"], o["sentence"],
                    "singleton" if o["cluster"] is None else "cluster %s" % o["cluster"],
                    short(o["text"])))
    w("connectivity (J >= %g): %d of %d clusters not connected"
      % (p["link_min"], con["not_connected"], con["clusters"]))
    for ex in con["examples"]:
        w("  cluster %s: %d members, %d components; one member per component:"
          % (ex["cluster"], ex["size"], ex["components"]))
        for m in ex["one_member_per_component"]:
            w("    %s/%s %s" % (m["article"], m["sentence"], short(m["text"])))
    w("within-cluster pairs (informational): %d; J >= %g: %.4f, J >= %g: %.4f"
      % (con["member_pairs"], p["recall_min"], con["frac_ge_recall_min"],
         p["link_min"], con["frac_ge_link_min"]))
    s = r["seconds"]
    w("time: %.2fs (load %.2fs, shingles %.2fs, all-pairs %.2fs, clusters %.2fs)"
      % (s["total"], s["load"], s["shingles"], s["join"], s["clusters"]))
    w("RESULT: %s (min recall %g)" % ("OK" if r["ok"] else "FAIL", p["min_recall"]))


# ------------------------------------------------------------- self-test --

def _write_jsonl(path, rows):
    with open(path, "w", encoding="utf-8") as f:
        for row in rows:
            f.write(json.dumps(row, ensure_ascii=False) + "\n")


def _run_files(sentences, clusters, **opts):
    d = tempfile.mkdtemp(prefix="cluster_recall_")
    sp, cp = os.path.join(d, "s.jsonl"), os.path.join(d, "c.jsonl")
    try:
        _write_jsonl(sp, [{"article": a, "sentence": i, "text": t}
                          for a, i, t in sentences])
        text_of = {(a, i): t for a, i, t in sentences}
        _write_jsonl(cp, [{"cluster": cid, "size": len(mem),
                           "members": [{"article": a, "sentence": i,
                                        "text": text_of[(a, i)]} for a, i in mem]}
                          for cid, mem in clusters])
        args = argparse.Namespace(sentences=sp, clusters=cp, k=3, recall_min=0.6,
                                  link_min=0.4, min_recall=0.98, examples=3)
        for k_, v in opts.items():
            setattr(args, k_, v)
        return run(args)
    finally:
        os.unlink(sp)
        os.unlink(cp)
        os.rmdir(d)


def self_test():
    # tokenizer
    assert words("Straße's ﬁne—2nd, café!") == ["strasse", "s", "fine", "2nd", "café"]
    assert words("e\u0301t\u00e9 \u0915\u094d\u0937 x_y") == ["été", "क्ष", "x", "y"]
    assert words(" ... ") == [] and shingle_strings("", 3) == []
    assert shingle_strings("Hello, world!", 3) == ["hello world"]
    assert shingle_strings("a b c d", 3) == ["a b c", "b c d"]
    for cp in range(sys.maxunicode + 1):
        if unicodedata.category(chr(cp))[0] in "LMN":
            assert not chr(cp).isspace(), hex(cp)
    rng = random.Random(7)
    alphabet = "aZ09 .,-'’\u00ad\u200béß\u0301\u0915\u094dﬁ①½_\t\n\u00a0Ⅻ"
    ascii_alphabet = "".join(map(chr, range(128)))
    for trial in range(3000):
        abc = (alphabet, ascii_alphabet)[trial % 2]
        s = "".join(rng.choice(abc) if rng.random() < 0.9
                    else chr(rng.randrange(0x30000)) for _ in range(rng.randint(0, 20)))
        assert words(s) == words_reference(s), s

    # tiny example with known Jaccard
    base = "the quick brown fox jumps over the lazy dog today"   # 8 shingles
    S = [("a1", 0, base),
         ("a2", 0, base.upper() + "!"),                              # J = 1
         ("a3", 0, base.replace("today", "tomorrow")),               # J = 7/9
         ("a4", 0, "completely different sentence about stock markets"),
         ("a5", 0, "Hello, world!"),
         ("a6", 0, "hello   WORLD"),                                 # J = 1
         ("a7", 0, "--- ..."),                                       # empty
         ("a7", 1, "!!!"),                                           # empty
         ("a8", 3, "the quick brown fox jumps over a sleeping cat")]  # J = 4/11
    assert abs(jaccard(frozenset(shingle_strings(S[0][2], 3)),
                       frozenset(shingle_strings(S[2][2], 3))) - 7 / 9) < 1e-12
    # 4 reference pairs: a1-a2, a1-a3, a2-a3 (J 1, 7/9, 7/9) and a5-a6 (J 1)
    r = _run_files(S, [(1, [("a1", 0), ("a2", 0), ("a3", 0)])])
    rec, con = r["recall"], r["connectivity"]
    assert (rec["pairs"], rec["found"], rec["missed"]) == (4, 3, 1), rec
    assert rec["missed_unclustered"] == 1 and rec["empty_sentences"] == 2
    assert rec["bins"]["1.0"]["pairs"] == 2 and rec["bins"]["1.0"]["found"] == 1
    assert rec["bins"]["0.7-0.8"]["pairs"] == 2 and rec["bins"]["0.7-0.8"]["recall"] == 1
    ex = rec["bins"]["1.0"]["examples"][0]
    assert {ex["a"]["article"], ex["b"]["article"]} == {"a5", "a6"}
    assert con["not_connected"] == 0 and con["member_pairs"] == 3
    assert con["pairs_ge_recall_min"] == 3 and not r["ok"]     # recall 0.75

    r = _run_files(S, [(1, [("a1", 0), ("a2", 0), ("a3", 0)]),
                       (2, [("a5", 0), ("a6", 0)])])
    assert r["recall"]["recall"] == 1.0 and r["ok"] and not r["input_problems"]

    # a8 joins at J = 4/11 < 0.4 from everyone: not connected; a4 unrelated
    r = _run_files(S, [(1, [("a1", 0), ("a2", 0), ("a3", 0), ("a8", 3)]),
                       (2, [("a5", 0), ("a6", 0)]), (3, [("a4", 0), ("a7", 1)])])
    con = r["connectivity"]
    assert r["recall"]["recall"] == 1.0 and con["not_connected"] == 2, con
    assert con["examples"][0]["components"] == 2 and not r["ok"]
    # ... but connected with a lower link threshold
    r = _run_files(S, [(1, [("a1", 0), ("a2", 0), ("a3", 0), ("a8", 3)]),
                       (2, [("a5", 0), ("a6", 0)])], link_min=0.3)
    assert r["connectivity"]["not_connected"] == 0 and r["ok"]
    # split exact duplicates are "split", not "unclustered"
    r = _run_files(S, [(1, [("a1", 0), ("a3", 0)]), (2, [("a2", 0), ("a8", 3)])])
    assert r["recall"]["missed_split"] == 2 and r["recall"]["found"] == 1
    # input problems are reported and fail the run
    r = _run_files(S, [(1, [("a1", 0), ("a2", 0)]), (2, [("a2", 0), ("a3", 0)])])
    assert r["input_problems"] and not r["ok"]

    # prefix-filter all-pairs == naive all-pairs on random near-duplicates
    vocab = ["w%d" % i for i in range(12)]
    sents = []
    for _ in range(300):
        if sents and rng.random() < 0.6:
            w = list(rng.choice(sents))
            for _ in range(rng.randint(0, 3)):
                op = rng.randrange(3)
                if op == 0 and w:
                    w[rng.randrange(len(w))] = rng.choice(vocab)
                elif op == 1:
                    w.insert(rng.randint(0, len(w)), rng.choice(vocab))
                elif w:
                    del w[rng.randrange(len(w))]
        else:
            w = [rng.choice(vocab) for _ in range(rng.randint(0, 14))]
        sents.append(w)
    n_checked = 0
    for k in (1, 2, 3, 4):
        sets = [frozenset(shingle_strings(" ".join(w), k)) for w in sents]
        dsets = list(dict.fromkeys(sets))
        for t in (0.3, 0.4, 0.5, 0.6, 2 / 3, 0.75, 0.8, 0.9, 1.0):
            tuples = [tuple(sorted(x)) for x in dsets]
            for ss in (sets, dsets, tuples):
                fast = sorted(all_pairs(ss, t))
                slow = sorted(all_pairs_naive(ss, t))
                assert fast == slow, (k, t, len(fast), len(slow))
                n_checked += len(slow)
    assert n_checked > 1000, n_checked

    # end-to-end recall and connectivity against brute force over occurrences
    # plus one big family of near-duplicates (a cluster of ~60)
    family_base = [rng.choice(vocab) for _ in range(24)]
    family = []
    for _ in range(60):
        w = list(family_base)
        for _ in range(rng.randint(1, 3)):
            w[rng.randrange(len(w))] = rng.choice(vocab)
        family.append(w)
    S = [("d%d" % (i // 5), i % 5, " ".join(w))
         for i, w in enumerate(sents + family)]
    sets = [frozenset(shingle_strings(t, 3)) for _a, _i, t in S]
    where = {(a, i): x for x, (a, i, _t) in enumerate(S)}
    stats, outcomes = [], set()
    # true clusters: connected components of the J >= 0.5 graph
    parent = list(range(len(S)))

    def find(x):
        while parent[x] != x:
            x = parent[x]
        return x

    for i, j, _inter, _union in all_pairs_naive(sets, 0.5):
        parent[find(i)] = find(j)
    comps = defaultdict(list)
    for x in range(len(S)):
        comps[find(x)].append(x)
    comps = list(comps.values())
    for trial in range(6):
        # perturb them: split some, merge some, drop members, add random ones
        groups = []
        for c in comps:
            c = list(c)
            rng.shuffle(c)
            r = rng.random()
            if r < 0.15 * (trial > 0) and len(c) >= 4:
                groups += [c[:len(c) // 2], c[len(c) // 2:]]
            elif r < 0.3 * (trial > 0) and len(c) >= 3:
                groups.append(c[:-1])
            else:
                groups.append(c)
        if trial > 0:
            for _ in range(3):
                a, b = rng.sample(range(len(groups)), 2)
                groups[a] += groups[b]
                groups[b] = []
        cl, clusters = {}, []
        for g in groups:
            if len(g) >= 2:
                cid = len(clusters) + 1
                for x in g:
                    cl[x] = cid
                clusters.append((cid, [(S[x][0], S[x][1]) for x in g]))
        stats.append((len(clusters), max(len(g) for g in groups)))
        for link_min, small in ((0.4, SMALL_CLUSTER), (0.25, 0)):
            want_pairs = want_found = 0
            for i, j in itertools.combinations(range(len(S)), 2):
                if sets[i] and sets[j] and \
                        len(sets[i] & sets[j]) / len(sets[i] | sets[j]) >= 0.6:
                    want_pairs += 1
                    want_found += i in cl and cl.get(j) == cl[i]
            want_nc, want_ge = 0, [0, 0]
            for _cid, mem in clusters:
                idx = [where[(a, i)] for a, i in mem]
                seen, todo = {idx[0]}, [idx[0]]
                while todo:
                    x = todo.pop()
                    for y in idx:
                        if y not in seen and jaccard(sets[x], sets[y]) >= link_min:
                            seen.add(y)
                            todo.append(y)
                want_nc += len(seen) != len(idx)
                for x, y in itertools.combinations(idx, 2):
                    jac = jaccard(sets[x], sets[y])
                    want_ge[0] += jac >= 0.6
                    want_ge[1] += jac >= link_min
            r = _run_files(S, clusters, link_min=link_min, small_cluster=small)
            con = r["connectivity"]
            assert [con["pairs_ge_recall_min"], con["pairs_ge_link_min"]] == want_ge
            assert r["recall"]["pairs"] == want_pairs, (r["recall"]["pairs"], want_pairs)
            assert r["recall"]["found"] == want_found
            assert r["connectivity"]["not_connected"] == want_nc, \
                (r["connectivity"]["not_connected"], want_nc)
            outcomes.add((want_pairs, want_found, want_nc))
    # the trials must have covered perfect and imperfect clusterings
    assert any(f == p and nc == 0 for p, f, nc in outcomes), outcomes
    assert any(f < p for p, f, nc in outcomes), outcomes
    assert any(nc > 0 for p, f, nc in outcomes), outcomes
    assert max(m for _n, m in stats) >= 50, stats
    print("self-test OK (%d all-pairs results checked against the naive join)"
          % n_checked)
    return 0


def main(argv=None):
    ap = argparse.ArgumentParser(
        description="Exact recall/connectivity check of briefing's "
                    "near-duplicate clusters (see the module docstring).")
    ap.add_argument("--sentences", metavar="FILE")
    ap.add_argument("--clusters", metavar="FILE")
    ap.add_argument("-k", type=int, default=3, help="words per shingle (3)")
    ap.add_argument("--recall-min", type=float, default=0.6,
                    help="Jaccard of the pairs recall is measured on (0.6)")
    ap.add_argument("--link-min", type=float, default=0.4,
                    help="Jaccard that must connect every cluster (0.4)")
    ap.add_argument("--min-recall", type=float, default=0.98,
                    help="recall needed for exit status 0 (0.98)")
    ap.add_argument("--examples", type=int, default=3,
                    help="examples shown per recall bin / of split clusters (3)")
    ap.add_argument("--json", action="store_true", help="print one JSON object")
    ap.add_argument("--self-test", action="store_true")
    args = ap.parse_args(argv)
    if args.self_test:
        return self_test()
    if not args.sentences or not args.clusters:
        ap.error("--sentences and --clusters are required")
    if args.k < 1:
        ap.error("-k must be >= 1")
    for name in ("recall_min", "link_min"):
        if not 0.0 < getattr(args, name) <= 1.0:
            ap.error("--%s must be in (0, 1]" % name.replace("_", "-"))
    try:
        r = run(args)
    except InputError as e:
        print("cluster_recall: %s" % e, file=sys.stderr)
        return 2
    if args.json:
        json.dump(r, sys.stdout, ensure_ascii=False)
        sys.stdout.write("\n")
    else:
        print_text(r)
    return 0 if r["ok"] else 1


if __name__ == "__main__":
    sys.exit(main())
