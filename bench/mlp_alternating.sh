#!/usr/bin/env bash
# The MLP side by side on a shared machine: the library's side (bench/java_sides.sh) and makemore on the PyPI
# torch (bench/peers.py run), alternately ROUNDS times, so that both sides see the same stretch of load; prints
# each run's wall and CPU milliseconds per step, then the medians over the rounds and their ratios Java/torch.
# CPU ms per step: the thread that runs the step (Java: the training thread; makemore: its training loop, with one
# torch thread all of a step's computation runs there) - time spent waiting for a CPU does not count, so this
# ratio is the steadier one under load; the wall-clock ratio is what a user waits for on a quiet machine.
#
# Usage: MAKEMORE=/path/to/makemore.py bench/mlp_alternating.sh
# Environment: ROUNDS (default 3), STEPS (default 1001), THREADS (torch intra-op threads, default 1),
#   JAVA_ARGS (default --all-positions: makemore's work), JAVA_OPTS, NAMES or LMW_DATA_MIRROR, OUT (keep JSON lines).
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
[[ -n "${MAKEMORE:-}" && -f "${MAKEMORE:-}" ]] || {
  echo "mlp_alternating.sh: makemore.py not found ('${MAKEMORE:-}'): set MAKEMORE (see bench/README.md)" >&2; exit 2; }
[[ -x "$root/bench/.venv-torch/bin/python" ]] || {
  echo "mlp_alternating.sh: no bench/.venv-torch (PyPI torch): run bench/peer_env.sh first" >&2; exit 2; }
rounds="${ROUNDS:-3}"
[[ "$rounds" =~ ^[1-9][0-9]*$ ]] || { echo "mlp_alternating.sh: ROUNDS must be a positive integer, got '$rounds'" >&2; exit 2; }
export STEPS="${STEPS:-1001}" JAVA_ARGS="${JAVA_ARGS---all-positions}"
# shellcheck source=bench/java_sides.sh
source "$root/bench/java_sides.sh"
lines="$(mktemp)"
trap 'rm -f "$lines"' EXIT

echo "== $(date -u '+%Y-%m-%d %H:%M UTC'); $(uptime | sed 's/.*load average/load average/')" >&2
for ((r = 1; r <= rounds; r++)); do
  echo "== round $r/$rounds: library, then makemore; $(uptime | sed 's/.*load average/load average/')" >&2
  java_side mlp | tail -1 >> "$lines"
  python3 "$root/bench/peers.py" run --python pypi --steps "$STEPS" --threads "${THREADS:-1}" mlp | tail -1 >> "$lines"
done
echo "== done $(date -u '+%H:%M UTC'); $(uptime | sed 's/.*load average/load average/')" >&2
[[ -z "${OUT:-}" ]] || cat "$lines" >> "$OUT"

python3 - "$lines" <<'PY'
import json, statistics, sys
runs = [json.loads(l) for l in open(sys.argv[1]) if l.strip().startswith("{")]
java = [d for d in runs if d.get("side") == "lmworkbook-java"]
torch = [d for d in runs if d.get("side") != "lmworkbook-java"]
def col(ds, key):
    return [d.get(key) for d in ds if d.get(key) is not None]
print("MLP, makemore's configuration, %s; %d rounds of %s steps, the two sides alternating"
      % ("all positions" if java and java[0].get("all_positions") else "positions with a target only",
         len(java), java[0].get("steps") if java else "?"))
print("%-7s %-22s %-22s" % ("round", "Java ms/step wall, CPU", "torch ms/step wall, CPU"))
for i, (j, t) in enumerate(zip(java, torch), 1):
    print("%-7d %8.2f %8.2f      %8.2f %8.2f" % (i, j["median_step_ms"], j.get("median_step_cpu_ms") or float("nan"),
                                                t["median_step_ms"], t.get("median_step_cpu_ms") or float("nan")))
for key, label in (("median_step_ms", "wall"), ("median_step_cpu_ms", "CPU")):
    jv, tv = col(java, key), col(torch, key)
    if jv and tv:
        per_round = [a / b for a, b in zip(jv, tv)]
        print("%-4s median Java %.2f ms, torch %.2f ms: ratio Java/torch %.2f (per round %s)"
              % (label, statistics.median(jv), statistics.median(tv), statistics.median(jv) / statistics.median(tv),
                 ", ".join("%.2f" % q for q in per_round)))
if java and torch:
    print("Java: %s, float64, %s library thread(s); torch %s, %s, %s thread(s), %s workers"
          % (java[0].get("kernel"), java[0].get("threads", 1), torch[0].get("torch_version"), torch[0].get("dtype"),
             torch[0].get("threads"), torch[0].get("workers")))
PY
