#!/usr/bin/env bash
# makemore's transformer configuration, library vs PyTorch makemore, side by side in one run (see bench/README.md).
# Builds the jar if it is missing or older than the sources. Arguments go to TransformerBenchmark
# (--steps N, --makemore PATH (default $MAKEMORE), --python PY, --threads N, --harness PATH, --no-peer,
# --json-only, --all-positions, --clip X, --help). JAVA_OPTS: extra JVM options (e.g. -Dlmworkbook.threads=2).
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
jar="$root/bench/target/lmworkbook-bench.jar"
if [[ ! -f "$jar" ]] || [[ -n "$(find "$root/lib/src/main" "$root/bench/src" -newer "$jar" -type f -print -quit)" ]]; then
  (cd "$root" && mvn -B -q -o package -DskipTests -pl lib,bench 2>/dev/null || mvn -B -q package -DskipTests -pl lib,bench)
fi
# shellcheck disable=SC2086
exec java --add-modules=jdk.incubator.vector ${JAVA_OPTS:-} -Dlmworkbook.root="$root" -cp "$jar" \
  io.github.lmworkbook.bench.TransformerBenchmark "$@"
