#!/usr/bin/env python3
"""The table of bench/nanogpt.sh (standard library only): nanoGPT's CPU recipe, the library against nanoGPT.

    nanogpt_table.py FILE ...     JSON lines of bench/nanogpt_peer.py (nanoGPT) and NanoGptBenchmark (the library)

One row per side — the library at each precision, nanoGPT on each torch build — with the medians over rounds of
the median ms per iteration (wall clock), the median CPU ms per iteration of the training thread, the val loss at
the last estimate, and then the ratios library / nanoGPT (below 1: the library is faster) for every pair, on the
wall clock and in CPU time. Rows of other runs (another iteration count, another thread count) are kept apart.
"""
import json
import statistics
import sys


def load(paths):
    rows = []
    for path in paths:
        with open(path) as f:
            for n, line in enumerate(f, 1):
                line = line.strip()
                if not line.startswith("{"):
                    continue
                try:
                    rows.append(json.loads(line))
                except json.JSONDecodeError as e:
                    raise SystemExit(f"nanogpt_table.py: {path}:{n}: not a JSON line ({e.msg})")
    return rows


def side_key(r):
    """('java', 'float32') or ('torch', 'pypi'), with the run's iterations and threads."""
    if r.get("side") == "lmworkbook-java":
        return ("library", r.get("dtype", "?"), r.get("last_iter"), r.get("threads"))
    return ("nanoGPT", r.get("build", r.get("python", "?")), r.get("last_iter"), r.get("threads"))


def med(values):
    v = [x for x in values if isinstance(x, (int, float))]
    return statistics.median(v) if v else None


def summarize(rows):
    groups = {}
    for r in rows:
        groups.setdefault(side_key(r), []).append(r)
    out = []
    for key, rs in groups.items():
        loads = [x for r in rs for x in (r.get("loadavg_before"), r.get("loadavg_after", r.get("loadavg")))
                 if isinstance(x, (int, float))]
        first = rs[0]
        out.append({
            "side": key[0], "variant": key[1], "iters": key[2], "threads": key[3], "rounds": len(rs),
            "ms": med(r.get("median_iter_ms") for r in rs),
            "cpu_ms": med(r.get("median_iter_cpu_ms") for r in rs),
            "val": med(r.get("last_val_loss") for r in rs),
            "train": med(r.get("last_train_loss") for r in rs),
            "eval_iter": first.get("eval_iter"),
            "precision": first.get("dtype", "?"),
            "detail": (first.get("torch_version", "") + (" " + first["blas"]["summary"] if isinstance(
                first.get("blas"), dict) and first["blas"].get("summary") else "")) if key[0] == "nanoGPT"
            else first.get("kernel", ""),
            "load": f"{min(loads):.1f}–{max(loads):.1f}" if loads else "—",
        })
    out.sort(key=lambda s: (s["iters"] or 0, s["threads"] or 0, s["side"] != "library", str(s["variant"])))
    return out


def fmt(x, digits=1):
    return "—" if x is None else f"{x:.{digits}f}"


def table(summary):
    lines = ["| side | build / precision | threads | iterations | rounds | ms/iter (wall) | CPU ms/iter | "
             "val loss @iter | load avg | details |",
             "|---|---|---|---|---|---|---|---|---|---|"]
    for s in summary:
        lines.append(f"| {s['side']} | {s['variant']} ({s['precision']}) | {s['threads']} | {s['iters']} | "
                     f"{s['rounds']} | {fmt(s['ms'])} | {fmt(s['cpu_ms'])} | {fmt(s['val'], 4)} @{s['eval_iter']} | "
                     f"{s['load']} | {s['detail']} |")
    ratios = ["", "| library | nanoGPT on | threads | iterations | library/nanoGPT (wall) | library/nanoGPT (CPU) | "
                  "val loss library − nanoGPT |", "|---|---|---|---|---|---|---|"]
    any_ratio = False
    for j in summary:
        if j["side"] != "library":
            continue
        for t in summary:
            if t["side"] != "nanoGPT" or t["iters"] != j["iters"] or t["threads"] != j["threads"]:
                continue
            any_ratio = True
            wall = j["ms"] / t["ms"] if j["ms"] and t["ms"] else None
            cpu = j["cpu_ms"] / t["cpu_ms"] if j["cpu_ms"] and t["cpu_ms"] else None
            # val losses of different iterations are not compared (e.g. nanoGPT estimating only at 0)
            dv = j["val"] - t["val"] if j["val"] is not None and t["val"] is not None \
                and j["eval_iter"] == t["eval_iter"] else None
            ratios.append(f"| {j['variant']} | {t['variant']} | {j['threads']} | {j['iters']} | **{fmt(wall, 2)}** | "
                          f"{fmt(cpu, 2)} | {fmt(dv, 4) if dv is None else f'{dv:+.4f}'} |")
    return "\n".join(lines + (ratios if any_ratio else []))


def main(argv=None):
    argv = sys.argv[1:] if argv is None else argv
    if not argv or argv[0] in ("-h", "--help"):
        print(__doc__)
        return 0 if argv else 2
    rows = load(argv)
    if not rows:
        print("nanogpt_table.py: no JSON lines in " + ", ".join(argv), file=sys.stderr)
        return 1
    print(table(summarize(rows)))
    return 0


if __name__ == "__main__":
    sys.exit(main())
