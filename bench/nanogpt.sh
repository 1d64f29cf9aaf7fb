#!/usr/bin/env bash
# nanoGPT's CPU recipe on both sides, one table: the library (NanoGptBenchmark: NanoGptRecipe.cpu(), at each
# precision asked for) and nanoGPT's own train.py (bench/nanogpt_peer.py, unmodified, on each torch build), the same
# settings (nanoGPT README's CPU run: n_layer 4, n_head 4, n_embd 128, block 64, batch 12, 2,000 iterations, ...).
# With ROUNDS > 1 the sides alternate that many times and the table reports medians.
#
# Usage: NANOGPT=/path/to/nanoGPT bench/nanogpt.sh
# Environment:
#   NANOGPT       a clone of https://github.com/karpathy/nanoGPT (required; never copied into this repository)
#   TEXT          tinyshakespeare.txt (default: $LMW_DATA_MIRROR/tinyshakespeare.txt, else data/cache/...)
#   ITERS         iterations on each side (default 2000, the recipe's; fewer for a timing-only run)
#   ROUNDS        how many times the sides alternate (default 1)
#   THREADS       threads on each side (default 1): torch's intra-op threads, and the library's products
#                 (-Dlmworkbook.threads=2 when THREADS=2)
#   PRECISIONS    the library's precisions, in order (default "float32 float64")
#   TORCH_BUILDS  which torch builds (default "pypi debian"; debian is skipped if /usr/bin/python3 has no torch)
#   NO_INSTALL=1  do not create bench/.venv-torch when it is missing (then the pypi column is skipped)
#   JAVA_OPTS     more options for the Java side;  OUT  also keep every JSON line in this file (appended)
#   CSV_DIR       write each run's log as CSV into this directory (java-<precision>-r<round>.csv,
#                 nanogpt-<build>-r<round>.csv)
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
command -v python3 >/dev/null || { echo "nanogpt.sh: python3 not found" >&2; exit 2; }
[[ -n "${NANOGPT:-}" && -f "${NANOGPT:-}/train.py" ]] || {
  echo "nanogpt.sh: nanoGPT not found ('${NANOGPT:-}'): set NANOGPT to a clone of https://github.com/karpathy/nanoGPT" >&2
  exit 2; }
text="${TEXT:-${LMW_DATA_MIRROR:+$LMW_DATA_MIRROR/tinyshakespeare.txt}}"
[[ -n "$text" && -f "$text" ]] || text="$root/data/cache/tinyshakespeare.txt"
[[ -f "$text" ]] || { echo "nanogpt.sh: tinyshakespeare.txt not found: set TEXT or LMW_DATA_MIRROR" >&2; exit 2; }
rounds="${ROUNDS:-1}" iters="${ITERS:-2000}" threads="${THREADS:-1}"
[[ "$rounds" =~ ^[1-9][0-9]*$ ]] || { echo "nanogpt.sh: ROUNDS must be a positive integer, got '$rounds'" >&2; exit 2; }
[[ "$iters" =~ ^[1-9][0-9]*$ ]] || { echo "nanogpt.sh: ITERS must be a positive integer, got '$iters'" >&2; exit 2; }
[[ "$threads" == 1 || "$threads" == 2 ]] || { echo "nanogpt.sh: THREADS must be 1 or 2, got '$threads'" >&2; exit 2; }
for p in ${PRECISIONS:-float32 float64}; do
  [[ "$p" == float32 || "$p" == float64 ]] || { echo "nanogpt.sh: unknown precision '$p' in PRECISIONS" >&2; exit 2; }
done
[[ -z "${CSV_DIR:-}" || -d "${CSV_DIR:-}" ]] || { echo "nanogpt.sh: CSV_DIR '$CSV_DIR' is not a directory" >&2; exit 2; }

builds=()
for b in ${TORCH_BUILDS:-pypi debian}; do
  case "$b" in
    pypi)
      if [[ ! -x "$root/bench/.venv-torch/bin/python" && "${NO_INSTALL:-0}" != 1 ]]; then
        "$root/bench/peer_env.sh" >&2 || { echo "nanogpt.sh: bench/peer_env.sh failed" >&2; exit 1; }
      fi
      if [[ -x "$root/bench/.venv-torch/bin/python" ]]; then builds+=(pypi)
      else echo "nanogpt.sh: no bench/.venv-torch (NO_INSTALL=1): skipping the PyPI torch" >&2; fi ;;
    debian)
      if /usr/bin/python3 -c 'import torch' >/dev/null 2>&1; then builds+=(debian)
      else echo "nanogpt.sh: /usr/bin/python3 has no torch: skipping Debian's torch (bench/peer_env.sh --debian)" >&2; fi ;;
    *) echo "nanogpt.sh: unknown torch build '$b' in TORCH_BUILDS (pypi, debian)" >&2; exit 2 ;;
  esac
done

# shellcheck source=/dev/null
source "$root/bench/java_sides.sh"          # java_side_jar: builds bench/target/lmworkbook-bench.jar when stale
jar="$(java_side_jar)" || exit 1
java_threads=()
[[ "$threads" == 2 ]] && java_threads=(-Dlmworkbook.threads=2)
results="$(mktemp)"
trap 'rm -f "$results"' EXIT
echo "== $(date -u '+%Y-%m-%d %H:%M UTC'); $(uptime | sed 's/.*load average/load average/'); $iters iterations" >&2
failed=0
for ((r = 1; r <= rounds; r++)); do
  [[ $rounds == 1 ]] || echo "== round $r of $rounds" >&2
  for p in ${PRECISIONS:-float32 float64}; do
    echo "== library (Java, $p, $threads thread(s)): nanoGPT's recipe, $iters iterations" >&2
    csv=()
    [[ -n "${CSV_DIR:-}" ]] && csv=(--csv "$CSV_DIR/java-$p-r$r.csv")
    load0="$(cut -d' ' -f1 /proc/loadavg)"
    # shellcheck disable=SC2086
    if line="$("${JAVA:-java}" --add-modules=jdk.incubator.vector "${java_threads[@]}" ${JAVA_OPTS:-} -cp "$jar" \
        io.github.lmworkbook.bench.NanoGptBenchmark --iters "$iters" --precision "$p" -i "$text" "${csv[@]}" \
        --json-only 2> >(grep -v 'incubator' >&2))"; then
      printf '%s\n' "$line" | grep '^{' \
        | sed "s/^{/{\"round\": $r, \"loadavg_before\": $load0, \"loadavg_after\": $(cut -d' ' -f1 /proc/loadavg), /" >> "$results"
    else
      echo "nanogpt.sh: the Java side ($p) failed" >&2; failed=1
    fi
  done
  for b in "${builds[@]}"; do
    py="/usr/bin/python3"; [[ "$b" == pypi ]] && py="$root/bench/.venv-torch/bin/python"
    echo "== nanoGPT on $b torch ($threads thread(s)), $iters iterations" >&2
    csv=()
    [[ -n "${CSV_DIR:-}" ]] && csv=(--csv "$CSV_DIR/nanogpt-$b-r$r.csv")
    extra=()
    # below 250 iterations nanoGPT would estimate only at 0: estimate at the end too, as the library does
    [[ "$iters" != 2000 ]] && extra=(-- "--max_iters=$iters" "--lr_decay_iters=$iters" "--warmup_iters=$((iters < 1000 ? iters / 10 : 100))"
      "--eval_interval=$((iters < 250 ? iters : 250))")
    load0="$(cut -d' ' -f1 /proc/loadavg)"
    if line="$("$py" "$root/bench/nanogpt_peer.py" --nanogpt "$NANOGPT" --text "$text" --threads "$threads" \
        "${csv[@]}" "${extra[@]}")"; then
      printf '%s\n' "$line" | grep '^{' | sed "s/^{/{\"round\": $r, \"build\": \"$b\", \"loadavg_before\": $load0, /" >> "$results"
    else
      echo "nanogpt.sh: nanoGPT on $b torch failed" >&2; failed=1
    fi
  done
done
echo "== done $(date -u '+%H:%M UTC'); $(uptime | sed 's/.*load average/load average/')" >&2
[[ -z "${OUT:-}" ]] || cat "$results" >> "$OUT"
python3 "$root/bench/nanogpt_table.py" "$results"
exit $failed
