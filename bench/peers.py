#!/usr/bin/env python3
"""One entry point for the PyTorch peers of the LM Workbook benchmarks (standard library only).

    peers.py run   [--python pypi|debian|PATH] [--makemore PATH] [-i names.txt] [--steps 3001] [--threads N]
                   [--workers N] [--warmup-steps 100] [--out FILE] [--verbose] [MODEL ...]
    peers.py table [--all-variants] [FILE ...]     join JSON lines (peers and Java) by model into one table
    peers.py models                                the models and what runs them

MODEL: mlp, rnn, gru, transformer (makemore.py --type MODEL, default configuration, unmodified), lstm-cell,
lstm-nn (bench/lstm_peer.py: makemore-style LSTMCell loop, nn.LSTM), or lstm (both); default: all of them.
`run` starts the chosen Python on bench/makemore_peer.py or bench/lstm_peer.py once per model and prints one JSON
line per run on stdout (the harness's line, plus "peer", "python_label" and "steps_requested"); progress goes to
stderr. The python: "pypi" = bench/.venv-torch/bin/python (bench/peer_env.sh makes it), "debian" =
/usr/bin/python3 (python3-torch), or a path. makemore is $MAKEMORE unless --makemore is given.
The runner itself needs no torch: its argument handling and the table are tested by bench/test_peers.py.
"""
import argparse
import json
import os
import shutil
import statistics
import subprocess
import sys
import tempfile

BENCH = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(BENCH)
PYTHONS = {"pypi": os.path.join(BENCH, ".venv-torch", "bin", "python"), "debian": "/usr/bin/python3"}
# runner model name -> (harness, its extra options, model as the JSON line names it)
MODELS = {
    "mlp": ("makemore_peer.py", ["--type", "mlp"], "mlp"),
    "rnn": ("makemore_peer.py", ["--type", "rnn"], "rnn"),
    "gru": ("makemore_peer.py", ["--type", "gru"], "gru"),
    "transformer": ("makemore_peer.py", ["--type", "transformer"], "transformer"),
    "lstm-cell": ("lstm_peer.py", ["--variant", "cell"], "lstm"),
    "lstm-nn": ("lstm_peer.py", ["--variant", "nn"], "lstm"),
}
ALIASES = {"lstm": ["lstm-cell", "lstm-nn"], "all": list(MODELS)}
MODEL_ORDER = ["mlp", "rnn", "gru", "lstm", "transformer"]


class UsageError(Exception):
    """Bad input: reported as one line, exit status 2."""


def expand_models(names):
    """['lstm', 'mlp'] -> ['lstm-cell', 'lstm-nn', 'mlp']; every model once, in the order given."""
    out = []
    for n in names or ["all"]:
        key = n.lower()
        if key in ALIASES:
            picked = ALIASES[key]
        elif key in MODELS:
            picked = [key]
        else:
            raise UsageError(f"unknown model '{n}' (choose from {', '.join(list(MODELS) + list(ALIASES))})")
        out.extend(m for m in picked if m not in out)
    return out


def resolve_python(spec, pythons=None):
    """'pypi' / 'debian' / a path -> (label, executable path); UsageError with the fix when it is missing."""
    pythons = PYTHONS if pythons is None else pythons
    if spec in pythons:
        path, label = pythons[spec], spec
        if not os.path.isfile(path):
            fix = "run bench/peer_env.sh" if spec == "pypi" else "apt-get install python3-torch (bench/peer_env.sh --debian)"
            raise UsageError(f"no {spec} python at {path}: {fix}")
        return label, path
    path = shutil.which(spec) if os.sep not in spec else spec
    if not path or not os.path.isfile(path):
        raise UsageError(f"python '{spec}' not found (use pypi, debian or a path to a python with torch)")
    return spec, path


def default_names():
    for c in (os.environ.get("NAMES"), os.path.join(os.environ.get("LMW_DATA_MIRROR", "/nonexistent"), "names.txt"),
              os.path.join(ROOT, "data", "cache", "names.txt")):
        if c and os.path.isfile(c):
            return c
    return None


def parser():
    ap = argparse.ArgumentParser(prog="peers.py", description=__doc__,
                                 formatter_class=argparse.RawDescriptionHelpFormatter)
    sub = ap.add_subparsers(dest="cmd", metavar="{run,table,models}")
    sub.required = True
    r = sub.add_parser("run", help="run peers, one JSON line each")
    r.add_argument("models", nargs="*", metavar="MODEL", help="mlp rnn gru transformer lstm-cell lstm-nn lstm all")
    r.add_argument("--python", default="pypi", help="pypi (bench/.venv-torch), debian (/usr/bin/python3) or a path")
    r.add_argument("--makemore", default=os.environ.get("MAKEMORE"), help="path to makemore.py (default $MAKEMORE)")
    r.add_argument("-i", "--input", default=None, help="names.txt (default $NAMES, $LMW_DATA_MIRROR/names.txt, "
                                                       "data/cache/names.txt)")
    r.add_argument("--steps", type=int, default=3001, help="makemore --max-steps (default 3001: evaluation at 3000)")
    r.add_argument("--threads", type=int, default=os.cpu_count(), help="torch intra-op threads (default: all cores)")
    r.add_argument("--workers", type=int, default=None, help="data-loader workers (default: makemore's 4)")
    r.add_argument("--warmup-steps", type=int, default=100, help="logged steps left out of the median (default 100)")
    r.add_argument("--seed", type=int, default=None, help="makemore --seed (default: makemore's 3407)")
    r.add_argument("--out", default=None, help="also append the JSON lines to this file")
    r.add_argument("--verbose", action="store_true", help="echo the full training logs and warnings to stderr")
    t = sub.add_parser("table", help="join JSON lines by model into one table")
    t.add_argument("files", nargs="*", help="files of JSON lines (default: stdin)")
    t.add_argument("--all-variants", action="store_true", help="one row per peer variant, not only the fastest")
    sub.add_parser("models", help="list the models")
    return ap


def check_run_args(a):
    """Validates `run` arguments; returns (models, label, python, makemore, names). UsageError on bad input."""
    models = expand_models(a.models)
    if a.steps < 1:
        raise UsageError(f"--steps must be >= 1 (got {a.steps}); 3001 gives makemore's evaluation at step 3000")
    if a.threads is None or a.threads < 1:
        raise UsageError(f"--threads must be >= 1 (got {a.threads})")
    if a.workers is not None and a.workers < 0:
        raise UsageError(f"--workers must be >= 0 (got {a.workers})")
    if a.warmup_steps < 0:
        raise UsageError(f"--warmup-steps must be >= 0 (got {a.warmup_steps})")
    if not a.makemore:
        raise UsageError("no makemore.py: set MAKEMORE or pass --makemore PATH (see bench/README.md)")
    if not os.path.isfile(a.makemore):
        raise UsageError(f"makemore.py not found at '{a.makemore}' (see bench/README.md, 'The PyTorch peers')")
    names = a.input or default_names()
    if not names or not os.path.isfile(names):
        raise UsageError(f"names.txt not found ('{names or ''}'): pass -i PATH or set NAMES or LMW_DATA_MIRROR")
    label, python = resolve_python(a.python)
    return models, label, python, os.path.abspath(a.makemore), os.path.abspath(names)


def harness_command(model, python, makemore, names, workdir, a):
    """The command line that runs one peer."""
    harness, extra, _ = MODELS[model]
    cmd = [python, os.path.join(BENCH, harness), "--makemore", makemore, "--threads", str(a.threads),
           "--warmup-steps", str(a.warmup_steps)]
    if a.verbose:
        cmd.append("--verbose")
    cmd += extra if harness == "lstm_peer.py" else []
    cmd += ["--"] + (extra if harness == "makemore_peer.py" else []) + [
        "--max-steps", str(a.steps), "-i", names, "-o", workdir]
    if a.workers is not None:
        cmd += ["--num-workers", str(a.workers)]
    if a.seed is not None:
        cmd += ["--seed", str(a.seed)]
    return cmd


def last_json_line(text):
    """The last line of text that parses as a JSON object, or None."""
    for line in reversed(text.splitlines()):
        line = line.strip()
        if line.startswith("{"):
            try:
                v = json.loads(line)
            except ValueError:
                continue
            if isinstance(v, dict):
                return v
    return None


def run_one(model, label, python, makemore, names, a):
    workdir = tempfile.mkdtemp(prefix=f"peer-{model}-")
    cmd = harness_command(model, python, makemore, names, workdir, a)
    env = dict(os.environ)
    if not a.verbose:
        env["PYTHONWARNINGS"] = "ignore::UserWarning"  # DataLoader's worker-count and F.tanh notices
    load_before = os.getloadavg()[0]
    print(f"== {model} on {label} ({python}): {a.steps} steps; load average {load_before:.2f}", file=sys.stderr,
          flush=True)
    tail = []
    try:
        with tempfile.TemporaryFile("w+") as out:
            p = subprocess.Popen(cmd, stdout=out, stderr=subprocess.PIPE, text=True, env=env)
            # stderr carries progress: echo it live and keep the last lines for an error message
            for line in p.stderr:
                sys.stderr.write(line)
                tail = (tail + [line.rstrip()])[-8:]
            rc = p.wait()
            out.seek(0)
            stdout = out.read()
    finally:
        shutil.rmtree(workdir, ignore_errors=True)
    result = last_json_line(stdout)
    if rc != 0 or result is None:
        why = tail[-1] if tail else "no output"
        print(f"peers.py: {model} failed under {python} (exit {rc}): {why}", file=sys.stderr)
        return None
    result.update({"peer": model, "python_label": label, "steps_requested": a.steps,
                   "loadavg_before": round(load_before, 2), "loadavg_after": round(os.getloadavg()[0], 2)})
    return result


def cmd_run(a):
    models, label, python, makemore, names = check_run_args(a)
    failed = 0
    for m in models:
        r = run_one(m, label, python, makemore, names, a)
        if r is None:
            failed += 1
            continue
        line = json.dumps(r)
        print(line, flush=True)
        if a.out:
            with open(a.out, "a") as f:
                f.write(line + "\n")
    return 1 if failed else 0


# ---------------------------------------------------------------------------------------------------------------
# the table: peers' and Java's JSON lines joined by model

def read_json_lines(lines):
    """JSON objects among lines (other lines, e.g. a benchmark's log, are skipped)."""
    out = []
    for line in lines:
        line = line.strip()
        if line.startswith("{"):
            try:
                v = json.loads(line)
            except ValueError:
                continue
            if isinstance(v, dict):
                out.append(v)
    return out


def is_peer(r):
    return str(r.get("side", "")).startswith("pytorch")


def blas_of(r):
    b = r.get("blas")
    if isinstance(b, dict):
        if b.get("summary"):
            return b["summary"]
        libs = [os.path.basename(x) for x in b.get("loaded_libs") or []]
        return ", ".join(libs) or b.get("build_blas_info") or "?"
    return str(b) if b else "?"


def _num(v, spec):
    return "—" if not isinstance(v, (int, float)) else format(v, spec)


def merge_rounds(rs):
    """Several rounds of one side (same model, build, variant) -> one record: the last one, with the medians of
    median_step_ms and median_step_cpu_ms over the rounds and "rounds" set."""
    out = dict(rs[-1])
    for key in ("median_step_ms", "median_step_cpu_ms"):
        vs = [r[key] for r in rs if isinstance(r.get(key), (int, float))]
        out[key] = statistics.median(vs) if vs else None
    out["rounds"] = len(rs)
    return out


def _ms(r):
    v = r.get("median_step_ms")
    return v if isinstance(v, (int, float)) else float("inf")


def join_rows(records, all_variants=False):
    """One row per (model, Java variant, torch build): the fastest peer variant (or every variant) beside the Java
    line; repeated rounds of one side are merged first (medians, merge_rounds)."""
    peer_groups, java_groups = {}, {}
    for r in records:
        if not r.get("model"):
            continue
        if is_peer(r):
            key = (r["model"], r.get("python_label") or r.get("torch_version"), r.get("variant"))
            peer_groups.setdefault(key, []).append(r)
        else:
            java_groups.setdefault((r["model"], r.get("java_variant") or ""), []).append(r)
    peers, java = {}, {}
    for (m, label, _), rs in peer_groups.items():
        peers.setdefault((m, label), []).append(merge_rounds(rs))
    for (m, jv), rs in java_groups.items():
        java.setdefault(m, []).append(merge_rounds(rs))
    models = sorted({m for m, _ in peers} | set(java),
                    key=lambda m: (MODEL_ORDER.index(m) if m in MODEL_ORDER else len(MODEL_ORDER), m))
    rows = []
    for m in models:
        labels = [k for k in peers if k[0] == m]
        for j in java.get(m) or [None]:
            if not labels:
                rows.append({"model": m, "peer": None, "java": j, "variants": 0})
            for k in labels:
                rs = sorted(peers[k], key=_ms)
                for i, r in enumerate(rs if all_variants else rs[:1]):
                    rows.append({"model": m, "peer": r, "java": j, "variants": len(rs), "rank": i})
    return rows


COLUMNS = ["model", "torch build", "PyTorch variant", "torch ms/step", "Java ms/step", "Java/torch",
           "CPU ms torch / Java", "Java/torch CPU", "test loss torch", "test loss Java", "dtype torch / Java",
           "threads torch / Java", "rounds", "torch", "BLAS", "load avg"]


def _ratio(a, b):
    return a / b if isinstance(a, (int, float)) and isinstance(b, (int, float)) and b > 0 else None


def row_cells(row):
    p, j = row["peer"] or {}, row["java"] or {}
    pm, jm = p.get("median_step_ms"), j.get("median_step_ms")
    pc, jc = p.get("median_step_cpu_ms"), j.get("median_step_cpu_ms")
    variant = p.get("variant") or "—"
    if row["variants"] > 1 and row.get("rank", 0) == 0:
        variant += f" [fastest of {row['variants']}]"
    java_threads = j.get("threads", j.get("cores")) if j else None
    step = p.get("eval_step")
    model = row["model"] + (f" ({j['java_variant']})" if j.get("java_variant") else "")
    rounds = "/".join(str(x.get("rounds", 1)) for x in (p, j) if x) or "—"
    return [model, p.get("python_label") or "—", variant, _num(pm, ".2f"), _num(jm, ".2f"),
            _num(_ratio(jm, pm), ".2f"), f"{_num(pc, '.2f')} / {_num(jc, '.2f')}", _num(_ratio(jc, pc), ".2f"),
            _num(p.get("last_test_loss"), ".4f") + (f" @{step}" if step is not None else ""),
            _num(j.get("last_test_loss"), ".4f"),
            f"{p.get('dtype', '—')} / {j.get('dtype', '—') if j else '—'}",
            f"{p.get('threads', '—')} / {java_threads if java_threads is not None else '—'}", rounds,
            str(p.get("torch_version", "—")), blas_of(p) if p else "—",
            f"{_num(p.get('loadavg_before'), '.1f')} → {_num(p.get('loadavg_after'), '.1f')}" if p else "—"]


def render_table(rows):
    """A Markdown table (readable as text too)."""
    cells = [COLUMNS] + [row_cells(r) for r in rows]
    widths = [max(len(c[i]) for c in cells) for i in range(len(COLUMNS))]
    fmt = lambda cs: "| " + " | ".join(c.ljust(w) for c, w in zip(cs, widths)) + " |"
    lines = [fmt(cells[0]), "|" + "|".join("-" * (w + 2) for w in widths) + "|"]
    lines += [fmt(c) for c in cells[1:]]
    return "\n".join(lines)


def cmd_table(a):
    lines = []
    if a.files:
        for f in a.files:
            if not os.path.isfile(f):
                raise UsageError(f"no such file: {f}")
            with open(f) as fh:
                lines += fh.read().splitlines()
    else:
        lines = sys.stdin.read().splitlines()
    records = read_json_lines(lines)
    if not records:
        raise UsageError("no JSON lines to tabulate (expected the output of `peers.py run` and/or a Java side)")
    print(render_table(join_rows(records, a.all_variants)))
    return 0


def cmd_models(_):
    for m, (h, extra, jm) in MODELS.items():
        print(f"{m:12s} {h} {' '.join(extra)}  (JSON model '{jm}')")
    return 0


def main(argv=None):
    a = parser().parse_args(argv)
    try:
        return {"run": cmd_run, "table": cmd_table, "models": cmd_models}[a.cmd](a)
    except UsageError as e:
        print(f"peers.py: {e}", file=sys.stderr)
        return 2


if __name__ == "__main__":
    sys.exit(main())
