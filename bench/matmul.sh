#!/usr/bin/env bash
# Matrix-product benchmark: the library's kernels (naive, plain, vector) against numpy/OpenBLAS and torch/MKL, one
# thread, double precision, measured in the same run, batch by batch. Usage: bench/matmul.sh [MatmulBenchmark options, e.g. --no-naive]
# PYTHON: the python whose numpy (and torch, if it has it) is the reference (default: bench/.venv-torch/bin/python if it exists, else
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

echo "uptime at the start: $(uptime)"

# The BLAS reference's Python: $PYTHON if set, else the PyPI venv of bench/peer_env.sh (a current OpenBLAS with
# its AVX2/AVX-512 kernels), else /usr/bin/python3 (Debian's numpy and OpenBLAS). The Java benchmark runs
# bench/blas_reference.py --serve as a child process (one BLAS thread, OPENBLAS_CORETYPE unset) and interleaves
# its batches with the Java kernels' batches, so that both sides of every ratio see the same load.
if [ -n "${PYTHON:-}" ]; then
  py="$PYTHON"
  command -v "$py" >/dev/null || { echo "matmul.sh: PYTHON='$py' is not an executable python" >&2; exit 2; }
elif [ -x bench/.venv-torch/bin/python ]; then
  py=bench/.venv-torch/bin/python
else
  py=/usr/bin/python3
fi
# The same Python's torch (MKL in the PyPI wheel) is the second reference, in a second child process
# (bench/blas_reference.py --serve --lib torch): without torch there the benchmark leaves its column out and says why.
blas_args=(--torch-python "$py")
if "$py" -c "import numpy" 2>/dev/null; then
  blas_args+=(--blas-python "$py")
else
  echo "numpy is missing for $py: no BLAS reference this run."
  echo "  set it up with bench/peer_env.sh (PyPI numpy in bench/.venv-torch), or:"
  echo "  apt-get install -y python3-numpy libopenblas0-pthread"
fi

"$JAVA" --add-modules=jdk.incubator.vector -cp "$JAR" io.github.lmworkbook.bench.MatmulBenchmark "${blas_args[@]}" "$@" \
  2> >(grep -v -e '^SLF4J' -e 'Using incubator modules' >&2)
echo "uptime at the end: $(uptime)"
