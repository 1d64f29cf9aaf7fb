#!/usr/bin/env python3
"""BLAS references for bench/matmul.sh: times numpy's matrix products (OpenBLAS dgemm underneath) or torch's
(MKL dgemm underneath in the PyPI wheel) in double precision for the shapes and kinds of
io.github.lmworkbook.bench.MatmulBenchmark.

Run it single-threaded under the PyPI venv (a current OpenBLAS with its Haswell/Zen/SkylakeX kernels in numpy,
MKL in torch), as bench/matmul.sh does when bench/.venv-torch exists:
    OPENBLAS_NUM_THREADS=1 bench/.venv-torch/bin/python bench/blas_reference.py SHAPES_FILE > blas.csv
    bench/.venv-torch/bin/python bench/blas_reference.py --lib torch SHAPES_FILE > mkl.csv
With --lib numpy (default) it prints which OpenBLAS version and core it uses (threadpoolctl's internal_api,
version, architecture) and a loud WARNING when the core does not match the CPU's flags (a generic fallback such
as Prescott): such a run's BLAS column is not a fair reference. With threadpoolctl the BLAS is also limited to
one thread from inside. With --lib torch it prints torch's BLAS (BLAS_INFO of torch.__config__, the MKL version,
the code path MKL_VERBOSE names) and CPU capability, runs torch.set_num_threads(1), and warns when the CPU
capability is the generic DEFAULT or MKL names a code path below the CPU's (SSE on an AVX2 CPU, AVX2 on an
AVX-512 one). SHAPES_FILE has one "m,k,n" per line (the Java benchmark writes it with --print-shapes). Output: CSV
with columns m,k,n,kind,gflops (median),best,library on stdout; a line about the library on stderr.

With --serve instead of SHAPES_FILE it is driven by the Java benchmark (MatmulBenchmark --blas-python for numpy,
--torch-python for --lib torch, one process each), which interleaves its own timed batches with this one's, so
that both sides of every ratio see the same load. One command per line on stdin, one answer line on stdout:
    info                   -> the library: short form, TAB, long form, TAB, warning (empty if none), TAB, the
                              column's label (BLAS for numpy; MKL for torch on MKL, else torch)
    prep M K N KIND        -> allocates A, B, C for that product, warms up for >= 0.2 s; answers the seconds per call
    batch CALLS            -> runs CALLS products; answers the elapsed seconds, wall clock and this thread's CPU
                              time (time.thread_time: OpenBLAS and MKL run on the calling thread with one thread)
    quit
A command that cannot be carried out is answered with one line "error <why>" (e.g. "error torch is not
installed for /usr/bin/python3 ..." to every command when --lib torch has no torch; the process stays up).

Kinds, with C (m x n):  AB  C = A.B,   A (m x k), B (k x n)
                        AtB C = A^T.B, A (k x m), B (k x n)   (the transpose is a view: dgemm gets a flag, no copy)
                        ABt C = A.B^T, A (m x k), B (n x k)
Each call is np.dot(..., out=C) or torch.mm(..., out=C): a plain product, not C += (the addition is m*n flops
against 2*m*k*n). The figure includes the per-call overhead (numpy ~1 us, torch ~3 us), which matters only for
the smallest shapes.

--dtype float32 does all of it in single precision instead (float32 arrays and tensors: sgemm underneath,
SGEMM in MKL_VERBOSE), the reference of the library's float32 products (MatmulBenchmark --precision float32).
"""
import argparse
import os
import statistics
import sys
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import peer_info  # noqa: E402  (bench/peer_info.py: OpenBLAS core and the fallback check)

KINDS = ("AB", "AtB", "ABt")
# MKL's dgemm flags (column-major, so C^T = op(B)^T . op(A)^T) for each kind when torch passes the transposed
# operand as a view: a copy would show up as N,N.
MKL_FLAGS = {"AB": "N,N", "AtB": "N,T", "ABt": "T,N"}


class Unavailable(Exception):
    """The library asked for cannot be loaded: one line saying why (answered as 'error ...' in --serve mode)."""


def blas_library(np):
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


def mkl_code_path(verbose_text):
    """The code path in MKL_VERBOSE's banner, e.g. 'Intel(R) Advanced Vector Extensions 2 (Intel(R) AVX2) enabled
    processors'; on a non-Intel CPU MKL says only 'Intel(R) Architecture processors'. None without a banner."""
    for line in verbose_text.splitlines():
        if line.startswith("MKL_VERBOSE") and " for Intel(R) 64 architecture " in line:
            return line.split(" for Intel(R) 64 architecture ", 1)[1].split(",")[0].strip()
    return None


def dgemm_flags(verbose_text, routine="DGEMM"):
    """The transpose flags of the DGEMM (or SGEMM) calls in MKL_VERBOSE output, e.g. ['N,T']."""
    out = []
    head = "MKL_VERBOSE %s(" % routine
    for line in verbose_text.splitlines():
        if line.startswith(head):
            out.append(",".join(line[len(head):].split(",")[:2]))
    return out


def torch_warning(capability, blas_info, code_path, flags):
    """None if torch computes with MKL at a code path that fits the CPU, else one line saying what is wrong."""
    problems = []
    if blas_info and blas_info != "mkl":
        problems.append("torch's BLAS is %s, not MKL: the column shows that BLAS" % blas_info)
    cap = (capability or "").upper()
    if cap in ("DEFAULT", "NO AVX", "") and {"avx2", "fma"} <= flags:
        problems.append("torch's CPU capability is %s on a CPU with AVX2 + FMA: its generic fallback (is "
                        "ATEN_CPU_CAPABILITY set?)" % (capability or "unknown"))
    path = code_path or ""
    if "SSE" in path and "AVX" not in path and {"avx2", "fma"} <= flags:
        problems.append("MKL runs its SSE code path (%s) on a CPU with AVX2 + FMA (is MKL_ENABLE_INSTRUCTIONS "
                        "set?)" % path)
    elif "AVX2" in path and "AVX-512" not in path and "AVX512" not in path and "avx512f" in flags:
        problems.append("MKL runs its AVX2 code path on a CPU with AVX-512F (is MKL_ENABLE_INSTRUCTIONS set?)")
    return "; ".join(problems) or None


class NumpyLib:
    """numpy's np.dot (OpenBLAS dgemm in the PyPI wheel; sgemm with dtype float32)."""
    label = "BLAS"

    def __init__(self, dtype="float64"):
        self.dtype = dtype
        try:
            import numpy as np
        except ImportError:
            raise Unavailable("numpy is not installed for %s: run bench/peer_env.sh (PyPI numpy in "
                              "bench/.venv-torch) or apt-get install -y python3-numpy libopenblas0-pthread"
                              % sys.executable)
        self.np = np
        np.dot(np.ones((4, 4)), np.ones((4, 4)))  # load the BLAS before looking for it
        try:
            from threadpoolctl import threadpool_limits
            threadpool_limits(limits=1, user_api="blas")  # one thread, whatever the environment says
        except ImportError:
            pass
        self.rng = np.random.default_rng(1)

    def describe(self):
        """(short, long, warning or None)."""
        lib, short, warning = blas_library(self.np)
        f32 = self.dtype == "float32"
        return short + (", float32" if f32 else ""), "numpy %s (%s), %s, OPENBLAS_NUM_THREADS=%s, %s" % (
            self.np.__version__, sys.executable, lib, os.environ.get("OPENBLAS_NUM_THREADS", "unset"),
            "sgemm (float32)" if f32 else "dgemm (float64)"), warning

    def operands(self, m, k, n, kind):
        """call() computes C = op(A).op(B) with numpy (dgemm underneath)."""
        np, rng, dt = self.np, self.rng, self.dtype
        C = np.zeros((m, n), dtype=dt)
        rand = lambda *s: rng.standard_normal(s).astype(dt)  # noqa: E731
        if kind == "AB":
            A, B = rand(m, k), rand(k, n)
            return lambda: np.dot(A, B, out=C)
        if kind == "AtB":
            A, B = rand(k, m), rand(k, n)
            return lambda: np.dot(A.T, B, out=C)
        A, B = rand(m, k), rand(n, k)
        return lambda: np.dot(A, B.T, out=C)


class TorchLib:
    """torch.mm(..., out=C) in float64 on one thread (MKL dgemm in the PyPI wheel; float32 and sgemm with dtype
    float32)."""

    def __init__(self, dtype="float64"):
        self.dtype = dtype
        try:
            import torch
        except ImportError:
            raise Unavailable("torch is not installed for %s (bench/peer_env.sh puts the PyPI wheel, with MKL, in "
                              "bench/.venv-torch)" % sys.executable)
        self.torch = torch
        torch.set_num_threads(1)
        self.gen = torch.Generator().manual_seed(1)
        self.info = peer_info.torch_info(torch)
        self.label = "MKL" if self.info.get("build_blas_info") == "mkl" else "torch"
        a = torch.ones(8, 8, dtype=torch.float64)
        text = self.mkl_verbose(lambda: torch.mm(a, a))
        self.code_path = mkl_code_path(text)

    def mkl_verbose(self, f):
        """What MKL_VERBOSE prints while f() runs ('' if this torch has no MKL). MKL writes to the C stdout, which
        is this process's answer pipe: fd 1 is pointed at a temporary file meanwhile and flushed before it is
        restored, so that nothing of it reaches the Java side."""
        torch = self.torch
        if self.info.get("build_blas_info") != "mkl" or not hasattr(torch.backends, "mkl") \
                or not hasattr(torch.backends.mkl, "verbose"):
            f()
            return ""
        import ctypes
        import tempfile
        libc = ctypes.CDLL(None)
        sys.stdout.flush()
        saved = os.dup(1)
        with tempfile.TemporaryFile() as tmp:
            os.dup2(tmp.fileno(), 1)
            try:
                with torch.backends.mkl.verbose(torch.backends.mkl.VERBOSE_ON):
                    f()
                libc.fflush(None)
            finally:
                os.dup2(saved, 1)
                os.close(saved)
            tmp.seek(0)
            return tmp.read().decode(errors="replace")

    def describe(self):
        i = self.info
        _, flags = peer_info.cpu_model_and_flags()
        mkl = (i.get("mkl_version") or "").split("-")[0].strip()
        short = "torch %s, %s (CPU capability %s)%s" % (
            i["torch_version"], ("MKL " + mkl) if self.label == "MKL" else "BLAS_INFO=%s" % i.get("build_blas_info"),
            i.get("cpu_capability"), ", float32" if self.dtype == "float32" else "")
        long = ("torch %s (%s): BLAS_INFO=%s, torch.backends.mkl.is_available() %s, Math Kernel Library %s, MKL code "
                "path '%s' (MKL_VERBOSE), CPU capability %s, %d thread(s) (torch.set_num_threads(1)), "
                "MKL_NUM_THREADS=%s" % (
                    i["torch_version"], sys.executable, i.get("build_blas_info"), i.get("mkl_available"),
                    i.get("mkl_version") or "absent", self.code_path or "unknown", i.get("cpu_capability"),
                    self.torch.get_num_threads(), os.environ.get("MKL_NUM_THREADS", "unset")))
        return short, long, torch_warning(i.get("cpu_capability"), i.get("build_blas_info"), self.code_path, flags)

    def operands(self, m, k, n, kind):
        """call() computes C = op(A).op(B) with torch.mm into C; transposes are views (dgemm flags, no copy)."""
        torch, g = self.torch, self.gen
        dt = torch.float32 if self.dtype == "float32" else torch.float64
        rand = lambda *s: torch.randn(*s, generator=g, dtype=dt)  # noqa: E731
        C = torch.zeros(m, n, dtype=dt)
        if kind == "AB":
            a, b = rand(m, k), rand(k, n)
        elif kind == "AtB":
            a, b = rand(k, m).t(), rand(k, n)
        else:
            a, b = rand(m, k), rand(n, k).t()
        call = lambda: torch.mm(a, b, out=C)  # noqa: E731
        text = self.mkl_verbose(call)
        routine = "SGEMM" if self.dtype == "float32" else "DGEMM"
        if text and dgemm_flags(text, routine) != [MKL_FLAGS[kind]]:
            print("blas_reference.py: WARNING: torch.mm for %s %dx%dx%d called %s, expected one %s(%s) (no copy)"
                  % (kind, m, k, n, dgemm_flags(text, routine) or "no " + routine, routine, MKL_FLAGS[kind]),
                  file=sys.stderr)
        return call


LIBS = {"numpy": NumpyLib, "torch": TorchLib}


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


def info_line(lib):
    """The answer to 'info': short, long, warning, label, tab-separated, each on one line."""
    short, long, warning = lib.describe()
    return "\t".join(x.replace("\t", " ").replace("\n", " ") for x in (short, long, warning or "", lib.label))


def serve(lib, stdin=sys.stdin, stdout=sys.stdout, warmup_seconds=0.2):
    """The --serve loop (see the module documentation). lib: a NumpyLib / TorchLib (or anything with describe(),
    operands(m, k, n, kind) and label), or an Unavailable exception, which every command is answered with."""
    call = None
    for line in stdin:
        words = line.split()
        if not words:
            continue
        if words[0] == "quit":
            break
        try:
            if isinstance(lib, Unavailable):
                raise lib
            if words[0] == "info":
                answer = info_line(lib)
            elif words[0] == "prep":
                if len(words) != 5 or words[4] not in KINDS:
                    raise ValueError("usage: prep M K N KIND (KIND one of %s), got %r" % (", ".join(KINDS),
                                                                                          line.strip()))
                m, k, n = (int(v) for v in words[1:4])
                if min(m, k, n) < 1:
                    raise ValueError("prep: sizes must be positive, got %d %d %d" % (m, k, n))
                call = lib.operands(m, k, n, words[4])
                t0 = time.perf_counter()
                calls = 0
                while calls < 2 or time.perf_counter() - t0 < warmup_seconds:
                    call()
                    calls += 1
                answer = "%.9g" % ((time.perf_counter() - t0) / calls)
            elif words[0] == "batch":
                if call is None:
                    raise ValueError("batch before prep")
                if len(words) != 2 or int(words[1]) < 1:
                    raise ValueError("usage: batch CALLS (CALLS >= 1), got %r" % line.strip())
                calls = int(words[1])
                t, c = time.perf_counter(), time.thread_time()
                for _ in range(calls):
                    call()
                answer = "%.9g %.9g" % (time.perf_counter() - t, time.thread_time() - c)
            else:
                answer = "error unknown command %r (expected info, prep, batch or quit)" % words[0]
        except (Unavailable, ValueError) as e:
            answer = "error " + str(e).replace("\n", " ")
        print(answer, file=stdout, flush=True)


def parser():
    ap = argparse.ArgumentParser(prog="blas_reference.py", description="Time numpy's (OpenBLAS) or torch's (MKL) "
                                 "double-precision matrix products, one thread, for bench/matmul.sh.")
    ap.add_argument("--lib", choices=sorted(LIBS), default="numpy",
                    help="numpy: np.dot, OpenBLAS in the PyPI wheel (default); torch: torch.mm, MKL in the PyPI wheel")
    ap.add_argument("--dtype", choices=["float64", "float32"], default="float64",
                    help="float64: dgemm (default); float32: sgemm")
    what = ap.add_mutually_exclusive_group(required=True)
    what.add_argument("--serve", action="store_true", help="driven by MatmulBenchmark over stdin/stdout")
    what.add_argument("shapes_file", nargs="?", help="one m,k,n per line: print a CSV of GFLOP/s")
    return ap


def read_shapes(path):
    shapes = []
    with open(path) as f:
        for number, line in enumerate(f, 1):
            if line.strip():
                try:
                    m, k, n = (int(v) for v in line.split(","))
                except ValueError:
                    raise Unavailable("%s line %d: expected m,k,n (three integers), got %r" % (path, number,
                                                                                                line.strip()))
                shapes.append((m, k, n))
    return shapes


def main(argv=None):
    a = parser().parse_args(argv)
    if a.serve:
        try:
            lib = LIBS[a.lib](a.dtype)
        except Unavailable as e:
            lib = e
        serve(lib)
        return 0
    try:
        shapes = read_shapes(a.shapes_file)
        lib = LIBS[a.lib](a.dtype)
    except (Unavailable, OSError) as e:
        print("blas_reference.py: %s" % e, file=sys.stderr)
        return 2
    short, long, warning = lib.describe()
    print("%s reference: %s" % (lib.label, long), file=sys.stderr)
    if warning:
        bar = "!" * 100
        print("%s\n!!! WARNING: %s\n!!! The %s column of this run is NOT a fair reference (OPENBLAS_CORETYPE=%s). "
              "Use the PyPI wheels without OPENBLAS_CORETYPE / MKL_ENABLE_INSTRUCTIONS: bench/peer_env.sh, then "
              "bench/matmul.sh picks bench/.venv-torch.\n%s"
              % (bar, warning, lib.label, os.environ.get("OPENBLAS_CORETYPE", "unset"), bar), file=sys.stderr)
    print("m,k,n,kind,gflops,best,library")
    for m, k, n in shapes:
        flop = 2.0 * m * k * n
        for kind in KINDS:
            g, best = measure(lib.operands(m, k, n, kind), flop)
            print("%d,%d,%d,%s,%.3f,%.3f,\"%s\"" % (m, k, n, kind, g, best, short.replace('"', "'")), flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
