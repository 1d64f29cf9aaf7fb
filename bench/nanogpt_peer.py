#!/usr/bin/env python3
"""Side-by-side peer for the LM Workbook benchmarks: runs Karpathy's nanoGPT (train.py) unmodified, on its
README's CPU recipe for character-level Tiny Shakespeare.

nanoGPT is NOT part of this repository (see bench/README.md, "nanoGPT's CPU recipe"): clone it yourself and pass
its directory. This harness
  1. makes a scratch working directory (nothing is written into the clone): symbolic links to train.py, model.py,
     configurator.py and config/ of the clone, and data/shakespeare_char/ holding a link to its prepare.py and a
     copy of the text as input.txt (prepare.py downloads the text only when input.txt is missing; it imports
     `requests` all the same, so a stand-in module is installed when requests is not importable);
  2. runs prepare.py there (runpy; it writes train.bin, val.bin and meta.pkl: nanoGPT's contiguous 90/10 split);
  3. sets torch's intra-op thread count and runs train.py as __main__ (runpy) with the recipe's arguments
        config/train_shakespeare_char.py --device=cpu --compile=False --eval_iters=20 --log_interval=1
        --block_size=64 --batch_size=12 --n_layer=4 --n_head=4 --n_embd=128 --max_iters=2000
        --lr_decay_iters=2000 --dropout=0.0
     followed by anything given after `--` (e.g. --max_iters=100 --lr_decay_iters=100 for a quick check);
  4. captures what it prints and parses
        "iter N: loss L, time Tms, mfu M%"                (every iteration with --log_interval=1)
        "step N: train loss A, val loss B"                (every eval_interval = 250 iterations)
  5. prints a one-line JSON summary on stdout, and with --csv FILE writes the logged numbers as CSV:
        kind,iter,loss,train_loss,val_loss,ms      (kind "iter" or "eval")

The iteration time is nanoGPT's own (wall clock from the end of one iteration to the end of the next: it
includes the evaluation at every 250th iteration, which the median leaves out). The CPU time per iteration is
the printing thread's (time.thread_time() at each iteration line; with one intra-op thread all of torch's work
runs on it): steadier than the wall clock on a loaded machine.

Usage:
  python bench/nanogpt_peer.py [--nanogpt DIR] [--text FILE] [--threads N] [--warmup-iters W] [--csv FILE]
      [--verbose] [-- --max_iters=100 ...]
DIR defaults to $NANOGPT; FILE to $LMW_DATA_MIRROR/tinyshakespeare.txt, then data/cache/tinyshakespeare.txt.
"""
import argparse
import csv
import io
import json
import os
import re
import runpy
import shutil
import statistics
import sys
import tempfile
import time
import types

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import peer_info  # noqa: E402  (bench/peer_info.py, stdlib only at import time)

ITER_RE = re.compile(r"^iter (\d+): loss ([0-9.eE+-]+|nan|inf), time ([0-9.]+)ms")
EVAL_RE = re.compile(r"^step (\d+): train loss ([0-9.eE+-]+|nan|inf), val loss ([0-9.eE+-]+|nan|inf)")
PARAMS_RE = re.compile(r"^number of parameters: ([0-9.]+)M")

# nanoGPT README's CPU recipe ("I only have a macbook"), with one line per iteration
RECIPE = ["config/train_shakespeare_char.py", "--device=cpu", "--compile=False", "--eval_iters=20",
          "--log_interval=1", "--block_size=64", "--batch_size=12", "--n_layer=4", "--n_head=4", "--n_embd=128",
          "--max_iters=2000", "--lr_decay_iters=2000", "--dropout=0.0"]
NEEDED = ["train.py", "model.py", "configurator.py", "config/train_shakespeare_char.py",
          "data/shakespeare_char/prepare.py"]


class Tee(io.TextIOBase):
    """Collects complete lines, marks the thread's CPU time at each iteration line, echoes progress."""

    def __init__(self, echo=None, verbose=False):
        self.lines = []
        self.cpu_marks = []  # (iter, CPU seconds of the printing thread)
        self.partial = ""
        self.echo = echo
        self.verbose = verbose

    def write(self, s):
        self.partial += s
        *done, self.partial = self.partial.split("\n")
        for line in done:
            self.lines.append(line)
            m = ITER_RE.match(line)
            if m:
                self.cpu_marks.append((int(m.group(1)), time.thread_time()))
            if self.echo is not None and (self.verbose or EVAL_RE.match(line)):
                self.echo.write("  " + line + "\n")
                self.echo.flush()
        return len(s)

    def flush(self):
        if self.echo is not None:
            self.echo.flush()


def fail(message):
    """Bad input: one line on stderr, exit status 2."""
    print("nanogpt_peer.py: " + message, file=sys.stderr)
    sys.exit(2)


def default_text():
    mirror = os.environ.get("LMW_DATA_MIRROR")
    here = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
    for p in ([os.path.join(mirror, "tinyshakespeare.txt")] if mirror else []) + [
            os.path.join(here, "data", "cache", "tinyshakespeare.txt")]:
        if os.path.isfile(p):
            return p
    return None


def check_clone(d):
    """None if d looks like a nanoGPT clone, else the one-line problem."""
    if not d:
        return "no nanoGPT directory: pass --nanogpt DIR or set NANOGPT (git clone https://github.com/karpathy/nanoGPT)"
    missing = [f for f in NEEDED if not os.path.isfile(os.path.join(d, f))]
    if missing:
        return f"'{d}' is not a nanoGPT clone: {', '.join(missing)} missing"
    return None


def make_workdir(clone, text):
    """A scratch directory that looks like the clone to train.py; returns its path."""
    w = tempfile.mkdtemp(prefix="nanogpt-peer-")
    for name in ["train.py", "model.py", "configurator.py", "config"]:
        os.symlink(os.path.join(os.path.abspath(clone), name), os.path.join(w, name))
    d = os.path.join(w, "data", "shakespeare_char")
    os.makedirs(d)
    os.symlink(os.path.join(os.path.abspath(clone), "data", "shakespeare_char", "prepare.py"),
               os.path.join(d, "prepare.py"))
    shutil.copyfile(text, os.path.join(d, "input.txt"))
    return w


def install_requests_stub():
    """prepare.py imports requests but uses it only when input.txt is missing (never here)."""
    try:
        import requests  # noqa: F401
        return False
    except ImportError:
        mod = types.ModuleType("requests")

        def get(*args, **kwargs):
            raise RuntimeError("nanogpt_peer.py: no download here (input.txt should exist)")
        mod.get = get
        sys.modules["requests"] = mod
        return True


def parse_log(lines):
    """iteration lines -> [(iter, loss, ms)], evaluation lines -> [(iter, train, val)]."""
    iters, evals = [], []
    for line in lines:
        m = ITER_RE.match(line)
        if m:
            iters.append((int(m.group(1)), float(m.group(2)), float(m.group(3))))
            continue
        m = EVAL_RE.match(line)
        if m:
            evals.append((int(m.group(1)), float(m.group(2)), float(m.group(3))))
    return iters, evals


def cpu_ms_per_iter(marks, warmup):
    per = [(c1 - c0) * 1e3 / (s1 - s0) for (s0, c0), (s1, c1) in zip(marks, marks[1:])
           if s0 >= warmup and s1 > s0]
    return statistics.median(per) if per else None


def write_csv(path, iters, evals):
    with open(path, "w", newline="") as f:
        w = csv.writer(f)
        w.writerow(["kind", "iter", "loss", "train_loss", "val_loss", "ms"])
        for it, loss, ms in iters:
            w.writerow(["iter", it, f"{loss:.4f}", "", "", f"{ms:.2f}"])
        for it, tr, va in evals:
            w.writerow(["eval", it, "", f"{tr:.4f}", f"{va:.4f}", ""])


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--nanogpt", default=os.environ.get("NANOGPT"), help="the nanoGPT clone (default: $NANOGPT)")
    ap.add_argument("--text", default=None, help="tinyshakespeare.txt (default: $LMW_DATA_MIRROR/..., data/cache/...)")
    ap.add_argument("--threads", type=int, default=os.cpu_count(), help="torch intra-op threads (default: all cores)")
    ap.add_argument("--warmup-iters", type=int, default=50, help="iterations below this are left out of the medians")
    ap.add_argument("--csv", default=None, help="write the logged iterations and evaluations to this CSV file")
    ap.add_argument("--keep", action="store_true", help="keep the scratch working directory")
    ap.add_argument("--verbose", action="store_true", help="echo every line nanoGPT prints to stderr")
    ap.add_argument("extra", nargs=argparse.REMAINDER, help="more train.py arguments (after --)")
    a = ap.parse_args()
    extra = a.extra[1:] if a.extra[:1] == ["--"] else a.extra
    problem = check_clone(a.nanogpt)
    if problem:
        fail(problem)
    text = a.text or default_text()
    if not text or not os.path.isfile(text):
        fail(f"tinyshakespeare.txt not found ('{text}'): pass --text or set LMW_DATA_MIRROR")
    if a.threads is None or a.threads < 1:
        fail(f"--threads must be >= 1 (got {a.threads})")
    bad = [x for x in extra if not (x.startswith("--") and "=" in x)]
    if bad:
        fail(f"train.py arguments after -- must be --key=value, got '{bad[0]}'")
    try:
        import torch
    except ImportError:
        fail(f"torch is not importable by {sys.executable}: use bench/.venv-torch/bin/python (bench/peer_env.sh) "
             f"or /usr/bin/python3 with Debian's python3-torch")
    torch.set_num_threads(a.threads)

    work = make_workdir(a.nanogpt, text)
    old_cwd, old_argv, old_stdout = os.getcwd(), sys.argv, sys.stdout
    stubbed = install_requests_stub()
    tee = Tee(echo=sys.stderr, verbose=a.verbose)
    t0 = time.time()
    try:
        os.chdir(work)
        sys.stdout = io.StringIO() if not a.verbose else sys.stderr
        sys.argv = ["prepare.py"]
        runpy.run_path(os.path.join("data", "shakespeare_char", "prepare.py"), run_name="__main__")
        sys.stdout = tee
        sys.path.insert(0, work)  # train.py imports model.py from its directory
        sys.argv = ["train.py"] + RECIPE + extra
        t1 = time.time()
        runpy.run_path("train.py", run_name="__main__")
        train_wall = time.time() - t1
    finally:
        sys.stdout, sys.argv = old_stdout, old_argv
        os.chdir(old_cwd)
        if not a.keep:
            shutil.rmtree(work, ignore_errors=True)
    iters, evals = parse_log(tee.lines)
    if not iters:
        sys.exit("nanogpt_peer.py: train.py printed no iteration lines")
    if a.csv:
        write_csv(a.csv, iters, evals)
    timed = [ms for (it, _, ms) in iters if it >= a.warmup_iters and it % 250 != 0]
    params = next((float(m.group(1)) for m in map(PARAMS_RE.match, tee.lines) if m), None)
    d = peer_info.describe(torch)
    summary = {
        "side": "pytorch-nanogpt",
        "model": "nanogpt-cpu",
        "variant": "nanoGPT train.py",
        "last_iter": iters[-1][0],
        "median_iter_ms": statistics.median(timed) if timed else None,
        "median_iter_cpu_ms": cpu_ms_per_iter(tee.cpu_marks, a.warmup_iters),
        "timed_samples": len(timed),
        "warmup_iters": a.warmup_iters,
        "eval_iter": evals[-1][0] if evals else None,
        "last_train_loss": evals[-1][1] if evals else None,
        "last_val_loss": evals[-1][2] if evals else None,
        "evals": [[it, tr, va] for it, tr, va in evals],
        "params_millions_non_embedding": params,
        "torch_version": torch.__version__,
        "threads": torch.get_num_threads(),
        "dtype": str(torch.get_default_dtype()).replace("torch.", ""),
        "blas": {"summary": peer_info.blas_summary(d), "build_blas_info": d.get("build_blas_info"),
                 "cpu_capability": d.get("cpu_capability"), "mkl_version": d.get("mkl_version"),
                 "warnings": d.get("warnings", [])},
        "python": sys.executable,
        "cpu": peer_info.cpu_model_and_flags()[0],
        "requests_stubbed": stubbed,
        "train_wall_s": round(train_wall, 2),
        "wall_s": round(time.time() - t0, 2),
        "nanogpt": os.path.abspath(a.nanogpt),
        "train_args": RECIPE + extra,
        "loadavg": os.getloadavg()[0],
    }
    print(json.dumps(summary))


if __name__ == "__main__":
    main()
