#!/usr/bin/env bash
# Every model side by side: the PyTorch peers (PyPI torch, and Debian's torch when /usr/bin/python3 has it) and,
# where one is plugged in, the library's Java side; one table at the end (bench/peers.py table).
#
# Usage: bench/all.sh [MODEL ...]      MODEL: mlp rnn gru lstm transformer (default: all; lstm = both variants)
# Environment:
#   MAKEMORE      path to makemore.py (required; see bench/README.md, "The PyTorch peers")
#   NAMES         names.txt (default: $LMW_DATA_MIRROR/names.txt, else data/cache/names.txt)
#   STEPS         training steps (default 3001: makemore evaluates at step index 3000)
#   THREADS       torch intra-op threads (default: all cores);  WORKERS  data-loader workers (default: makemore's 4)
#   WARMUP        logged steps left out of the median (default 100)
#   TORCH_BUILDS  which torch builds, in order (default "pypi debian"; debian is skipped if it has no torch)
#   NO_INSTALL=1  do not create bench/.venv-torch when it is missing (then the pypi column is skipped)
#   OUT           also keep every JSON line in this file (appended)
# Java side, per model (none by default):
#   JAVA_SIDES=FILE   a bash file defining `java_side MODEL`: run the library's benchmark for MODEL, print its
#                     output ending with one JSON line (median_step_ms, last_test_loss, dtype, threads or cores,
#                     ...), return 3 when there is no Java side for MODEL. bench/java_sides.sh is the one kept
#                     in the repository (mlp so far).
#   JAVA_CMD_<model>  alternatively a command per model, e.g. JAVA_CMD_mlp='java -cp ... MlpBenchmark --json-only'
# The Java line is tagged with its model (peers.py tag) and joined with the peers' lines by model name.
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
peers=("python3" "$root/bench/peers.py")
command -v python3 >/dev/null || { echo "all.sh: python3 not found" >&2; exit 2; }

models=("$@")
[[ ${#models[@]} -gt 0 ]] || models=(mlp rnn gru lstm transformer)
for m in "${models[@]}"; do
  case "$m" in mlp|rnn|gru|lstm|transformer|lstm-cell|lstm-nn) ;;
    *) echo "all.sh: unknown model '$m' (choose from mlp rnn gru lstm transformer)" >&2; exit 2 ;;
  esac
done
[[ -n "${MAKEMORE:-}" && -f "${MAKEMORE:-}" ]] || {
  echo "all.sh: makemore.py not found ('${MAKEMORE:-}'): set MAKEMORE (see bench/README.md, 'The PyTorch peers')" >&2
  exit 2; }
if [[ -n "${JAVA_SIDES:-}" ]]; then
  [[ -f "$JAVA_SIDES" ]] || { echo "all.sh: JAVA_SIDES file '$JAVA_SIDES' not found" >&2; exit 2; }
  # shellcheck source=/dev/null
  source "$JAVA_SIDES"
  declare -F java_side >/dev/null || { echo "all.sh: $JAVA_SIDES defines no function java_side" >&2; exit 2; }
fi

builds=()
for b in ${TORCH_BUILDS:-pypi debian}; do
  case "$b" in
    pypi)
      if [[ ! -x "$root/bench/.venv-torch/bin/python" && "${NO_INSTALL:-0}" != 1 ]]; then
        "$root/bench/peer_env.sh" >&2 || { echo "all.sh: bench/peer_env.sh failed" >&2; exit 1; }
      fi
      if [[ -x "$root/bench/.venv-torch/bin/python" ]]; then builds+=(pypi)
      else echo "all.sh: no bench/.venv-torch (NO_INSTALL=1): skipping the PyPI torch" >&2; fi ;;
    debian)
      if /usr/bin/python3 -c 'import torch' >/dev/null 2>&1; then builds+=(debian)
      else echo "all.sh: /usr/bin/python3 has no torch: skipping Debian's torch (bench/peer_env.sh --debian)" >&2; fi ;;
    *) echo "all.sh: unknown torch build '$b' in TORCH_BUILDS (pypi, debian)" >&2; exit 2 ;;
  esac
done
[[ ${#builds[@]} -gt 0 ]] || { echo "all.sh: no torch build to run (see bench/peer_env.sh)" >&2; exit 1; }

results="$(mktemp)"
trap 'rm -f "$results"' EXIT
run_args=(--steps "${STEPS:-3001}")
[[ -n "${THREADS:-}" ]] && run_args+=(--threads "$THREADS")
[[ -n "${WORKERS:-}" ]] && run_args+=(--workers "$WORKERS")
[[ -n "${WARMUP:-}" ]] && run_args+=(--warmup-steps "$WARMUP")
[[ -n "${NAMES:-}" ]] && run_args+=(-i "$NAMES")

# The Java side of one model: java_side from JAVA_SIDES, else JAVA_CMD_<model>, else none (status 3).
java_for() {
  local m="$1" var="JAVA_CMD_${1//-/_}"
  if declare -F java_side >/dev/null; then java_side "$m"
  elif [[ -n "${!var:-}" ]]; then eval "${!var}"
  else return 3; fi
}

echo "== $(date -u '+%Y-%m-%d %H:%M UTC'); $(uptime | sed 's/.*load average/load average/')" >&2
failed=0
for m in "${models[@]}"; do
  jm="${m%%-*}"   # lstm-cell / lstm-nn -> lstm
  set +e
  java_out="$(java_for "$jm")"; rc=$?
  set -e
  if [[ $rc == 0 ]]; then
    printf '%s\n' "$java_out" | "${peers[@]}" tag "$jm" >> "$results" || failed=1
  elif [[ $rc != 3 ]]; then
    echo "all.sh: the Java side of $jm failed (exit $rc)" >&2; failed=1
  fi
  for b in "${builds[@]}"; do
    "${peers[@]}" run --python "$b" "${run_args[@]}" "$m" >> "$results" || failed=1
  done
done
echo "== done $(date -u '+%H:%M UTC'); $(uptime | sed 's/.*load average/load average/')" >&2
[[ -z "${OUT:-}" ]] || cat "$results" >> "$OUT"
"${peers[@]}" table "$results"
exit $failed
