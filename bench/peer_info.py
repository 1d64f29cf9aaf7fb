#!/usr/bin/env python3
"""What a Python environment computes with: torch's build and BLAS, numpy's BLAS, the OpenBLAS core in use.

Used by bench/peer_env.sh (prints it), bench/makemore_peer.py and bench/lstm_peer.py (the "blas" object of their
JSON line) and bench/blas_reference.py (the OpenBLAS core, and a loud warning when it is a generic fallback).
Runs without torch, numpy or threadpoolctl: whatever is missing is reported as missing.

    python bench/peer_info.py [--label NAME] [--format text|json]
"""
import argparse
import ctypes
import json
import os
import re
import sys

# OpenBLAS cores (threadpoolctl's "architecture", openblas_get_corename()) whose kernels use the CPU features
# named: a CPU with AVX-512F should get one of AVX512_CORES, one with AVX2 + FMA one of AVX2_CORES.
AVX512_CORES = {"skylakex", "cooperlake", "sapphirerapids"}
AVX2_CORES = {"haswell", "zen"} | AVX512_CORES


def cpu_model_and_flags(cpuinfo="/proc/cpuinfo"):
    """(model name, set of flags) of the first CPU in /proc/cpuinfo; (None, empty set) where there is none."""
    model, flags = None, set()
    try:
        with open(cpuinfo) as f:
            for line in f:
                key, _, value = line.partition(":")
                key = key.strip()
                if key == "model name" and model is None:
                    model = value.strip()
                elif key == "flags" and not flags:
                    flags = set(value.split())
                if model is not None and flags:
                    break
    except OSError:
        pass
    return model, flags


def openblas_core_warning(core, flags):
    """None if the OpenBLAS core fits the CPU's flags, else a one-line explanation (the core is a fallback)."""
    if not core:
        return None
    c = core.lower()
    if "avx512f" in flags and c not in AVX512_CORES:
        return (f"OpenBLAS uses core '{core}' on a CPU with AVX-512F: not its AVX-512 kernels "
                f"(expected one of {sorted(AVX512_CORES)}); figures are below what this CPU can do")
    if {"avx2", "fma"} <= flags and c not in AVX2_CORES:
        return (f"OpenBLAS uses core '{core}' on a CPU with AVX2 + FMA: a generic fallback without FMA "
                f"kernels (expected one of {sorted(AVX2_CORES)}); check OPENBLAS_CORETYPE and the OpenBLAS "
                f"version - figures are far below what this CPU can do")
    return None


def loaded_libraries(pattern=r"(blas|lapack|mkl|dnnl|gomp|iomp)"):
    """Shared libraries mapped into this process whose file name matches pattern (Linux /proc/self/maps)."""
    libs = set()
    try:
        with open("/proc/self/maps") as f:
            for line in f:
                path = line.strip().split(" ")[-1]
                if path.startswith("/") and re.search(pattern, os.path.basename(path), re.I):
                    libs.add(os.path.realpath(path))
    except OSError:
        pass
    return sorted(libs)


def _openblas_by_ctypes(path):
    """Core, version and threads of an OpenBLAS library through its own API (when threadpoolctl is missing)."""
    try:
        lib = ctypes.CDLL(path)
        for prefix in ("openblas_", "scipy_openblas_", "scipy_openblas64_", "openblas64_"):
            names = [prefix + "get_corename", prefix + "get_config", prefix + "get_num_threads"]
            if all(hasattr(lib, n) for n in names):
                getattr(lib, names[0]).restype = ctypes.c_char_p
                getattr(lib, names[1]).restype = ctypes.c_char_p
                config = getattr(lib, names[1])().decode()
                m = re.search(r"OpenBLAS\s+([0-9][^\s]*)", config)
                return {"internal_api": "openblas", "filepath": path,
                        "architecture": getattr(lib, names[0])().decode(),
                        "version": m.group(1) if m else None, "config": config,
                        "num_threads": getattr(lib, names[2])()}
    except OSError:
        pass
    return None


def thread_pools():
    """threadpoolctl's view of the native thread pools loaded (BLAS, OpenMP), or an OpenBLAS-only fallback."""
    try:
        from threadpoolctl import threadpool_info
        return [{k: v for k, v in p.items() if k in ("user_api", "internal_api", "prefix", "filepath", "version",
                                                     "architecture", "num_threads", "threading_layer")}
                for p in threadpool_info()], "threadpoolctl"
    except ImportError:
        pools = []
        for path in loaded_libraries(r"openblas"):
            p = _openblas_by_ctypes(path)
            if p:
                pools.append(p)
        return pools, "ctypes (threadpoolctl not installed)"


def openblas_pools(pools):
    return [p for p in pools if p.get("internal_api") == "openblas"]


def torch_info(torch):
    """torch's version, build BLAS, MKL / oneDNN, CPU capability and threads."""
    cfg = ""
    try:
        cfg = torch.__config__.show()
    except Exception:
        pass

    def grab(pattern):
        m = re.search(pattern, cfg)
        return m.group(1).strip() if m else None

    def call(f, default=None):
        try:
            return f()
        except Exception:
            return default

    return {
        "torch_version": torch.__version__,
        "build_blas_info": grab(r"BLAS_INFO=([^,\s]+)"),
        "build_lapack_info": grab(r"LAPACK_INFO=([^,\s]+)"),
        "mkl_available": call(lambda: bool(torch.backends.mkl.is_available())),
        "mkl_version": grab(r"Math Kernel Library Version ([^\n]+)"),
        "mkldnn_available": call(lambda: bool(torch.backends.mkldnn.is_available())),
        "onednn_version": grab(r"(?:oneDNN|MKL-DNN) (v[^\s(]+)"),
        "openmp": grab(r"(OpenMP [^\n]+)"),
        "cpu_capability": call(lambda: torch.backends.cpu.get_cpu_capability()) or grab(r"CPU capability usage: (\S+)"),
        "cuda_build": getattr(torch.version, "cuda", None),
        "intra_op_threads": torch.get_num_threads(),
        "inter_op_threads": call(torch.get_num_interop_threads),
    }


def numpy_info():
    try:
        import numpy as np
    except ImportError:
        return {"numpy_version": None}
    out = {"numpy_version": np.__version__, "numpy_blas": None}
    try:
        cfg = np.show_config(mode="dicts")  # numpy >= 1.25
        blas = cfg.get("Build Dependencies", {}).get("blas", {})
        out["numpy_blas"] = " ".join(str(blas.get(k)) for k in ("name", "version") if blas.get(k)) or None
    except TypeError:  # older numpy: no mode argument
        try:
            info = np.__config__.get_info("blas_opt_info") or np.__config__.get_info("openblas_info")
            out["numpy_blas"] = ",".join(info.get("libraries", [])) or None
        except Exception:
            pass
    except Exception:
        pass
    np.dot(np.ones((8, 8)), np.ones((8, 8)))  # make sure the BLAS is loaded before it is looked for
    return out


def describe(torch=None, label=None):
    """Everything above as one dict. torch: the module if the caller imported it (else imported here if present)."""
    if torch is None:
        try:
            import torch  # noqa: F811
        except ImportError:
            torch = None
    model, flags = cpu_model_and_flags()
    d = {"label": label, "python": sys.executable, "python_version": sys.version.split()[0],
         "cpu": model, "cpu_vector_flags": sorted(flags & {"avx", "avx2", "fma", "avx512f", "avx512_bf16",
                                                           "avx512_vnni", "amx_tile"})}
    if torch is not None:
        d.update(torch_info(torch))
    else:
        d["torch_version"] = None
    d.update(numpy_info())
    pools, how = thread_pools()
    d["thread_pools"], d["thread_pools_from"] = pools, how
    d["loaded_libs"] = loaded_libraries()
    ob = openblas_pools(pools)
    d["openblas"] = [{k: p.get(k) for k in ("filepath", "version", "architecture", "num_threads")} for p in ob]
    d["warnings"] = [w for w in (openblas_core_warning(p.get("architecture"), flags) for p in ob) if w]
    return d


def blas_summary(d):
    """A short 'BLAS in use' string for tables: what torch's products call, then numpy's OpenBLAS if separate.

    PyPI wheel: "MKL 2024.2 (numpy: OpenBLAS 0.3.31 Haswell)"; Debian: "libblas.so.3 -> OpenBLAS 0.3.21 (Zen)"
    (Debian's torch is built against the generic BLAS API, and numpy shares the same OpenBLAS).
    """
    b = d.get("build_blas_info")
    ob = [f"OpenBLAS {p.get('version')} ({p.get('architecture')})" for p in d.get("openblas", [])]
    if b == "mkl":
        mkl = "MKL"
        if d.get("mkl_version"):
            mkl += " " + d["mkl_version"].split("-")[0].replace("Version ", "").strip()
        return mkl + (f" (numpy: {', '.join(ob)})" if ob else "")
    if b == "generic":  # the reference BLAS API: libblas.so.3 as chosen by update-alternatives
        return "libblas.so.3 -> " + ", ".join(ob) if ob else "generic BLAS"
    if b in ("open", "openblas"):
        return ", ".join(ob) if ob else "OpenBLAS"
    if b:
        return b + (f" (numpy: {', '.join(ob)})" if ob else "")
    return ", ".join(ob) or "unknown"


def print_text(d, out=sys.stdout):
    w = lambda *a: print(*a, file=out)
    w(f"  python        {d['python']} ({d['python_version']})")
    w(f"  cpu           {d['cpu']}  [{' '.join(d['cpu_vector_flags'])}]")
    if d.get("torch_version"):
        w(f"  torch         {d['torch_version']}  (CUDA build: {d.get('cuda_build')}; CPU capability "
          f"{d.get('cpu_capability')})")
        w(f"  torch BLAS    BLAS_INFO={d.get('build_blas_info')} LAPACK_INFO={d.get('build_lapack_info')}; "
          f"mkl available {d.get('mkl_available')} ({d.get('mkl_version') or 'no MKL in the build'}); "
          f"oneDNN {d.get('mkldnn_available')} {d.get('onednn_version') or ''}".rstrip())
        w(f"  threads       intra-op {d.get('intra_op_threads')}, inter-op {d.get('inter_op_threads')}; "
          f"{d.get('openmp') or 'OpenMP: ?'}")
    else:
        w("  torch         not installed")
    w(f"  numpy         {d.get('numpy_version')}  BLAS {d.get('numpy_blas')}")
    w(f"  thread pools  (from {d['thread_pools_from']})")
    for p in d["thread_pools"]:
        w(f"    {p.get('internal_api')}/{p.get('user_api', '?')} {p.get('version')} "
          f"architecture={p.get('architecture')} threads={p.get('num_threads')}  {p.get('filepath')}")
    w(f"  BLAS in use   {blas_summary(d)}")
    for warning in d["warnings"]:
        w(f"  !!! WARNING: {warning}")


def main(argv=None):
    ap = argparse.ArgumentParser(description="Describe this Python's torch / numpy / BLAS set-up.")
    ap.add_argument("--label", default=None, help="a name for this environment (pypi, debian, ...)")
    ap.add_argument("--format", choices=("text", "json"), default="text")
    a = ap.parse_args(argv)
    d = describe(label=a.label)
    if a.format == "json":
        print(json.dumps(d))
    else:
        print_text(d)
    return 0


if __name__ == "__main__":
    sys.exit(main())
