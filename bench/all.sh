#!/usr/bin/env bash
# The one benchmark command: every model of the workbook beside its PyTorch peer, one after the other, one table.
# Per model: the library's side (bench/java_sides.sh: ModelBenchmark in makemore's configuration), then the peer on
# each torch build (PyPI's wheel in bench/.venv-torch, and Debian's python3-torch when /usr/bin/python3 has it);
# with ROUNDS > 1 the sides alternate that many times and the table reports medians. The table
# (bench/peers.py table): ms per step (wall; CPU of the training thread beside it), the ratio Java/torch, test loss
# on both sides, precisions, threads, PyTorch and BLAS versions, load average.
#
# Usage: MAKEMORE=/path/to/makemore.py bench/all.sh [MODEL ...]
#   MODEL: mlp rnn gru lstm transformer (default: all; lstm runs both LSTM peer variants, lstm-cell / lstm-nn one)
# Environment:
#   MAKEMORE      path to makemore.py (required; see bench/README.md, "The PyTorch peers")
#   NAMES         names.txt (default: $LMW_DATA_MIRROR/names.txt, else data/cache/names.txt)
#   STEPS         training steps on each side (default 3001: makemore evaluates at step index 3000)
#   ROUNDS        how many times the sides alternate per model (default 1); the table shows medians over rounds
#   THREADS       torch intra-op threads (default: all cores);  WORKERS  data-loader workers (default: makemore's 4)
#   JAVA_OPTS     options of the Java side, e.g. -Dlmworkbook.threads=2 (default: one library thread)
#   WARMUP        logged steps left out of the median (default 100)
#   TORCH_BUILDS  which torch builds, in order (default "pypi debian"; debian is skipped if it has no torch)
#   NO_INSTALL=1  do not create bench/.venv-torch when it is missing (then the pypi column is skipped)
#   JAVA_SIDES    the file defining `java_side MODEL` (default bench/java_sides.sh; "none": peers only)
#   OUT           also keep every JSON line in this file (appended)
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
JAVA_SIDES="${JAVA_SIDES:-$root/bench/java_sides.sh}"
rounds="${ROUNDS:-1}"
[[ "$rounds" =~ ^[1-9][0-9]*$ ]] || { echo "all.sh: ROUNDS must be a positive integer, got '$rounds'" >&2; exit 2; }
if [[ "$JAVA_SIDES" != none ]]; then
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

echo "== $(date -u '+%Y-%m-%d %H:%M UTC'); $(uptime | sed 's/.*load average/load average/')" >&2
failed=0
for m in "${models[@]}"; do
  jm="${m%%-*}"   # lstm-cell / lstm-nn -> lstm
  for ((r = 1; r <= rounds; r++)); do
    [[ $rounds == 1 ]] || echo "== $m: round $r of $rounds" >&2
    if declare -F java_side >/dev/null; then
      set +e
      java_out="$(java_side "$jm")"; rc=$?
      set -e
      if [[ $rc == 0 ]]; then
        printf '%s\n' "$java_out" | grep '^{' | sed "s/^{/{\"round\": $r, /" >> "$results" || true
      elif [[ $rc != 3 ]]; then
        echo "all.sh: the Java side of $jm failed (exit $rc)" >&2; failed=1
      fi
    fi
    for b in "${builds[@]}"; do
      "${peers[@]}" run --python "$b" "${run_args[@]}" "$m" | sed "s/^{/{\"round\": $r, /" >> "$results" || failed=1
    done
  done
done
echo "== done $(date -u '+%H:%M UTC'); $(uptime | sed 's/.*load average/load average/')" >&2
[[ -z "${OUT:-}" ]] || cat "$results" >> "$OUT"
"${peers[@]}" table "$results"
exit $failed
