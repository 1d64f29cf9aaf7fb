# The library's side of bench/all.sh, one model at a time (sourced by all.sh when JAVA_SIDES points here):
#   JAVA_SIDES=bench/java_sides.sh MAKEMORE=... bench/all.sh mlp
# java_side MODEL runs the library's benchmark for MODEL with the peers' configuration and prints its output,
# ending with one JSON line (median_step_ms, last_test_loss, dtype, threads, ...); it returns 3 for a model
# that has no Java side yet (mlp: MlpBenchmark; rnn, gru, lstm: RnnBenchmark --cell). To add a model: a
# benchmark class that prints such a line, and a case below.
# Environment: JAVA (default java), JAVA_OPTS (e.g. -Dlmworkbook.threads=2), JAVA_ARGS (options of the model's
# benchmark, e.g. --all-positions for the MLP: makemore's work), STEPS (default 3001), NAMES.

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

# Threads the library's products use: 1 unless JAVA_OPTS sets -Dlmworkbook.threads=N.
java_side_threads() {
  local t
  t="$(sed -n 's/.*-Dlmworkbook\.threads=\([0-9][0-9]*\).*/\1/p' <<< "${JAVA_OPTS:-}")"
  echo "${t:-1}"
}

java_side() {
  local model="$1" jar names
  names="${NAMES:-${LMW_DATA_MIRROR:-/nonexistent}/names.txt}"
  case "$model" in
    mlp)
      jar="$(java_side_jar)" || return 1
      [[ -f "$names" ]] || { echo "java_sides.sh: names.txt not found ('$names'): set NAMES or LMW_DATA_MIRROR" >&2; return 1; }
      echo "== library (Java, float64): mlp, ${STEPS:-3001} steps" >&2
      # shellcheck disable=SC2086
      "${JAVA:-java}" --add-modules=jdk.incubator.vector ${JAVA_OPTS:-} -cp "$jar" \
        io.github.lmworkbook.bench.MlpBenchmark -i "$names" --steps "${STEPS:-3001}" --json-only ${JAVA_ARGS:-} \
        2> >(grep -v 'incubator' >&2) \
        | python3 "$(dirname "${BASH_SOURCE[0]}")/peers.py" tag mlp --set "threads=$(java_side_threads)"
      ;;
    rnn|gru|lstm)
      jar="$(java_side_jar)" || return 1
      [[ -f "$names" ]] || { echo "java_sides.sh: names.txt not found ('$names'): set NAMES or LMW_DATA_MIRROR" >&2; return 1; }
      echo "== library (Java, float64): $model, ${STEPS:-3001} steps" >&2
      # shellcheck disable=SC2086
      "${JAVA:-java}" --add-modules=jdk.incubator.vector ${JAVA_OPTS:-} -cp "$jar" \
        io.github.lmworkbook.bench.RnnBenchmark --cell "$model" -i "$names" --steps "${STEPS:-3001}" \
        --json-only 2> >(grep -v 'incubator' >&2) \
        | python3 "$(dirname "${BASH_SOURCE[0]}")/peers.py" tag "$model" --set "threads=$(java_side_threads)"
      ;;
    *) return 3 ;;
  esac
}
