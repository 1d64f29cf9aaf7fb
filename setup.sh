#!/usr/bin/env bash
# LM Workbook setup: checks the tools, installs the Java kernel (JJava) and Jupyter, builds the library jar.
# Idempotent: safe to run again at any time (e.g. after pulling changes to rebuild the jar).
#
# Environment:
#   LMW_VENV=none    install the Python packages into the current Python environment instead of .venv/
#                    (Binder does this: its image already has a Python environment). Default: <project>/.venv
#   LMW_VENV=/path   use (or create) a virtual environment at that path
#   PYTHON=python3   the Python used to create the venv (or to install into with LMW_VENV=none)
#   MVN_ARGS="..."   extra arguments for the Maven build (e.g. MVN_ARGS="-o" for offline)
#   LMW_SKIP_BUILD=1 do not build the library jar
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
cd "$ROOT"

if [[ -t 1 ]]; then say() { printf '\033[1m==>\033[0m %s\n' "$*"; }; else say() { printf '==> %s\n' "$*"; }; fi
fail() { printf '\nsetup.sh: ERROR: %s\n' "$*" >&2; exit 1; }

# ---------------------------------------------------------------------------------------------------------------
# 1. Java >= 17 and Maven
# ---------------------------------------------------------------------------------------------------------------
major_of() { # "17.0.15" -> 17, "1.8.0_292" -> 8, "21-ea" -> 21
  local v="$1" m="${1%%.*}"
  [[ "$m" == 1 ]] && m="$(cut -d. -f2 <<<"$v")"
  echo "${m%%[^0-9]*}"
}
for tool in java javac; do
  command -v "$tool" >/dev/null 2>&1 || fail "'$tool' not found. Install a JDK 17 or newer (e.g. 'apt-get install openjdk-17-jdk-headless') and put it on PATH."
done
JAVA_LINE="$(java -version 2>&1 | grep -m1 ' version ' || true)"
JAVAC_LINE="$(javac -version 2>&1 | grep -m1 '^javac ' || true)"
JAVA_MAJOR="$(major_of "$(sed -n 's/.* version "\([^"]*\)".*/\1/p' <<<"$JAVA_LINE")")"
JAVAC_MAJOR="$(major_of "$(sed -n 's/^javac \([^ ]*\).*/\1/p' <<<"$JAVAC_LINE")")"
[[ "$JAVA_MAJOR" =~ ^[0-9]+$ ]] && (( JAVA_MAJOR >= 17 )) \
  || fail "java is version '${JAVA_MAJOR:-unknown}' (${JAVA_LINE:-no version line}); the workbook needs Java 17 or newer."
[[ "$JAVAC_MAJOR" =~ ^[0-9]+$ ]] && (( JAVAC_MAJOR >= 17 )) \
  || fail "javac is version '${JAVAC_MAJOR:-unknown}' (${JAVAC_LINE:-no version line}); the workbook needs a JDK 17 or newer (a JRE is not enough)."
command -v mvn >/dev/null 2>&1 || fail "'mvn' not found. Install Maven 3.8+ (e.g. 'apt-get install maven')."
say "Java $JAVA_MAJOR ($(command -v java)), javac $JAVAC_MAJOR, $(mvn -B -v 2>/dev/null | head -n1 | sed 's/\x1b\[[0-9;]*[A-Za-z]//g')"

# ---------------------------------------------------------------------------------------------------------------
# 2. Fonts: charts are rendered headless by Java2D, which needs fontconfig and at least one font.
# ---------------------------------------------------------------------------------------------------------------
FONT_PKGS="fontconfig fonts-dejavu-core"
if ! { command -v fc-list >/dev/null 2>&1 && [[ -n "$(fc-list 2>/dev/null | head -n1)" ]]; }; then
  if [[ "$(id -u)" == 0 ]] && command -v apt-get >/dev/null 2>&1; then
    say "No fonts found: installing $FONT_PKGS (needed to draw charts)"
    DEBIAN_FRONTEND=noninteractive apt-get update -qq
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq $FONT_PKGS >/dev/null
  else
    printf '\nsetup.sh: WARNING: no fonts found (fc-list). Charts will fail to render.\n' >&2
    printf '         Install them, e.g.: sudo apt-get install %s\n\n' "$FONT_PKGS" >&2
  fi
fi

# ---------------------------------------------------------------------------------------------------------------
# 3. Python environment with Jupyter and the JJava kernel
# ---------------------------------------------------------------------------------------------------------------
REQ="$ROOT/binder/requirements.txt"
LMW_VENV="${LMW_VENV:-$ROOT/.venv}"
BASE_PY="${PYTHON:-python3}"
command -v "$BASE_PY" >/dev/null 2>&1 || fail "'$BASE_PY' not found. Install Python 3.9+ with pip and venv."

if [[ "$LMW_VENV" == none ]]; then
  PY="$(command -v "$BASE_PY")"
  JUPYTER_BIN="$(dirname "$PY")/jupyter"
  STAMP=""
  say "Installing the Python packages into the current environment ($PY)"
else
  if [[ ! -x "$LMW_VENV/bin/python" ]]; then
    say "Creating the virtual environment $LMW_VENV"
    "$BASE_PY" -m venv "$LMW_VENV" \
      || fail "could not create a venv with '$BASE_PY -m venv'. On Debian/Ubuntu: apt-get install python3-venv"
  fi
  PY="$LMW_VENV/bin/python"
  JUPYTER_BIN="$LMW_VENV/bin/jupyter"
  STAMP="$LMW_VENV/.lmw-requirements.sha256"
fi

REQ_HASH="$(sha256sum "$REQ" | cut -d' ' -f1)"
if [[ -n "$STAMP" && -f "$STAMP" && "$(cat "$STAMP")" == "$REQ_HASH" && -x "$JUPYTER_BIN" ]]; then
  say "Python packages already installed ($(basename "$LMW_VENV")/, matches binder/requirements.txt)"
else
  say "Installing binder/requirements.txt (jjava, jupyterlab, nbclient, ...)"
  "$PY" -m pip install --disable-pip-version-check -q -r "$REQ" \
    || fail "pip install -r binder/requirements.txt failed (see above)."
  [[ -n "$STAMP" ]] && echo "$REQ_HASH" > "$STAMP"
fi

# ---------------------------------------------------------------------------------------------------------------
# 4. The java kernelspec: the kernel JVM must load the Vector API module, run headless, with an explicit heap (sized
#    for a 2 GB Binder pod; LMW_KERNEL_HEAP=2g for more), on a JDK: the kernel runs JShell, which a JRE lacks.
#    The options are notebooks/run_notebooks.py's (one place), with its start-up script (after a kernel restart, a
#    cell that fails on an unresolved name says to run the %classpath and imports cells again); the kernel's `java`
#    is this JDK's, whatever the PATH of the Jupyter server (Ubuntu's maven package may make JDK 21's JRE the
#    default `java`).
# ---------------------------------------------------------------------------------------------------------------
KERNEL_ENV="$("$PY" "$ROOT/notebooks/run_notebooks.py" --print-kernel-env)" \
  || fail "could not read the kernel's environment from notebooks/run_notebooks.py"
JAVA_BIN="$(dirname "$(readlink -f "$(command -v java)")")"
[[ -x "$JAVA_BIN/jshell" ]] \
  || fail "$JAVA_BIN/java belongs to a JRE (no jshell next to it); the Java kernel needs a JDK 17+. Install one (e.g. 'apt-get install openjdk-17-jdk-headless') and put it first on PATH."
KERNEL_DIR="$("$PY" - <<'PY'
from jupyter_client.kernelspec import KernelSpecManager
try:
    print(KernelSpecManager().get_kernel_spec("java").resource_dir)
except Exception:
    pass
PY
)"
[[ -n "$KERNEL_DIR" && -f "$KERNEL_DIR/kernel.json" ]] \
  || fail "the 'java' kernelspec was not installed by pip (jjava). Try: $PY -m pip install --force-reinstall jjava==1.0a8"
"$PY" - "$KERNEL_DIR/kernel.json" "$KERNEL_ENV" "$JAVA_BIN" <<'PY'
import json, sys
path, kernel_env, java_bin = sys.argv[1], json.loads(sys.argv[2]), sys.argv[3]
opts = kernel_env["JJAVA_JVM_OPTS"]
with open(path) as f:
    spec = json.load(f)
env = dict(spec.get("env") or {})
# jupyter_client fills ${PATH} in from the server's environment when it starts the kernel
want = dict(env, PATH=java_bin + ":${PATH}", **kernel_env)
if want != env:
    spec["env"] = want
    with open(path, "w") as f:
        json.dump(spec, f, indent=2)
        f.write("\n")
    print("==> Patched %s: JJAVA_JVM_OPTS=%s, the JDK in %s" % (path, opts, java_bin))
else:
    print("==> Kernelspec %s already has JJAVA_JVM_OPTS=%s and the JDK in %s" % (path, opts, java_bin))
PY

# ---------------------------------------------------------------------------------------------------------------
# 5. The library jar the notebooks load (lib/target/lmworkbook-all.jar)
# ---------------------------------------------------------------------------------------------------------------
if [[ "${LMW_SKIP_BUILD:-0}" != 1 ]]; then
  say "Building the library: mvn -B -q -DskipTests ${MVN_ARGS:-} package"
  # Debian's Maven 3.8 writes bare colour resets (ESC[0m) even in batch mode with colours off: strip every escape
  # code, so that a log or a pipe shows none (pipefail keeps Maven's exit status).
  # shellcheck disable=SC2086
  mvn -B -q -Dstyle.color=never -DskipTests ${MVN_ARGS:-} package 2>&1 | sed 's/\x1b\[[0-9;]*[A-Za-z]//g' \
    || fail "the Maven build failed (see above)."
  [[ -f "$ROOT/lib/target/lmworkbook-all.jar" ]] || fail "the build did not produce lib/target/lmworkbook-all.jar"
  say "Built lib/target/lmworkbook-all.jar"
fi

# ---------------------------------------------------------------------------------------------------------------
# 6. Check that Jupyter sees the kernel
# ---------------------------------------------------------------------------------------------------------------
if [[ -x "$JUPYTER_BIN" ]]; then JUPYTER=("$JUPYTER_BIN"); else JUPYTER=("$PY" -m jupyter); fi
KERNELS="$("${JUPYTER[@]}" kernelspec list 2>&1)" || fail "'jupyter kernelspec list' failed: $KERNELS"
grep -Eq '^[[:space:]]*java[[:space:]]' <<<"$KERNELS" \
  || fail "Jupyter does not list a 'java' kernel. 'jupyter kernelspec list' says:
$KERNELS"
say "Jupyter kernels:"
printf '%s\n' "$KERNELS" | sed 's/^/    /'

if [[ "$LMW_VENV" == none ]]; then LAB="jupyter lab notebooks/"; else LAB="${JUPYTER_BIN#"$ROOT"/} lab notebooks/"; fi
cat <<MSG

Setup complete. Next:
    $LAB          # or ./lab
    mvn -B verify                   # unit tests + execute every notebook through the Java kernel
In a notebook, pick the "Java (jjava)" kernel; the first cell loads the library with
    %classpath ../lib/target/lmworkbook-all.jar
MSG
