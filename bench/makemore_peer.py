#!/usr/bin/env python3
"""Side-by-side peer for the LM Workbook benchmarks: runs Karpathy's makemore.py unmodified.

makemore.py is NOT part of this repository (see bench/README.md for how to obtain it). This harness
  1. stubs torch.utils.tensorboard.SummaryWriter with a no-op if tensorboard is not installed
     (Debian's python3-torch ships without it),
  2. sets torch's intra-op thread count (default: all cores, i.e. os.cpu_count()),
  3. runs makemore.py as __main__ via runpy with the remaining arguments,
  4. captures what it prints and parses
        "step N | loss L | step time Tms"          (printed every 10 steps)
        "step N train loss: A test loss: B"        (printed every 500 steps)
  5. prints a one-line JSON summary on stdout (makemore's own output goes to stderr with --verbose,
     otherwise it is swallowed).

Usage:
  /usr/bin/python3 bench/makemore_peer.py [--makemore PATH] [--threads N] [--warmup-steps W] [--verbose] \
      -- --type mlp --max-steps 3000 -i names.txt -o /tmp/mm-out
PATH defaults to $MAKEMORE, then ./makemore.py.
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

STEP_RE = re.compile(r"^step (\d+) \| loss ([0-9.eE+-]+|nan|inf) \| step time ([0-9.]+)ms")
EVAL_RE = re.compile(r"^step (\d+) train loss: ([0-9.eE+-]+|nan|inf) test loss: ([0-9.eE+-]+|nan|inf)")


class Tee(io.TextIOBase):
    """Collects complete lines; optionally echoes them to another stream."""

    def __init__(self, echo=None):
        self.lines = []
        self.partial = ""
        self.echo = echo

    def write(self, s):
        if self.echo is not None:
            self.echo.write(s)
        self.partial += s
        *done, self.partial = self.partial.split("\n")
        self.lines.extend(done)
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
    """BLAS_INFO from torch's build config plus the BLAS shared library actually mapped (Linux)."""
    info = {}
    try:
        m = re.search(r"BLAS_INFO=([^,\s]+)", torch.__config__.show())
        info["build_blas_info"] = m.group(1) if m else None
    except Exception:
        info["build_blas_info"] = None
    libs = set()
    try:
        with open("/proc/self/maps") as f:
            for line in f:
                path = line.strip().split(" ")[-1]
                base = os.path.basename(path)
                if re.search(r"(blas|lapack|mkl|dnnl)", base, re.I):
                    libs.add(os.path.realpath(path))
    except OSError:
        pass
    info["loaded_libs"] = sorted(libs)
    return info


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

    import torch
    stubbed = install_tensorboard_stub()
    torch.set_num_threads(a.threads)

    tee = Tee(echo=sys.stderr if a.verbose else None)
    old_argv, old_stdout = sys.argv, sys.stdout
    sys.argv = [a.makemore] + mm_args
    sys.stdout = tee
    t0 = time.time()
    try:
        runpy.run_path(a.makemore, run_name="__main__")
    finally:
        sys.stdout, sys.argv = old_stdout, old_argv
    wall = time.time() - t0

    steps, evals = [], []
    for line in tee.lines:
        m = STEP_RE.match(line)
        if m:
            steps.append((int(m.group(1)), float(m.group(2)), float(m.group(3))))
            continue
        m = EVAL_RE.match(line)
        if m:
            evals.append((int(m.group(1)), float(m.group(2)), float(m.group(3))))
    timed = [ms for (s, _, ms) in steps if s >= a.warmup_steps]
    type_arg = None
    for i, x in enumerate(mm_args):
        if x == "--type" and i + 1 < len(mm_args):
            type_arg = mm_args[i + 1]
        elif x.startswith("--type="):
            type_arg = x.split("=", 1)[1]
    summary = {
        "side": "pytorch-makemore",
        "type": type_arg,
        "last_step": steps[-1][0] if steps else None,
        "median_step_ms": statistics.median(timed) if timed else None,
        "timed_samples": len(timed),
        "warmup_steps": a.warmup_steps,
        "last_batch_loss": steps[-1][1] if steps else None,
        "eval_step": evals[-1][0] if evals else None,
        "last_train_loss": evals[-1][1] if evals else None,
        "last_test_loss": evals[-1][2] if evals else None,
        "test_loss_note": "makemore evaluate(): test split = min(1000, 10%) words by torch.randperm(seed), "
                          "mean over batches of 100 (at most 11 batches)",
        "torch_version": torch.__version__,
        "threads": torch.get_num_threads(),
        "dtype": str(torch.get_default_dtype()).replace("torch.", ""),
        "blas": blas_info(torch),
        "tensorboard_stubbed": stubbed,
        "wall_s": round(wall, 2),
        "makemore_args": mm_args,
    }
    print(json.dumps(summary))


if __name__ == "__main__":
    main()
