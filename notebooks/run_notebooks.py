#!/usr/bin/env python3
"""Execute workbook notebooks through the Java kernel and report the first failing cell.

    .venv/bin/python notebooks/run_notebooks.py notebooks/*.ipynb            # check, leave files untouched
    .venv/bin/python notebooks/run_notebooks.py --inplace notebooks/*.ipynb  # re-execute and save the outputs

Each notebook runs in a fresh kernel (default kernelspec "java", installed by ./setup.sh) with its own directory
as the working directory, so relative paths such as ../lib/target/lmworkbook-all.jar work as in JupyterLab.
The environment (e.g. LMW_DATA_MIRROR) is passed on to the kernel.

A notebook fails when a cell raises an error, when the kernel dies or the time limit is reached, when it is over
the time budget (--budget, default 150 s: the workbook's rule that each notebook runs in at most 2 minutes on 2
cores, plus a quarter for a slower machine than the one the notebooks were sized on; it is over when BOTH its time
on the clock and the kernel's CPU time exceed the budget, so that a notebook using two threads — more CPU than
clock — does not fail it; a heavily loaded machine inflates both, and may), or when it
produced no image/png output at all (every workbook notebook draws at least one chart; --no-image-check turns
this off). On failure the runner prints the notebook, the cell number (1-based, counting ALL cells, markdown
included, as shown in JupyterLab; the code-cell number is given too), the error name, value and traceback and
the cell's stderr, and exits with status 1.

With --inplace a notebook is written back only when it passed; execution timing metadata is not recorded, so
re-running an unchanged notebook gives a stable diff.
"""
import argparse
import os
import re
import resource
import signal
import sys
import time

import nbformat
from nbclient import NotebookClient
from nbclient.exceptions import CellExecutionError, DeadKernelError

ANSI = re.compile(r"\x1b\[[0-9;]*[A-Za-z]")
IDENTITY_HASH = re.compile(r"\b([A-Za-z_][\w$.]*)@[0-9a-f]{4,8}\b")


class NotebookTimeout(Exception):
    pass


def plain(text):
    return ANSI.sub("", text)


def children_cpu():
    """User + system CPU seconds of the finished (reaped) child processes of this one: the kernels run so far."""
    r = resource.getrusage(resource.RUSAGE_CHILDREN)
    return r.ru_utime + r.ru_stime


def count_images(nb):
    return sum(1 for cell in nb.cells if cell.cell_type == "code"
               for out in cell.get("outputs", []) if "image/png" in out.get("data", {}))


def normalize(nb):
    """Remove what changes on every run without changing the content (timings), and merge consecutive stream
    outputs of the same kind (one print may arrive in several pieces), so that a re-run gives a stable diff."""
    for cell in nb.cells:
        cell.metadata.pop("execution", None)
        cell.metadata.pop("ExecuteTime", None)
        if cell.cell_type != "code":
            continue
        merged = []
        for out in cell.outputs:
            data = out.get("data", {})
            if "image/png" in data and isinstance(data.get("text/plain"), str):
                # the plain-text fallback of an image is its toString(), with an identity hash that changes per run
                data["text/plain"] = IDENTITY_HASH.sub(r"\1", data["text/plain"])
            if (out.get("output_type") == "stream" and merged and merged[-1].get("output_type") == "stream"
                    and merged[-1].get("name") == out.get("name")):
                merged[-1]["text"] += out.get("text", "")
            else:
                merged.append(out)
        cell.outputs = merged
    nb.metadata.pop("widgets", None)


def describe_cell(nb, index):
    code_no = sum(1 for c in nb.cells[: index + 1] if c.cell_type == "code")
    return "cell %d of %d (counting all cells; code cell %d)" % (index + 1, len(nb.cells), code_no)


def failure_report(path, nb, index, reason):
    lines = ["NOTEBOOK FAILED: %s" % path]
    if index is None:
        lines.append("  before any cell ran: %s" % reason)
        return "\n".join(lines)
    cell = nb.cells[index]
    lines.append("  at %s: %s" % (describe_cell(nb, index), reason))
    lines.append("  source:")
    lines.extend("    | " + l for l in cell.source.splitlines())
    for out in cell.get("outputs", []):
        if out.get("output_type") == "stream" and out.get("name") == "stderr":
            lines.append("  stderr:")
            lines.extend("    " + l for l in plain(out.get("text", "")).rstrip().splitlines())
        if out.get("output_type") == "error":
            lines.append("  error: %s: %s" % (out.get("ename", "?"), plain(out.get("evalue", ""))))
            tb = [plain(t) for t in out.get("traceback", [])]
            if tb:
                lines.append("  traceback:")
                for t in tb:
                    lines.extend("    " + l for l in t.splitlines())
    return "\n".join(lines)


def run_one(path, args):
    path = os.path.abspath(path)
    rel = os.path.relpath(path)
    if rel.startswith(".."):
        rel = path
    nb = nbformat.read(path, as_version=4)
    current = {"index": None}

    def on_cell_start(cell, cell_index, **_):
        current["index"] = cell_index

    client = NotebookClient(
        nb,
        timeout=args.timeout,
        kernel_name=args.kernel,
        resources={"metadata": {"path": os.path.dirname(path)}},
        record_timing=False,
        allow_errors=False,
        on_cell_start=on_cell_start,
    )

    def on_alarm(signum, frame):
        raise NotebookTimeout("the notebook did not finish within %d s (--timeout)" % args.timeout)

    print("run_notebooks: executing %s (kernel %s, timeout %d s)" % (rel, args.kernel, args.timeout), flush=True)
    start = time.monotonic()
    cpu_start = children_cpu()
    old = signal.signal(signal.SIGALRM, on_alarm)
    signal.alarm(args.timeout)
    try:
        client.execute()
    except CellExecutionError as e:
        idx = current["index"]
        errors = [o for o in nb.cells[idx].get("outputs", []) if o.get("output_type") == "error"] if idx is not None else []
        reason = "%s: %s" % (errors[0].get("ename"), plain(errors[0].get("evalue", ""))) if errors \
            else plain(str(e)).strip().splitlines()[-1]
        return False, failure_report(rel, nb, idx, reason)
    except DeadKernelError as e:
        return False, failure_report(rel, nb, current["index"], "the kernel died: %s" % e)
    except NotebookTimeout as e:
        return False, failure_report(rel, nb, current["index"], str(e))
    except Exception as e:  # kernel did not start, bad kernelspec, ...
        return False, failure_report(rel, nb, current["index"], "%s: %s" % (type(e).__name__, plain(str(e))))
    finally:
        signal.alarm(0)
        signal.signal(signal.SIGALRM, old)
    elapsed = time.monotonic() - start
    # the kernel has been shut down and reaped by now: its CPU time is in RUSAGE_CHILDREN
    cpu = children_cpu() - cpu_start

    images = count_images(nb)
    if images == 0 and not args.no_image_check:
        return False, ("NOTEBOOK FAILED: %s\n  it ran without errors but produced no image/png output at all "
                       "(every notebook shows at least one chart: display(Charts.line(...)))" % rel)
    normalize(nb)
    if args.inplace:
        nbformat.write(nb, path)
    written = ", written back" if args.inplace else ""
    if args.budget > 0 and min(elapsed, cpu) > args.budget:
        return False, ("NOTEBOOK FAILED: %s\n  over the time budget: %.1f s on the clock and %.1f s of kernel CPU, "
                       "both above %d s (--budget: each notebook runs in at most 2 minutes on 2 cores; is the machine busy?)%s"
                       % (rel, elapsed, cpu, args.budget, written))
    n_code = sum(1 for c in nb.cells if c.cell_type == "code")
    return True, "run_notebooks: OK %s: %d code cells, %d image(s), %.1f s on the clock, %.1f s kernel CPU%s" % (
        rel, n_code, images, elapsed, cpu, written)


def main(argv=None):
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    p.add_argument("notebooks", nargs="+", help="notebook files (.ipynb)")
    p.add_argument("--inplace", action="store_true", help="write each executed notebook back (only if it passed)")
    p.add_argument("--timeout", type=int, default=int(os.environ.get("LMW_NOTEBOOK_TIMEOUT", "600")),
                   help="seconds allowed per notebook (default 600, or $LMW_NOTEBOOK_TIMEOUT)")
    p.add_argument("--budget", type=int, default=int(os.environ.get("LMW_NOTEBOOK_BUDGET", "150")),
                   help="seconds a notebook may take, on the clock AND in kernel CPU (default 150, or "
                        "$LMW_NOTEBOOK_BUDGET; 0 = no budget)")
    p.add_argument("--kernel", default="java", help="kernelspec name (default: java)")
    p.add_argument("--no-image-check", action="store_true", help="do not require an image/png output")
    args = p.parse_args(argv)

    failed = []
    for nb_path in args.notebooks:
        if not os.path.isfile(nb_path):
            failed.append(nb_path)
            print("NOTEBOOK FAILED: %s\n  no such file" % nb_path, file=sys.stderr, flush=True)
            continue
        ok, message = run_one(nb_path, args)
        print(message, file=sys.stdout if ok else sys.stderr, flush=True)
        if not ok:
            failed.append(nb_path)
    total = len(args.notebooks)
    if failed:
        print("run_notebooks: %d of %d notebook(s) failed: %s" % (len(failed), total, ", ".join(failed)),
              file=sys.stderr, flush=True)
        return 1
    print("run_notebooks: all %d notebook(s) ran without errors" % total, flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
