#!/usr/bin/env bash
# The RNN training step before the redesign (commit 719f4a2 by default) against the working tree's, in ONE JVM,
# alternating round by round (bench/BeforeAfterRnn.java). Usage: bench/before_after.sh [ROUNDS [STEPS]]
# (default 24 rounds of 1,000 steps, ~3 minutes). OLD: the commit to build the "before" jar from.
# JAVA_OPTS: extra JVM options for the run (e.g. -XX:ObjectAlignmentInBytes=64).
set -euo pipefail
cd "$(dirname "$0")/.."
ROUNDS=${1:-24}
STEPS=${2:-1000}
OLD=${OLD:-719f4a2}
JAVA=${JAVA:-java}
NEW_JAR=bench/target/lmworkbook-bench.jar
OLD_DIR=bench/target/before-$OLD
OLD_JAR=$OLD_DIR/bench/target/lmworkbook-bench.jar

if [ ! -f "$NEW_JAR" ] || [ -n "$(find lib/src/main bench/src pom.xml lib/pom.xml bench/pom.xml -newer "$NEW_JAR" -type f | head -1)" ]; then
  echo "building $NEW_JAR ..."
  mvn -B -q -Dstyle.color=never -o package -DskipTests -pl lib,bench || mvn -B -q -Dstyle.color=never package -DskipTests -pl lib,bench
fi
if [ ! -f "$OLD_JAR" ]; then
  git cat-file -e "$OLD^{commit}" 2>/dev/null \
    || { echo "before_after.sh: commit $OLD is not in this clone (a shallow clone? git fetch --unshallow)" >&2; exit 2; }
  echo "building the jar of $OLD in $OLD_DIR ..."
  rm -rf "$OLD_DIR"
  mkdir -p "$OLD_DIR"
  git archive "$OLD" | tar -x -C "$OLD_DIR"
  (cd "$OLD_DIR" && { mvn -B -q -o package -DskipTests -pl lib,bench \
    || mvn -B -q package -DskipTests -pl lib,bench; } 2>&1 >/dev/null | sed 's/\x1b\[[0-9;]*m//g')
fi
echo "uptime at the start: $(uptime)"
# shellcheck disable=SC2086
"$JAVA" ${JAVA_OPTS:-} --add-modules=jdk.incubator.vector bench/BeforeAfterRnn.java "$OLD_JAR" "$NEW_JAR" \
  "$ROUNDS" "$STEPS" 2> >(grep -v -E 'WARNING: Using incubator modules|incubating module|^1 warning' >&2)
echo "uptime at the end: $(uptime)"
