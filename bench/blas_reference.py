#!/usr/bin/env python3
"""BLAS reference for bench/matmul.sh: times numpy's matrix products (OpenBLAS dgemm underneath) in double
precision for the shapes and kinds of io.github.lmworkbook.bench.MatmulBenchmark.

Run it single-threaded under the PyPI numpy (a current OpenBLAS with its Haswell/Zen/SkylakeX kernels), as
bench/matmul.sh does when bench/.venv-torch exists:
    OPENBLAS_NUM_THREADS=1 bench/.venv-torch/bin/python bench/blas_reference.py SHAPES_FILE > blas.csv
It prints which OpenBLAS version and core it uses (threadpoolctl's internal_api, version, architecture) and a
loud WARNING when the core does not match the CPU's flags (a generic fallback such as Prescott): such a run's
BLAS column is not a fair reference. With threadpoolctl the BLAS is also limited to one thread from inside.
SHAPES_FILE has one "m,k,n" per line (the Java benchmark writes it with --print-shapes). Output: CSV with
columns m,k,n,kind,gflops (median),best,library on stdout; a line about the BLAS library on stderr.

With --serve instead of SHAPES_FILE it is driven by the Java benchmark (MatmulBenchmark --blas-python), which
interleaves its own timed batches with this one's, so that both sides of every ratio see the same load. One
command per line on stdin, one answer line on stdout:
    info                   -> the BLAS library: short form, TAB, long form, TAB, warning (empty if none)
    prep M K N KIND        -> allocates A, B, C for that product, warms up for >= 0.2 s; answers the seconds per call
    batch CALLS            -> runs CALLS products; answers the elapsed seconds, wall clock and this thread's CPU
                              time (time.thread_time: OpenBLAS runs on the calling thread with one thread)
    quit

Kinds, with C (m x n):  AB  C = A.B,   A (m x k), B (k x n)
                        AtB C = A^T.B, A (k x m), B (k x n)   (numpy passes the transpose flag to dgemm, no copy)
                        ABt C = A.B^T, A (m x k), B (n x k)
Each call is np.dot(..., out=C): a plain product, not C += (the addition is m*n flops against 2*m*k*n).
The figure includes numpy's per-call overhead (~1 us), which matters only for the smallest shapes.
"""
import os
import statistics
import sys
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import peer_info  # noqa: E402  (bench/peer_info.py: OpenBLAS core and the fallback check)

try:
    import numpy as np
except ImportError:
    sys.exit("numpy is missing for %s: run bench/peer_env.sh (PyPI numpy in bench/.venv-torch) or "
             "apt-get install -y python3-numpy libopenblas0-pthread" % sys.executable)


def blas_library():
    """Which BLAS numpy loaded, and for OpenBLAS its version, core (kernel family) and thread count.

    Returns (long description, short description for the CSV, warning or None). The core comes from
    threadpoolctl ("architecture") when it is installed (the PyPI venv has it), else from OpenBLAS's own API.
    """
    pools, how = peer_info.thread_pools()
    blas = [p for p in pools if p.get("user_api", "blas") == "blas" and p.get("internal_api") != "openmp"]
    if not blas:
        libs = peer_info.loaded_libraries(r"blas")
        return ("unknown BLAS %s" % (libs or ""), "numpy %s, unknown BLAS" % np.__version__, None)
    p = blas[0]
    _, flags = peer_info.cpu_model_and_flags()
    warning = peer_info.openblas_core_warning(p.get("architecture"), flags) if p.get("internal_api") == "openblas" \
        else None
    name = {"openblas": "OpenBLAS", "mkl": "MKL", "blis": "BLIS"}.get(p.get("internal_api"), p.get("internal_api"))
    long = "%s %s, core %s, %s thread(s) [%s; internal_api=%s, via %s]" % (
        name, p.get("version"), p.get("architecture"), p.get("num_threads"), p.get("filepath"),
        p.get("internal_api"), how)
    short = "numpy %s, %s %s core %s" % (np.__version__, name, p.get("version"), p.get("architecture"))
    return long, short, warning


def measure(f, flop, reps=9, batch_seconds=0.04, warmup_seconds=0.2):
    t0 = time.perf_counter()
    calls = 0
    while calls < 2 or time.perf_counter() - t0 < warmup_seconds:
        f()
        calls += 1
    per_call = (time.perf_counter() - t0) / calls
    batch = max(1, int(batch_seconds / per_call))
    rates = []
    for _ in range(reps):
        t = time.perf_counter()
        for _ in range(batch):
            f()
        rates.append(flop * batch / (time.perf_counter() - t) / 1e9)
    return statistics.median(rates), max(rates)


def operands(m, k, n, kind, rng):
    """(A, B, C, call) for one product: call() computes C = op(A).op(B) with numpy (dgemm underneath)."""
    C = np.zeros((m, n))
    if kind == "AB":
        A, B = rng.standard_normal((m, k)), rng.standard_normal((k, n))
        return A, B, C, lambda: np.dot(A, B, out=C)
    if kind == "AtB":
        A, B = rng.standard_normal((k, m)), rng.standard_normal((k, n))
        return A, B, C, lambda: np.dot(A.T, B, out=C)
    if kind == "ABt":
        A, B = rng.standard_normal((m, k)), rng.standard_normal((n, k))
        return A, B, C, lambda: np.dot(A, B.T, out=C)
    raise ValueError("unknown kind %r (expected AB, AtB or ABt)" % kind)


def serve(info):
    """The --serve loop (see the module documentation)."""
    rng = np.random.default_rng(1)
    call = None
    for line in sys.stdin:
        words = line.split()
        if not words:
            continue
        if words[0] == "quit":
            break
        if words[0] == "info":
            answer = info
        elif words[0] == "prep":
            m, k, n = (int(v) for v in words[1:4])
            call = operands(m, k, n, words[4], rng)[3]
            t0 = time.perf_counter()
            calls = 0
            while calls < 2 or time.perf_counter() - t0 < 0.2:
                call()
                calls += 1
            answer = "%.9g" % ((time.perf_counter() - t0) / calls)
        elif words[0] == "batch":
            calls = int(words[1])
            t, c = time.perf_counter(), time.thread_time()
            for _ in range(calls):
                call()
            answer = "%.9g %.9g" % (time.perf_counter() - t, time.thread_time() - c)
        else:
            answer = "error unknown command %r" % words[0]
        print(answer, flush=True)


def main():
    if len(sys.argv) != 2:
        sys.exit("usage: blas_reference.py SHAPES_FILE | --serve")
    shapes = []
    if sys.argv[1] != "--serve":
        with open(sys.argv[1]) as f:
            for line in f:
                if line.strip():
                    shapes.append(tuple(int(v) for v in line.split(",")))
    np.dot(np.ones((4, 4)), np.ones((4, 4)))  # load the BLAS before looking for it
    try:
        from threadpoolctl import threadpool_limits
        threadpool_limits(limits=1, user_api="blas")  # one thread, whatever the environment says
    except ImportError:
        pass
    lib, short, warning = blas_library()
    if sys.argv[1] == "--serve":
        long = "numpy %s (%s), %s" % (np.__version__, sys.executable, lib)
        serve("\t".join(x.replace("\t", " ").replace("\n", " ") for x in (short, long, warning or "")))
        return
    print("BLAS reference: numpy %s (%s), %s, OPENBLAS_NUM_THREADS=%s"
          % (np.__version__, sys.executable, lib, os.environ.get("OPENBLAS_NUM_THREADS", "unset")), file=sys.stderr)
    if warning:
        bar = "!" * 100
        print("%s\n!!! WARNING: %s\n!!! The BLAS column of this run is NOT a fair reference (OPENBLAS_CORETYPE=%s). Use a current "
              "numpy without OPENBLAS_CORETYPE: bench/peer_env.sh, then bench/matmul.sh picks bench/.venv-torch.\n%s"
              % (bar, warning, os.environ.get("OPENBLAS_CORETYPE", "unset"), bar), file=sys.stderr)
    rng = np.random.default_rng(1)
    print("m,k,n,kind,gflops,best,library")
    for m, k, n in shapes:
        flop = 2.0 * m * k * n
        for kind in ("AB", "AtB", "ABt"):
            g, best = measure(operands(m, k, n, kind, rng)[3], flop)
            print("%d,%d,%d,%s,%.3f,%.3f,\"%s\"" % (m, k, n, kind, g, best, short.replace('"', "'")), flush=True)


if __name__ == "__main__":
    main()
