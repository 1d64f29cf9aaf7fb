#!/usr/bin/env bash
# The PyTorch peers' Python environments (see bench/README.md, "The PyTorch peers").
#
#   1. "pypi":   the CPU PyTorch a user gets from `pip install torch`, in a venv of its own, bench/.venv-torch
#                (git-ignored; several GB with the CUDA libraries the PyPI wheel depends on). Created if missing,
#                completed if a package is missing, left alone otherwise.
#   2. "debian": Debian's python3-torch + libopenblas0-pthread + python3-numpy under /usr/bin/python3
#                (installed only with --debian: needs root and apt).
# Then prints what each has: torch version and build BLAS (torch.__config__.show()), MKL / oneDNN availability,
# intra-op threads, numpy's BLAS and the OpenBLAS core (architecture) threadpoolctl reports.
#
# Usage: bench/peer_env.sh [--debian] [--no-install] [--python-path] [--json]
#   --debian       also apt-get install Debian's torch (the second column)
#   --no-install   create/install nothing; only describe what is there
#   --python-path  print only the venv's python (creating the venv if needed) - for other scripts
#   --json         describe each environment as one JSON line instead of text
# Environment: PEER_VENV (default bench/.venv-torch), VENV_PYTHON (python that creates the venv, default
#   python3), TORCH_SPEC (default "torch": the newest wheel; e.g. "torch==2.5.1" to pin), DEBIAN_PYTHON
#   (default /usr/bin/python3). Never run in CI.
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
venv="${PEER_VENV:-$root/bench/.venv-torch}"
base_python="${VENV_PYTHON:-python3}"
torch_spec="${TORCH_SPEC:-torch}"
debian_python="${DEBIAN_PYTHON:-/usr/bin/python3}"
debian=0 install=1 path_only=0 json=0
for a in "$@"; do
  case "$a" in
    --debian) debian=1 ;;
    --no-install) install=0 ;;
    --python-path) path_only=1 ;;
    --json) json=1 ;;
    -h|--help) sed -n '2,/^set -euo/p' "$0" | sed '$d' | sed 's/^# \{0,1\}//'; exit 0 ;;
    *) echo "peer_env.sh: unknown option '$a' (try --help)" >&2; exit 2 ;;
  esac
done
say() { [[ $path_only == 1 ]] || echo "$@" >&2; }
vpy="$venv/bin/python"

ensure_venv() {
  if [[ -d "$venv" && ! -x "$vpy" ]]; then
    say "== $venv exists but has no bin/python: recreating it"
    "$base_python" -m venv --clear "$venv" >&2
  elif [[ ! -x "$vpy" ]]; then
    command -v "$base_python" >/dev/null 2>&1 || { echo "peer_env.sh: '$base_python' not found; set VENV_PYTHON to a Python 3.9+" >&2; exit 2; }
    say "== creating the venv $venv with $("$base_python" -c 'import sys; print(sys.executable, sys.version.split()[0])')"
    "$base_python" -m venv "$venv" >&2 || { echo "peer_env.sh: '$base_python -m venv' failed (on Debian: apt-get install python3-venv)" >&2; exit 2; }
  fi
  if ! "$vpy" -c 'import torch, numpy, threadpoolctl' >/dev/null 2>&1; then
    say "== pip install $torch_spec numpy threadpoolctl into $venv (the PyPI wheel: large, several minutes)"
    "$vpy" -m pip install -q --upgrade pip >&2
    "$vpy" -m pip install -q "$torch_spec" numpy threadpoolctl >&2 \
      || { echo "peer_env.sh: pip install into $venv failed (see above)" >&2; exit 1; }
  fi
}

if [[ $install == 1 ]]; then
  ensure_venv
  if [[ $debian == 1 ]]; then
    if ! "$debian_python" -c 'import torch, numpy' >/dev/null 2>&1; then
      say "== apt-get install python3-torch libopenblas0-pthread python3-numpy"
      [[ $(id -u) == 0 ]] || { echo "peer_env.sh: --debian needs root (apt-get install)" >&2; exit 2; }
      (apt-get update -q && DEBIAN_FRONTEND=noninteractive apt-get install -y -q python3-torch \
        libopenblas0-pthread python3-numpy) >&2 || { echo "peer_env.sh: apt-get install failed" >&2; exit 1; }
    fi
  fi
fi
if [[ $path_only == 1 ]]; then
  [[ -x "$vpy" ]] || { echo "peer_env.sh: no venv at $venv (run bench/peer_env.sh)" >&2; exit 2; }
  echo "$vpy"; exit 0
fi

fmt=text; [[ $json == 1 ]] && fmt=json
status=0
for pair in "pypi:$vpy" "debian:$debian_python"; do
  label="${pair%%:*}" py="${pair#*:}"
  if [[ ! -x "$py" ]]; then
    say "== $label: no python at $py$([[ $label == pypi ]] && echo ' (run bench/peer_env.sh)')"; status=1; continue
  fi
  if ! "$py" -c 'import torch' >/dev/null 2>&1; then
    say "== $label ($py): torch is not importable$([[ $label == debian ]] && echo ' (bench/peer_env.sh --debian installs it)')"
    [[ $label == pypi ]] && status=1; continue
  fi
  [[ $json == 1 ]] || echo "== $label: $py"
  "$py" "$root/bench/peer_info.py" --label "$label" --format "$fmt" || status=1
done
exit $status
