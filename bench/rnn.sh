#!/usr/bin/env bash
# makemore's rnn configuration, library vs PyTorch makemore, side by side in one run (see bench/README.md);
# --cell lstm: the same model with the LSTM cell against bench/lstm_peer.py (LSTMCell loop and nn.LSTM).
# Builds the library jar if it is missing or older than the sources. Arguments go to RnnBenchmark
# (--cell rnn|lstm, --steps N, --makemore PATH (default $MAKEMORE), --harness PATH, --no-peer, --json-only,
# -i NAMES, --clip X, --help).
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
jar="$root/bench/target/lmworkbook-bench.jar"
if [[ ! -f "$jar" ]] || [[ -n "$(find "$root/lib/src/main" "$root/bench/src" -newer "$jar" -type f -print -quit)" ]]; then
  (cd "$root" && mvn -B -q -o package -DskipTests -pl lib,bench 2>/dev/null || mvn -B -q package -DskipTests -pl lib,bench)
fi
exec java --add-modules=jdk.incubator.vector -Dlmworkbook.root="$root" -cp "$jar" \
  io.github.lmworkbook.bench.RnnBenchmark "$@"
