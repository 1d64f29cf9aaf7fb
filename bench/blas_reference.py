#!/usr/bin/python3
"""BLAS reference for bench/matmul.sh: times numpy's matrix products (OpenBLAS dgemm underneath) in double
precision for the shapes and kinds of io.github.lmworkbook.bench.MatmulBenchmark.

Run it single-threaded, as bench/matmul.sh does:
    OPENBLAS_NUM_THREADS=1 /usr/bin/python3 bench/blas_reference.py SHAPES_FILE > blas.csv
SHAPES_FILE has one "m,k,n" per line (the Java benchmark writes it with --print-shapes). Output: CSV with
columns m,k,n,kind,gflops (median),best,library on stdout; a line about the BLAS library on stderr.

Kinds, with C (m x n):  AB  C = A.B,   A (m x k), B (k x n)
                        AtB C = A^T.B, A (k x m), B (k x n)   (numpy passes the transpose flag to dgemm, no copy)
                        ABt C = A.B^T, A (m x k), B (n x k)
Each call is np.dot(..., out=C): a plain product, not C += (the addition is m*n flops against 2*m*k*n).
The figure includes numpy's per-call overhead (~1 us), which matters only for the smallest shapes.
"""
import ctypes
import os
import statistics
import sys
import time

try:
    import numpy as np
except ImportError:
    sys.exit("numpy is missing: apt-get install -y python3-numpy libopenblas0-pthread")


def blas_library():
    """Which BLAS numpy loaded, and for OpenBLAS its core (kernel family) and thread count."""
    path = None
    with open("/proc/self/maps") as maps:
        for line in maps:
            if "blas" in line and ".so" in line:
                path = line.split()[-1]
                break
    if path is None:
        return "unknown BLAS"
    try:
        lib = ctypes.CDLL(path)
        lib.openblas_get_corename.restype = ctypes.c_char_p
        lib.openblas_get_config.restype = ctypes.c_char_p
        return "%s, core %s, %d thread(s) [%s]" % (lib.openblas_get_config().decode(),
                                                   lib.openblas_get_corename().decode(),
                                                   lib.openblas_get_num_threads(), path)
    except (OSError, AttributeError):
        return path


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


def main():
    shapes = []
    with open(sys.argv[1]) as f:
        for line in f:
            if line.strip():
                shapes.append(tuple(int(v) for v in line.split(",")))
    np.dot(np.ones((4, 4)), np.ones((4, 4)))  # load the BLAS before looking for it
    lib = blas_library()
    print("BLAS reference: numpy %s, %s, OPENBLAS_NUM_THREADS=%s"
          % (np.__version__, lib, os.environ.get("OPENBLAS_NUM_THREADS", "unset")), file=sys.stderr)
    rng = np.random.default_rng(1)
    print("m,k,n,kind,gflops,best,library")
    cfg = lib.split()
    short = "numpy %s, %s" % (np.__version__, " ".join(cfg[:2]) if cfg[:1] == ["OpenBLAS"] else lib)
    if "core " in lib:
        short += " core " + lib.split("core ")[1].split(",")[0]
    for m, k, n in shapes:
        flop = 2.0 * m * k * n
        C = np.zeros((m, n))
        kinds = {
            "AB": (rng.standard_normal((m, k)), rng.standard_normal((k, n)), lambda A, B: np.dot(A, B, out=C)),
            "AtB": (rng.standard_normal((k, m)), rng.standard_normal((k, n)), lambda A, B: np.dot(A.T, B, out=C)),
            "ABt": (rng.standard_normal((m, k)), rng.standard_normal((n, k)), lambda A, B: np.dot(A, B.T, out=C)),
        }
        for kind, (A, B, op) in kinds.items():
            g, best = measure(lambda: op(A, B), flop)
            print("%d,%d,%d,%s,%.3f,%.3f,\"%s\"" % (m, k, n, kind, g, best, short), flush=True)


if __name__ == "__main__":
    main()
