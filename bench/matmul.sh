#!/usr/bin/env bash
# Matrix-product benchmark: the library's kernels (naive, plain, vector) against numpy/OpenBLAS, one thread,
# double precision, measured in the same run. Usage: bench/matmul.sh [MatmulBenchmark options, e.g. --no-naive]
# PYTHON: the python whose numpy is the reference (default: bench/.venv-torch/bin/python if it exists, else
# /usr/bin/python3).
set -euo pipefail
cd "$(dirname "$0")/.."
JAR=bench/target/lmworkbook-bench.jar
JAVA=${JAVA:-java}

# Build if the jar is missing or older than any library source.
if [ ! -f "$JAR" ] || [ -n "$(find lib/src/main bench/src pom.xml lib/pom.xml bench/pom.xml -newer "$JAR" -type f | head -1)" ]; then
  echo "building $JAR ..."
  mvn -B -q -o package -DskipTests -pl lib,bench || mvn -B -q package -DskipTests -pl lib,bench
fi

tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
"$JAVA" -cp "$JAR" io.github.lmworkbook.bench.MatmulBenchmark --print-shapes "$@" > "$tmp/shapes.txt"

# The BLAS reference's Python: $PYTHON if set, else the PyPI venv of bench/peer_env.sh (a current OpenBLAS with
# its AVX2/AVX-512 kernels), else /usr/bin/python3 (Debian's numpy and OpenBLAS).
if [ -n "${PYTHON:-}" ]; then
  py="$PYTHON"
  command -v "$py" >/dev/null || { echo "matmul.sh: PYTHON='$py' is not an executable python" >&2; exit 2; }
elif [ -x bench/.venv-torch/bin/python ]; then
  py=bench/.venv-torch/bin/python
else
  py=/usr/bin/python3
fi
blas_args=()
if "$py" -c "import numpy" 2>/dev/null; then
  echo "measuring the BLAS reference ($py, numpy, OPENBLAS_NUM_THREADS=1) ..."
  # OPENBLAS_CORETYPE / OPENBLAS_L2_SIZE are set on some machines here; unset them so OpenBLAS picks its own
  # kernel for this CPU (the reference script prints which core it chose, and warns if it is a fallback).
  env -u OPENBLAS_CORETYPE -u OPENBLAS_L2_SIZE OPENBLAS_NUM_THREADS=1 OMP_NUM_THREADS=1 \
    "$py" bench/blas_reference.py "$tmp/shapes.txt" > "$tmp/blas.csv"
  blas_args=(--blas "$tmp/blas.csv")
else
  echo "numpy is missing for $py: no BLAS reference this run."
  echo "  set it up with bench/peer_env.sh (PyPI numpy in bench/.venv-torch), or:"
  echo "  apt-get install -y python3-numpy libopenblas0-pthread"
fi

"$JAVA" --add-modules=jdk.incubator.vector -cp "$JAR" io.github.lmworkbook.bench.MatmulBenchmark "${blas_args[@]}" "$@" \
  2> >(grep -v -e '^SLF4J' -e 'Using incubator modules' >&2)
