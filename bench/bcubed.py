#!/usr/bin/env python3
"""B-cubed precision, recall and F1 of story groups against event labels.

  bcubed.py GROUPS.jsonl LABELS.jsonl[.zst] [--field event_id]

GROUPS: briefing --groups output ({"story":id,"articles":[ids],...} per line).
LABELS: the input articles, JSON Lines with "id" and the label field.
B-cubed (Bagga & Baldwin 1998): for each article, precision = share of its
story that has its label, recall = share of its label's articles in its
story; both averaged over articles.  Articles missing from GROUPS (skipped)
count as singleton stories.
"""
import argparse
import collections
import json
import subprocess
import sys


def read_lines(path):
    if path.endswith(".zst"):
        out = subprocess.run(["zstd", "-dcq", path], check=True, capture_output=True).stdout
        return out.decode("utf-8").splitlines()
    return open(path, encoding="utf-8").read().splitlines()


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("groups")
    ap.add_argument("labels")
    ap.add_argument("--field", default="event_id")
    ap.add_argument("--json", action="store_true")
    a = ap.parse_args()
    label = {}
    for line in read_lines(a.labels):
        if line.strip():
            r = json.loads(line)
            label[str(r["id"])] = r[a.field]
    story = {}
    for line in read_lines(a.groups):
        g = json.loads(line)
        for art in g["articles"]:
            story[art] = g["story"]
    nxt = -1
    for art in label:
        if art not in story:
            story[art] = nxt
            nxt -= 1
    by_story = collections.Counter(story[x] for x in label)
    by_label = collections.Counter(label.values())
    both = collections.Counter((story[x], label[x]) for x in label)
    p = sum(both[(story[x], label[x])] / by_story[story[x]] for x in label) / len(label)
    r = sum(both[(story[x], label[x])] / by_label[label[x]] for x in label) / len(label)
    f = 2 * p * r / (p + r) if p + r else 0.0
    res = {"articles": len(label), "events": len(by_label), "stories": len(by_story),
           "precision": round(p, 4), "recall": round(r, 4), "f1": round(f, 4)}
    print(json.dumps(res) if a.json else
          "articles %(articles)d events %(events)d stories %(stories)d  "
          "B3 P %(precision).4f R %(recall).4f F1 %(f1).4f" % res)


if __name__ == "__main__":
    sys.exit(main())
