#!/usr/bin/env python3
"""Brute-force checks of a briefing run, for tests/e2e.sh.

Re-implements the near-duplicate definition of briefing independently
(NFKC + case fold, every non letter/digit a separator, word K-gram shingles,
exact Jaccard), so the C pipeline is checked against a reference it does
not share code with.

  check_briefing.py nodup BRIEFING.json K THRESHOLD
      no two chosen sentences are near-duplicates
  check_briefing.py support BRIEFING.json TEXT N
      TEXT is in the briefing with support N
  check_briefing.py clusters CLUSTERS.jsonl K LOW [MIN]
      every cluster is connected by pairs of Jaccard >= LOW, and there are
      at least MIN clusters (default 1)
  check_briefing.py stats STATS.json KEY=VALUE...
      dotted keys of the stats object equal the values
"""
import itertools
import json
import sys
import unicodedata


def words(text):
    t = unicodedata.normalize("NFKC", text).casefold()
    out, cur = [], []
    for ch in t:
        cat = unicodedata.category(ch)
        if cat[0] in "LNM":
            cur.append(ch)
        elif cur:
            out.append("".join(cur))
            cur = []
    if cur:
        out.append("".join(cur))
    return out


def shingles(text, k):
    w = words(text)
    if not w:
        return set()
    if len(w) < k:
        return {" ".join(w)}
    return {" ".join(w[i:i + k]) for i in range(len(w) - k + 1)}


def jaccard(a, b):
    return len(a & b) / len(a | b) if a or b else 1.0


def fail(msg):
    print("FAIL: " + msg)
    sys.exit(1)


def nodup(path, k, t):
    b = json.load(open(path))
    sents = [s["text"] for st in b["stories"] for s in st["sentences"]]
    if not sents:
        fail("briefing has no sentence")
    sh = [shingles(s, k) for s in sents]
    for i, j in itertools.combinations(range(len(sents)), 2):
        if jaccard(sh[i], sh[j]) >= t:
            fail("near-duplicates chosen: %r / %r" % (sents[i], sents[j]))


def support(path, text, n):
    b = json.load(open(path))
    for st in b["stories"]:
        for s in st["sentences"]:
            if s["text"] == text:
                if s["support"] != n:
                    fail("support %d, expected %d" % (s["support"], n))
                return
    fail("sentence not in briefing: %r" % text)


def clusters(path, k, low, at_least):
    n = 0
    for line in open(path):
        c = json.loads(line)
        texts = [m["text"] for m in c["members"]]
        if len(texts) != c["size"] or c["size"] < 2:
            fail("cluster %d: size field %d, %d members" % (c["cluster"], c["size"], len(texts)))
        sh = [shingles(t, k) for t in texts]
        seen, todo = {0}, [0]
        while todo:
            i = todo.pop()
            for j in range(len(texts)):
                if j not in seen and jaccard(sh[i], sh[j]) >= low:
                    seen.add(j)
                    todo.append(j)
        if len(seen) != len(texts):
            fail("cluster %d is not connected at Jaccard %.2f" % (c["cluster"], low))
        n += 1
    if n < at_least:
        fail("%d clusters, expected at least %d" % (n, at_least))
    print("%d clusters connected" % n)


def stats(path, pairs):
    s = json.load(open(path))
    for kv in pairs:
        key, want = kv.split("=", 1)
        v = s
        for part in key.split("."):
            v = v[part]
        if str(v) != want:
            fail("%s = %s, expected %s" % (key, v, want))


def main():
    cmd, args = sys.argv[1], sys.argv[2:]
    if cmd == "nodup":
        nodup(args[0], int(args[1]), float(args[2]))
    elif cmd == "support":
        support(args[0], args[1], int(args[2]))
    elif cmd == "clusters":
        clusters(args[0], int(args[1]), float(args[2]), int(args[3]) if len(args) > 3 else 1)
    elif cmd == "stats":
        stats(args[0], args[1:])
    else:
        fail("unknown command " + cmd)


if __name__ == "__main__":
    main()
