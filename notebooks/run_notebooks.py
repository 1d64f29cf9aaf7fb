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
this off; a chart shown as an HTML <img> with alternative text, charts.Images.html, counts). On failure the
runner prints the notebook, the cell number (1-based, counting ALL cells, markdown included, as shown in
JupyterLab; the code-cell number is given too), the error name, value and traceback and the cell's stderr, and
exits with status 1.

Memory: the kernel runs with the workbook's JVM options, KERNEL_JVM_OPTS below (./setup.sh writes the same into
the java kernelspec), whatever the installed kernelspec says: in particular its heap, KERNEL_HEAP (-Xmx), sized so
that the kernel, Jupyter and the browser's server side fit a 2 GB Binder pod. A notebook that needs more fails
with an OutOfMemoryError, as it would there. The runner reads the kernel's GC log and prints the largest heap left
after a garbage collection ("peak heap after GC": an upper bound of what the notebook keeps alive) beside the time.

With --inplace a notebook is written back only when it passed; execution timing metadata is not recorded, so
re-running an unchanged notebook gives a stable diff.
"""
import argparse
import html
import json
import os
import re
import resource
import shutil
import signal
import sys
import tempfile
import time

import nbformat
from nbclient import NotebookClient
from nbclient.exceptions import CellExecutionError, DeadKernelError

# The kernel's JVM: the Vector API module, a deep stack for the learners' recursions, no display, and an explicit
# heap. A 2 GB Binder pod holds the kernel JVM (heap + ~300 MB of metaspace, code cache and threads), the launcher
# JVM (~50 MB) and Jupyter (~200 MB): 768 MiB of heap. ./setup.sh writes these options
# into the java kernelspec (python notebooks/run_notebooks.py --print-kernel-env), so that there is one place to
# change them. LMW_KERNEL_HEAP (e.g. 2g) changes the heap, for the kernelspec too when set for ./setup.sh.
KERNEL_HEAP = os.environ.get("LMW_KERNEL_HEAP", "").strip() or "768m"
KERNEL_JVM_OPTS = "--add-modules=jdk.incubator.vector -Xss8m -Xmx%s -Djava.awt.headless=true" % KERNEL_HEAP
# The kernel-restart guard, run by JJava at the start of every kernel (JJAVA_STARTUP_SCRIPT; IJava has no such
# hook, and the notebooks do not rely on it): after a restart the library is neither loaded nor imported, and a cell
# that uses it fails with "cannot find symbol". A JShell snippet listener then adds one line that says what to do.
# It speaks only when a snippet is rejected for an unresolved name while the library is not loaded or not imported.
RESTART_HINT = "Kernel restarted? Run the %classpath and imports cells at the top again, then this cell."
KERNEL_STARTUP_SCRIPT = """\
org.dflib.jjava.kernel.JavaNotebookStatics.kernel().getJShell().onSnippetEvent(e -> {
    if (e.status() != jdk.jshell.Snippet.Status.REJECTED || e.causeSnippet() != null) return;
    var shell = org.dflib.jjava.kernel.JavaNotebookStatics.kernel().getJShell();
    if (shell.diagnostics(e.snippet()).noneMatch(d -> d.getCode().contains("cant.resolve"))) return;
    boolean imported = shell.imports().anyMatch(i -> i.fullname().startsWith("io.github.lmworkbook"));
    boolean loaded = true;
    try { Class.forName("io.github.lmworkbook.core.Matrix"); } catch (ClassNotFoundException x) { loaded = false; }
    if (!loaded || !imported) System.out.println("%s");
});
""" % RESTART_HINT
HEAP_FLAG = re.compile(r"^-(Xmx\S+|XX:(Max|Initial|Min)RAM(Percentage|Fraction)?=\S+)$")
GC_LINE = re.compile(r"(\d+)M->(\d+)M\((\d+)M\)")

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


# A chart shown with its alternative text (charts.Images.html, LineChart.html) is an HTML output: <img src="data:…">.
HTML_IMAGE = re.compile(r'^\s*<img src="data:image/png;base64,[A-Za-z0-9+/=]+" alt="([^"]*)">\s*$')


def count_images(nb):
    """The image/png outputs and the HTML outputs that are one PNG <img>."""
    return sum(1 for cell in nb.cells if cell.cell_type == "code"
               for out in cell.get("outputs", []) if "image/png" in out.get("data", {})
               or HTML_IMAGE.match(text_of(out.get("data", {}).get("text/html", ""))))


def text_of(value):
    return "".join(value) if isinstance(value, list) else value


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
            image = HTML_IMAGE.match(text_of(data.get("text/html", "")))
            if image and "text/plain" in data:
                # JJava repeats an HTML string as its plain text: keep the image once, the alt text as the fallback
                data["text/plain"] = "[image: %s]" % html.unescape(image.group(1))
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


def kernel_jvm_opts(kernelspec_opts, gc_log):
    """The kernel's JVM options: the kernelspec's without its heap options, then KERNEL_JVM_OPTS (its heap and what
    the kernelspec lacks), then a GC log to gc_log."""
    opts = [o for o in (kernelspec_opts or "").split() if not HEAP_FLAG.match(o)]
    opts += [o for o in KERNEL_JVM_OPTS.split() if o not in opts]
    return " ".join(opts + ["-Xlog:gc:file=%s::filecount=0" % gc_log])


class WorkbookClient(NotebookClient):
    """A NotebookClient whose kernel JVM runs with kernel_jvm_opts (nbclient still owns, starts and stops it)."""

    def __init__(self, nb, gc_log, **kw):
        super().__init__(nb, **kw)
        self.lmw_gc_log = gc_log

    def create_kernel_manager(self):
        km = super().create_kernel_manager()
        env = km.kernel_spec.env
        env["JJAVA_JVM_OPTS"] = kernel_jvm_opts(env.get("JJAVA_JVM_OPTS"), self.lmw_gc_log)
        env["JJAVA_STARTUP_SCRIPT"] = KERNEL_STARTUP_SCRIPT
        return km


def heap_from_gc_log(gc_log):
    """(peak heap after a GC, heap size) in MiB from a JVM's -Xlog:gc file; (None, None) without a GC."""
    peak, size = None, None
    try:
        with open(gc_log, encoding="utf-8", errors="replace") as f:
            for line in f:
                for m in GC_LINE.finditer(line):
                    after, total = int(m.group(2)), int(m.group(3))
                    peak = after if peak is None else max(peak, after)
                    size = total if size is None else max(size, total)
    except OSError:
        pass
    return peak, size


def run_one(path, args):
    path = os.path.abspath(path)
    rel = os.path.relpath(path)
    if rel.startswith(".."):
        rel = path
    nb = nbformat.read(path, as_version=4)
    gc_dir = tempfile.mkdtemp(prefix="lmw-kernel-gc-")
    gc_log = os.path.join(gc_dir, "gc.log")
    try:
        ok, message = execute(rel, path, nb, args, gc_log)
        peak, size = heap_from_gc_log(gc_log)
        heap = "no GC" if peak is None else "peak heap after GC %d MiB of %d MiB" % (peak, size)
        if ok:
            message = message.replace(" kernel CPU", " kernel CPU, " + heap, 1)
        else:
            message += "\n  memory: %s (-Xmx%s)" % (heap, KERNEL_HEAP)
        return ok, message
    finally:
        shutil.rmtree(gc_dir, ignore_errors=True)


def execute(rel, path, nb, args, gc_log):
    current = {"index": None}

    def on_cell_start(cell, cell_index, **_):
        current["index"] = cell_index

    client = WorkbookClient(
        nb,
        gc_log,
        timeout=args.timeout,
        # a kernel JVM on a loaded machine can take more than nbclient's default 60 s to answer its first request
        startup_timeout=min(args.timeout, 300),
        kernel_name=args.kernel,
        resources={"metadata": {"path": os.path.dirname(path)}},
        record_timing=False,
        allow_errors=False,
        on_cell_start=on_cell_start,
    )

    def on_alarm(signum, frame):
        raise NotebookTimeout("the notebook did not finish within %d s (--timeout)" % args.timeout)

    print("run_notebooks: executing %s (kernel %s, heap -Xmx%s, timeout %d s)"
          % (rel, args.kernel, KERNEL_HEAP, args.timeout), flush=True)
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
    p.add_argument("--print-kernel-env", action="store_true",
                   help="print the kernel's environment as JSON (JVM options, start-up script: what ./setup.sh "
                        "writes into the kernelspec) and exit")
    if argv is None and "--print-kernel-env" in sys.argv[1:]:
        print(json.dumps({"JJAVA_JVM_OPTS": KERNEL_JVM_OPTS, "JJAVA_STARTUP_SCRIPT": KERNEL_STARTUP_SCRIPT}))
        return 0
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
