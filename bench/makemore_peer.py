#!/usr/bin/env python3
"""Side-by-side peer for the LM Workbook benchmarks: runs Karpathy's makemore.py unmodified.

makemore.py is NOT part of this repository (see bench/README.md for how to obtain it). This harness
  1. stubs torch.utils.tensorboard.SummaryWriter with a no-op if tensorboard is not installed
     (Debian's python3-torch ships without it; the PyPI wheel does not depend on it either),
  2. sets torch's intra-op thread count (default: all cores, i.e. os.cpu_count()),
  3. runs makemore.py as __main__ via runpy with the remaining arguments,
  4. captures what it prints and parses
        "step N | loss L | step time Tms"          (printed every 10 steps)
        "step N train loss: A test loss: B"        (printed every 500 steps)
  5. prints a one-line JSON summary on stdout (makemore's own output goes to stderr with --verbose;
     otherwise only its evaluation lines do, as progress).

Usage:
  python bench/makemore_peer.py [--makemore PATH] [--threads N] [--warmup-steps W] [--verbose] \
      -- --type mlp --max-steps 3001 -i names.txt -o /tmp/mm-out
PATH defaults to $MAKEMORE, then ./makemore.py. makemore evaluates at step index s (after that step's update)
when s > 0 and s % 500 == 0, and stops before index max-steps: --max-steps 3001 gives the evaluation at 3000.

The JSON keys (bench/peers.py table reads median_step_ms, median_step_cpu_ms, last_test_loss, eval_step,
torch_version, threads, dtype, blas.loaded_libs, blas.build_blas_info; bench/peers.py reads all):
  side, model, variant, type, last_step, median_step_ms, timed_samples, warmup_steps, last_batch_loss,
  eval_step, last_train_loss, last_test_loss, test_loss_note, torch_version, threads, dtype, workers, params,
  blas {build_blas_info, loaded_libs, summary, mkl_available, mkl_version, onednn_version, cpu_capability,
  openblas [...], warnings [...]}, python, cpu, tensorboard_stubbed, wall_s, makemore, makemore_args.
"""
import argparse
import io
import json
import os
import re
import runpy
import statistics
import sys
import time
import types

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import peer_info  # noqa: E402  (bench/peer_info.py, stdlib only at import time)

STEP_RE = re.compile(r"^step (\d+) \| loss ([0-9.eE+-]+|nan|inf) \| step time ([0-9.]+)ms")
EVAL_RE = re.compile(r"^step (\d+) train loss: ([0-9.eE+-]+|nan|inf) test loss: ([0-9.eE+-]+|nan|inf)")
PARAMS_RE = re.compile(r"^model #params: (\d+)")
MAKEMORE_DEFAULT_WORKERS = 4  # makemore.py: --num-workers/-n default


class Tee(io.TextIOBase):
    """Collects complete lines; optionally echoes them (or only lines matching `progress`) to another stream."""

    def __init__(self, echo=None, progress=None):
        self.lines = []
        self.cpu_marks = []  # (step, CPU seconds of the printing thread) at each makemore step line
        self.partial = ""
        self.echo = echo
        self.progress = progress

    def write(self, s):
        if self.echo is not None and self.progress is None:
            self.echo.write(s)
        self.partial += s
        *done, self.partial = self.partial.split("\n")
        self.lines.extend(done)
        for line in done:
            m = STEP_RE.match(line)
            if m:
                self.cpu_marks.append((int(m.group(1)), time.thread_time()))
        if self.echo is not None and self.progress is not None:
            for line in done:
                if self.progress.match(line):
                    self.echo.write("  " + line + "\n")
                    self.echo.flush()
        return len(s)

    def flush(self):
        if self.echo is not None:
            self.echo.flush()


def install_tensorboard_stub():
    try:
        from torch.utils.tensorboard import SummaryWriter  # noqa: F401
        return False
    except Exception:
        pass

    class SummaryWriter:  # no-op stand-in: accepts any call, records nothing
        def __init__(self, *args, **kwargs):
            pass

        def __getattr__(self, name):
            return lambda *args, **kwargs: None

    mod = types.ModuleType("torch.utils.tensorboard")
    mod.SummaryWriter = SummaryWriter
    sys.modules["torch.utils.tensorboard"] = mod
    import torch.utils
    torch.utils.tensorboard = mod
    return True


def blas_info(torch):
    """BLAS_INFO from torch's build config, the BLAS/OpenMP libraries actually mapped, MKL/oneDNN, OpenBLAS core."""
    d = peer_info.describe(torch)
    return {
        "build_blas_info": d.get("build_blas_info"),
        "loaded_libs": d.get("loaded_libs", []),
        "summary": peer_info.blas_summary(d),
        "mkl_available": d.get("mkl_available"),
        "mkl_version": d.get("mkl_version"),
        "onednn_version": d.get("onednn_version"),
        "cpu_capability": d.get("cpu_capability"),
        "openblas": d.get("openblas", []),
        "warnings": d.get("warnings", []),
    }


def parse_log(lines):
    """makemore's step lines -> [(step, loss, ms)], its evaluation lines -> [(step, train, test)]."""
    steps, evals = [], []
    for line in lines:
        m = STEP_RE.match(line)
        if m:
            steps.append((int(m.group(1)), float(m.group(2)), float(m.group(3))))
            continue
        m = EVAL_RE.match(line)
        if m:
            evals.append((int(m.group(1)), float(m.group(2)), float(m.group(3))))
    return steps, evals


def cpu_ms_per_step(marks, warmup_steps):
    """Median CPU milliseconds per step of the thread that prints makemore's step lines (its training loop), over
    the intervals between consecutive step lines from warmup_steps on; None without two such lines. With one torch
    intra-op thread all of a step's computation runs on that thread (the data-loader workers are other processes
    and are not counted, as in makemore's own step time); time the thread waited for a CPU does not count, so on
    a loaded machine this is steadier than the wall-clock step time."""
    per = [(c1 - c0) * 1e3 / (s1 - s0) for (s0, c0), (s1, c1) in zip(marks, marks[1:])
           if s0 >= warmup_steps and s1 > s0]
    return statistics.median(per) if per else None


def option_value(args, names, default=None):
    """The value of the last of `names` (e.g. ["--type"], ["--num-workers", "-n"]) in an argument list."""
    value = default
    for i, x in enumerate(args):
        for n in names:
            if x == n and i + 1 < len(args):
                value = args[i + 1]
            elif n.startswith("--") and x.startswith(n + "="):
                value = x.split("=", 1)[1]
    return value


def summarize(lines, warmup_steps, torch, extra):
    """The JSON summary common to every peer harness, from makemore-format log lines."""
    steps, evals = parse_log(lines)
    timed = [ms for (s, _, ms) in steps if s >= warmup_steps]
    params = next((int(m.group(1)) for m in map(PARAMS_RE.match, lines) if m), None)
    summary = {
        "side": "pytorch-makemore",
        "model": None,
        "variant": "makemore",
        "type": None,
        "last_step": steps[-1][0] if steps else None,
        "median_step_ms": statistics.median(timed) if timed else None,
        "timed_samples": len(timed),
        "warmup_steps": warmup_steps,
        "last_batch_loss": steps[-1][1] if steps else None,
        "eval_step": evals[-1][0] if evals else None,
        "last_train_loss": evals[-1][1] if evals else None,
        "last_test_loss": evals[-1][2] if evals else None,
        "test_loss_note": "makemore evaluate(): test split = min(1000, 10%) words by torch.randperm(seed), "
                          "mean over batches of 100 (at most 11 batches)",
        "torch_version": torch.__version__,
        "threads": torch.get_num_threads(),
        "dtype": str(torch.get_default_dtype()).replace("torch.", ""),
        "workers": None,
        "params": params,
        "blas": blas_info(torch),
        "python": sys.executable,
        "cpu": peer_info.cpu_model_and_flags()[0],
    }
    summary.update(extra)
    return summary


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--makemore", default=os.environ.get("MAKEMORE", "makemore.py"),
                    help="path to makemore.py (default: $MAKEMORE, else ./makemore.py)")
    ap.add_argument("--threads", type=int, default=os.cpu_count(), help="torch intra-op threads (default: all cores)")
    ap.add_argument("--warmup-steps", type=int, default=100, help="logged steps below this are excluded from the median")
    ap.add_argument("--verbose", action="store_true", help="echo makemore's output to stderr")
    ap.add_argument("makemore_args", nargs=argparse.REMAINDER, help="arguments for makemore.py (after --)")
    a = ap.parse_args()
    mm_args = a.makemore_args[1:] if a.makemore_args[:1] == ["--"] else a.makemore_args
    if not os.path.isfile(a.makemore):
        sys.exit(f"makemore.py not found at '{a.makemore}': clone https://github.com/karpathy/makemore and pass "
                 f"--makemore PATH or set MAKEMORE (see bench/README.md)")
    if a.threads is None or a.threads < 1:
        sys.exit(f"--threads must be >= 1 (got {a.threads})")

    try:
        import torch
    except ImportError:
        sys.exit(f"torch is not importable by {sys.executable}: use bench/.venv-torch/bin/python "
                 f"(bench/peer_env.sh) or /usr/bin/python3 with Debian's python3-torch")
    stubbed = install_tensorboard_stub()
    torch.set_num_threads(a.threads)

    tee = Tee(echo=sys.stderr, progress=None if a.verbose else EVAL_RE)
    old_argv, old_stdout = sys.argv, sys.stdout
    sys.argv = [a.makemore] + mm_args
    sys.stdout = tee
    t0 = time.time()
    try:
        runpy.run_path(a.makemore, run_name="__main__")
    finally:
        sys.stdout, sys.argv = old_stdout, old_argv
    wall = time.time() - t0

    type_arg = option_value(mm_args, ["--type"], "transformer")
    summary = summarize(tee.lines, a.warmup_steps, torch, {
        "model": type_arg,
        "type": type_arg,
        "workers": int(option_value(mm_args, ["--num-workers", "-n"], MAKEMORE_DEFAULT_WORKERS)),
        "tensorboard_stubbed": stubbed,
        "median_step_cpu_ms": cpu_ms_per_step(tee.cpu_marks, a.warmup_steps),
        "wall_s": round(wall, 2),
        "makemore": os.path.abspath(a.makemore),
        "makemore_args": mm_args,
    })
    print(json.dumps(summary))


if __name__ == "__main__":
    main()
