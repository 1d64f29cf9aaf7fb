#!/usr/bin/env bash
# Side by side: the library's MLP (io.github.lmworkbook.bench.MlpBenchmark) and makemore --type mlp (PyTorch),
# the same configuration, one after the other in one run, each allowed both cores. Prints ms per training step
# (median after warm-up), the test loss after the last step, the ratio Java/PyTorch and each side's precision.
#
# Usage: bench/mlp.sh [makemore.py]          (or set MAKEMORE=/path/to/makemore.py; see bench/README.md)
# Environment:
#   MAKEMORE       path to makemore.py (if not given as the argument)
#   NAMES          names.txt (default: $LMW_DATA_MIRROR/names.txt, else data/cache/names.txt)
#   STEPS          training steps (default 3001: makemore evaluates at step index 3000 only if it runs 3001 steps)
#   PYTHON         Python with torch (default /usr/bin/python3)
#   JAVA_OPTS      extra JVM options;  JAVA_ARGS extra MlpBenchmark options (e.g. --all-positions)
#   MAKEMORE_ARGS  extra makemore options (e.g. "--num-workers 0")
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
MAKEMORE="${1:-${MAKEMORE:-}}"
[[ -n "$MAKEMORE" && -f "$MAKEMORE" ]] || { echo "mlp.sh: makemore.py not found ('${MAKEMORE}'); pass its path or set MAKEMORE (see bench/README.md)" >&2; exit 2; }
NAMES="${NAMES:-}"
if [[ -z "$NAMES" ]]; then
  for c in "${LMW_DATA_MIRROR:-/nonexistent}/names.txt" "$ROOT/data/cache/names.txt"; do [[ -f "$c" ]] && { NAMES="$c"; break; }; done
fi
[[ -n "$NAMES" && -f "$NAMES" ]] || { echo "mlp.sh: names.txt not found; set NAMES or LMW_DATA_MIRROR" >&2; exit 2; }
STEPS="${STEPS:-3001}"
PYTHON="${PYTHON:-/usr/bin/python3}"
JAR="$ROOT/bench/target/lmworkbook-bench.jar"
if [[ ! -f "$JAR" ]] || [[ -n "$(find "$ROOT/lib/src/main" "$ROOT/bench/src" -newer "$JAR" -type f -print -quit)" ]]; then
  echo "== building $JAR" >&2
  (cd "$ROOT" && mvn -B -q package -pl lib,bench -DskipTests) >&2
fi
OUT="$(mktemp -d)"
trap 'rm -rf "$OUT"' EXIT

echo "== library (Java, float64): $STEPS steps of makemore's MLP configuration" >&2
java --add-modules=jdk.incubator.vector ${JAVA_OPTS:-} -cp "$JAR" io.github.lmworkbook.bench.MlpBenchmark \
  -i "$NAMES" --steps "$STEPS" ${JAVA_ARGS:-} 2> >(grep -v 'incubator' >&2) | tee "$OUT/java.txt" >&2
echo "== makemore (PyTorch, float32): --type mlp --max-steps $STEPS" >&2
"$PYTHON" "$ROOT/bench/makemore_peer.py" --makemore "$MAKEMORE" -- --type mlp --max-steps "$STEPS" \
  -i "$NAMES" -o "$OUT/makemore" ${MAKEMORE_ARGS:-} 2> >(grep -v -i 'warn' >&2) > "$OUT/torch.json"
cat "$OUT/torch.json" >&2

"$PYTHON" - "$OUT/java.txt" "$OUT/torch.json" <<'PY'
import json, sys
java = [json.loads(l) for l in open(sys.argv[1]) if l.startswith("{")][-1]
torch = json.loads(open(sys.argv[2]).read().strip().splitlines()[-1])
r = java["median_step_ms"] / torch["median_step_ms"]
f = lambda v, spec=".4f": "n/a" if v is None else format(v, spec)
print("MLP language model, makemore's configuration (context 16, n_embd 64, n_embd2 64, batch 32, AdamW 5e-4, wd 0.01)")
print(f"  PyTorch {torch['torch_version']} makemore: {torch['median_step_ms']:8.3f} ms/step  "
      f"test loss {f(torch['last_test_loss'])} at step {torch['eval_step']}   "
      f"{torch['dtype']}, {torch['threads']} threads, BLAS {', '.join(torch['blas']['loaded_libs']) or torch['blas']['build_blas_info']}")
print(f"  Java {java['java']} library:      {java['median_step_ms']:8.3f} ms/step  "
      f"test loss {java['last_test_loss']:.4f} after {java['steps']} steps   "
      f"float64, kernel {java['kernel']}, {java['rows_per_step']:.0f} rows/step "
      f"({'all positions' if java['all_positions'] else 'ignored positions skipped'}), {java['gflops']:.1f} GFLOP/s")
print(f"  ratio Java/PyTorch (ms per step): {r:.2f}  ({'faster' if r <= 1 else 'slower'} than PyTorch)")
print("  test loss: makemore = mean of per-batch means over its 1000 test words (torch.randperm split);"
      " library = per-token mean over its own 1000 test words (seeded shuffle)")
PY
