#!/usr/bin/env python3
"""Speed rows of make bench (called by bench/run.sh).

  measure.py dump --name N --dump D --bin B --outdir O --rev R [--threads 1 2]
      floor (zstd -dc < D > /dev/null, best of --floor-reps), then
      B -q -jT --stats --groups -o ... D for each T; one JSON row per run
  measure.py summary --rows R --rev REV --session S
      growth (largest / smallest dump wall at -j2) and thread speedup
      (-j1 wall / -j2 wall, largest dump) rows from the session's rows
  measure.py results --rows R --file bench/RESULTS.md
      rewrites the generated part of the "Speed (issue 4)" section with the
      latest row of each kind found in R

Rows go to stdout, one JSON object a line.  Each child is timed with
time.monotonic() around fork/exec and os.wait4(), whose rusage is that
child's alone: peak_rss_kb is its ru_maxrss (kB on Linux).
"""
import argparse
import json
import os
import subprocess
import sys
import time

BEGIN = "<!-- speed-rows:begin (bench/measure.py results; do not edit) -->"
END = "<!-- speed-rows:end -->"
SECTION = "## Speed (issue 4)"


def run_child(argv, stdin=None, stdout=None, stderr=None):
    """(exit status, wall seconds, peak RSS kB) of one child."""
    t0 = time.monotonic()
    p = subprocess.Popen(argv, stdin=stdin, stdout=stdout, stderr=stderr)
    _, status, ru = os.wait4(p.pid, 0)
    wall = time.monotonic() - t0
    p.returncode = os.waitstatus_to_exitcode(status)
    return p.returncode, wall, ru.ru_maxrss


def floor_s(dump, reps):
    best = None
    for _ in range(reps):
        with open(dump, "rb") as f:  # stdin: zstd skips a symlink argument
            rc, wall, _ = run_child(["zstd", "-dcq"], stdin=f,
                                    stdout=subprocess.DEVNULL)
        if rc != 0:
            raise SystemExit("measure: zstd -dc %s failed (%d)" % (dump, rc))
        best = wall if best is None else min(best, wall)
    return best


def input_bytes(dump, cache):
    """Uncompressed size of dump, cached in the file cache (the dump's
    frames carry no content size)."""
    st = os.stat(dump)
    key = "%d %d" % (st.st_size, int(st.st_mtime))
    try:
        with open(cache) as f:
            k, n = f.read().rsplit(" ", 1)
            if k == key:
                return int(n)
    except (OSError, ValueError):
        pass
    n = 0
    with open(dump, "rb") as f:
        p = subprocess.Popen(["zstd", "-dcq"], stdin=f, stdout=subprocess.PIPE)
        while True:
            b = p.stdout.read(1 << 20)
            if not b:
                break
            n += len(b)
        if p.wait() != 0:
            raise SystemExit("measure: zstd -dc %s failed" % dump)
    tmp = cache + ".tmp%d" % os.getpid()
    with open(tmp, "w") as f:
        f.write("%s %d" % (key, n))
    os.replace(tmp, cache)
    return n


def emit(row, rows_file):
    line = json.dumps(row)
    print(line, flush=True)
    if rows_file:
        with open(rows_file, "a") as f:
            f.write(line + "\n")


def cmd_dump(a):
    nbytes = input_bytes(a.dump, os.path.join(a.outdir, a.name + ".bytes"))
    fl = floor_s(a.dump, a.floor_reps)
    bad = 0
    for t in a.threads:
        load = os.getloadavg()[0]
        base = os.path.join(a.outdir, "%s-j%d" % (a.name, t))
        stats = base + ".stats.json"
        for f in (stats, base + ".groups.jsonl"):
            if os.path.exists(f):
                os.unlink(f)
        argv = [a.bin, "-q", "-j%d" % t, "--stats", stats,
                "--groups", base + ".groups.jsonl", "-o", base + ".md",
                a.dump]
        with open(base + ".stderr", "wb") as err:
            rc, wall, rss = run_child(argv, stdin=subprocess.DEVNULL,
                                      stderr=err)
        try:
            with open(stats) as f:
                st = json.load(f)
        except (OSError, ValueError):
            st = {}
        inp = st.get("input", {})
        row = {
            "bench": "briefing", "dump": a.name,
            "input_bytes": nbytes, "text_bytes": inp.get("bytes"),
            "articles": inp.get("articles_used"),
            "sentences": inp.get("sentences"),
            "threads": t, "wall_s": round(wall, 3),
            "mb_per_s": round(nbytes / 1e6 / wall, 2),
            "peak_rss_kb": rss,
            "stages_s": st.get("seconds", {}),
            "floor_s": round(fl, 3), "ratio_to_floor": round(wall / fl, 1),
            "exit": rc, "loadavg_1m": round(load, 2),
            "loadavg_1m_after": round(os.getloadavg()[0], 2),
            "rev": a.rev, "bin_id": a.bin_id, "session": a.session,
            "time": time.strftime("%Y-%m-%dT%H:%M:%S"),
        }
        emit(row, a.rows)
        if rc != 0:
            print("measure: %s exited %d, see %s.stderr" % (a.bin, rc, base),
                  file=sys.stderr)
            bad = 1
    return bad


def load_rows(path):
    rows = []
    try:
        with open(path) as f:
            for line in f:
                try:
                    rows.append(json.loads(line))
                except ValueError:
                    pass
    except OSError:
        pass
    return rows


def size_key(name):
    """dump-100M < dump-1G: by the size suffix."""
    s = name.rsplit("-", 1)[-1]
    mult = {"K": 1 << 10, "M": 1 << 20, "G": 1 << 30}.get(s[-1:], 1)
    try:
        return float(s.rstrip("KMG")) * mult
    except ValueError:
        return 0.0


def cmd_summary(a):
    rows = [r for r in load_rows(a.rows)
            if r.get("session") == a.session and r.get("bench") == "briefing"
            and r.get("exit") == 0]
    wall = {(r["dump"], r["threads"]): r for r in rows}
    dumps = sorted({r["dump"] for r in rows}, key=size_key)
    if len(dumps) >= 2 and (dumps[0], 2) in wall and (dumps[-1], 2) in wall:
        s, l = wall[(dumps[0], 2)], wall[(dumps[-1], 2)]
        emit({"bench": "growth", "from": dumps[0], "to": dumps[-1],
              "threads": 2,
              "bytes_ratio": round(l["input_bytes"] / s["input_bytes"], 2),
              "wall_ratio": round(l["wall_s"] / s["wall_s"], 2),
              "rss_ratio": round(l["peak_rss_kb"] / s["peak_rss_kb"], 2),
              "rev": a.rev, "session": a.session}, a.rows)
    if dumps and (dumps[-1], 1) in wall and (dumps[-1], 2) in wall:
        j1, j2 = wall[(dumps[-1], 1)], wall[(dumps[-1], 2)]
        emit({"bench": "speedup", "dump": dumps[-1],
              "j1_wall_s": j1["wall_s"], "j2_wall_s": j2["wall_s"],
              "speedup": round(j1["wall_s"] / j2["wall_s"], 2),
              "rev": a.rev, "session": a.session}, a.rows)
    return 0


def latest(rows):
    """Latest row of each (bench, dump, threads)."""
    out = {}
    for r in rows:
        out[(r.get("bench"), r.get("dump", r.get("to")),
             r.get("threads"))] = r
    return out


def render(rows, rows_file):
    last = latest(rows)
    runs = sorted((r for k, r in last.items() if k[0] == "briefing"),
                  key=lambda r: (size_key(r["dump"]), r["threads"]))
    lines = ["| dump | threads | wall s | MB/s | peak RSS MB | floor s "
             "| ratio to floor | articles | load before/after | rev | when |",
             "|---|---:|---:|---:|---:|---:|---:|---:|---:|---|---|"]
    for r in runs:
        lines.append("| %s | %d | %.2f | %.1f | %.0f | %.3f | %.0f | %s "
                     "| %s | %s | %s |" % (
                         r["dump"], r["threads"], r["wall_s"], r["mb_per_s"],
                         r["peak_rss_kb"] / 1024, r["floor_s"],
                         r["ratio_to_floor"], r["articles"],
                         "%s/%s" % (r.get("loadavg_1m", "-"),
                                    r.get("loadavg_1m_after", "-")),
                         r["rev"],
                         r.get("time", "")))
    keys = []  # stages in the order --stats gives them, "total" last
    for r in runs:
        for k in r.get("stages_s", {}):
            if k not in keys:
                keys.append(k)
    if "total" in keys:
        keys.remove("total")
        keys.append("total")
    stage = ["", "Per-stage seconds (from --stats):", "",
             "| dump | threads | " + " | ".join(keys) + " |",
             "|---|---:|" + "---:|" * len(keys)]
    for r in runs:
        s = r.get("stages_s", {})
        stage.append("| %s | %d | %s |" % (r["dump"], r["threads"], " | ".join(
            "%.2f" % s[k] if k in s else "-" for k in keys)))
    lines += stage
    other = [r for k, r in last.items() if k[0] != "briefing"]
    order = ["growth", "speedup", "copies", "minhash", "minhash_band",
             "bandsort", "hashset32_20", "hashset32_40", "pagerank",
             "segment", "normalize"]
    other.sort(key=lambda r: (order.index(r["bench"]) if r["bench"] in order
                              else 99, size_key(r.get("dump", ""))))
    cop = sorted((r for k, r in last.items() if k[0] == "copies"),
                 key=lambda r: size_key(r["dump"]))
    if cop:
        lines += ["", "Near-copy article pairs vs the truth (-j2 groups; "
                  "bar: recall >= 0.95, precision >= 0.99):", "",
                  "| dump | true pairs | found pairs | recall | precision "
                  "| pass |", "|---|---:|---:|---:|---:|---|"]
        lines += ["| %s | %d | %d | %.4f | %.4f | %s |" % (
            r["dump"], r["copy_pairs_true"], r["found"], r["recall"],
            r["precision"], "yes" if r.get("pass") else "NO") for r in cop]
    ker = [last[k] for k in sorted(last) if k[0] in
           ("minhash", "minhash_band", "bandsort", "hashset32_20",
            "hashset32_40", "pagerank", "segment", "normalize")]
    if ker:
        unit = {"minhash": "ns/shingle (128 perms)",
                "minhash_band": "ns/shingle/band (5 perms)",
                "bandsort": "ns/key", "hashset32_20": "ns/set of 20",
                "hashset32_40": "ns/set of 40",
                "pagerank": "ns/edge/iteration", "segment": "ns/byte",
                "normalize": "ns/byte"}
        lines += ["", "Kernels (1 thread, fastest of %s runs):" %
                  ker[0].get("reps", "?"), "",
                  "| kernel | n | ns per item | MB/s | rev |",
                  "|---|---:|---:|---:|---|"]
        lines += ["| %s | %d | %.2f %s | %s | %s |" % (
            r["bench"], r["n"], r["ns_per_item"], unit[r["bench"]],
            "-" if r.get("mb_per_s") is None else "%.0f" % r["mb_per_s"],
            r.get("rev", "")) for r in ker]
    lines += ["", "Latest rows (`%s`):" % rows_file, "", "```"]
    lines += [json.dumps(r) for r in runs + other]
    lines += ["```"]
    return "\n".join(lines)


def cmd_results(a):
    rows = load_rows(a.rows)
    if not rows:
        print("measure: no rows in %s" % a.rows, file=sys.stderr)
        return 1
    block = BEGIN + "\n" + render(rows, a.rows) + "\n" + END
    try:
        with open(a.file) as f:
            text = f.read()
    except FileNotFoundError:
        text = "# Results\n"
    if BEGIN in text and END in text:
        i, j = text.index(BEGIN), text.index(END) + len(END)
        text = text[:i] + block + text[j:]
    elif SECTION in text:  # section without rows: put them at its end
        i = text.index(SECTION)
        j = text.find("\n## ", i + len(SECTION))
        j = len(text) if j < 0 else j + 1
        text = text[:j].rstrip("\n") + "\n\n" + block + "\n\n" + text[j:]
        text = text.rstrip("\n") + "\n"
    else:
        text = (text.rstrip("\n") + "\n\n" + SECTION + "\n\n"
                "Written by `make bench` (bench/run.sh); see bench/README.md."
                "\n\n" + block + "\n")
    tmp = a.file + ".tmp%d" % os.getpid()
    with open(tmp, "w") as f:
        f.write(text)
    os.replace(tmp, a.file)
    return 0


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    sub = ap.add_subparsers(dest="cmd", required=True)
    d = sub.add_parser("dump")
    d.add_argument("--name", required=True)
    d.add_argument("--dump", required=True)
    d.add_argument("--bin", required=True)
    d.add_argument("--outdir", required=True)
    d.add_argument("--threads", type=int, nargs="+", default=[1, 2])
    d.add_argument("--floor-reps", type=int, default=3)
    d.add_argument("--rows")
    d.add_argument("--rev", default="unknown")
    d.add_argument("--session", default="")
    d.add_argument("--bin-id", default="", help="sha1 prefix of --bin")
    s = sub.add_parser("summary")
    s.add_argument("--rows", required=True)
    s.add_argument("--rev", default="unknown")
    s.add_argument("--session", required=True)
    r = sub.add_parser("results")
    r.add_argument("--rows", required=True)
    r.add_argument("--file", required=True)
    a = ap.parse_args()
    return {"dump": cmd_dump, "summary": cmd_summary,
            "results": cmd_results}[a.cmd](a)


if __name__ == "__main__":
    sys.exit(main())
