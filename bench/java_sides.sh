# The library's side of bench/all.sh, one model at a time (sourced by all.sh; JAVA_SIDES=none turns it off):
#   MAKEMORE=... bench/all.sh mlp
# java_side MODEL runs io.github.lmworkbook.bench.ModelBenchmark for MODEL in makemore's configuration and prints
# one JSON line per run (median_step_ms, median_step_cpu_ms, last_test_loss, dtype, threads, ...); for the mlp
# and the transformer two runs: all positions (makemore's work: equal work) and skipping the padded positions
# (the library's algorithmic gain, reported apart). It returns 3 for a model that has no Java side.
# Environment: JAVA (default java), JAVA_OPTS (e.g. -Dlmworkbook.threads=2), STEPS (default 3001), NAMES,
# JAVA_PRECISION (float64, the default, or float32: the products' precision, ModelBenchmark --precision).

java_side_jar() {
  local root jar
  root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
  jar="$root/bench/target/lmworkbook-bench.jar"
  if [[ ! -f "$jar" ]] || [[ -n "$(find "$root/lib/src/main" "$root/bench/src" -newer "$jar" -type f -print -quit)" ]]; then
    echo "== building $jar" >&2
    (cd "$root" && { mvn -B -q -o package -DskipTests -pl lib,bench 2>/dev/null \
      || mvn -B -q package -DskipTests -pl lib,bench; }) >&2 || { echo "java_sides.sh: the build failed" >&2; return 1; }
  fi
  echo "$jar"
}

java_side() {
  local model="$1" jar names variants
  names="${NAMES:-${LMW_DATA_MIRROR:-/nonexistent}/names.txt}"
  case "$model" in
    mlp|transformer) variants=("--all-positions" "") ;;
    rnn|gru|lstm) variants=("") ;;
    *) return 3 ;;
  esac
  [[ -f "$names" ]] || { echo "java_sides.sh: names.txt not found ('$names'): set NAMES or LMW_DATA_MIRROR" >&2; return 1; }
  jar="$(java_side_jar)" || return 1
  for v in "${variants[@]}"; do
    echo "== library (Java, ${JAVA_PRECISION:-float64}): $model ${v:+$v }${STEPS:-3001} steps" >&2
    # shellcheck disable=SC2086
    "${JAVA:-java}" --add-modules=jdk.incubator.vector ${JAVA_OPTS:-} -cp "$jar" \
      io.github.lmworkbook.bench.ModelBenchmark --model "$model" $v -i "$names" --steps "${STEPS:-3001}" \
      --precision "${JAVA_PRECISION:-float64}" --json-only 2> >(grep -v 'incubator' >&2) || return 1
  done
}
