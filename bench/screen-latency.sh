#!/usr/bin/env bash
# screen.capture and screen.ocr on a 1920x1080 Xvfb showing eight windows of text (xmessage), as the
# agent calls them: first call and median wall time, and CPU time of the whole run (Tesseract
# included). Needs xvfb, x11-utils and tesseract-ocr-eng (.ci/run installs them).
# Usage: bench/screen-latency.sh [RUNS]   (default 10 per tool, plus the first call)
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
runs=${1:-10}
cd "$root"
./mvnw -B -q -o package -pl bundles/org.openpista.tool.screen -am -Dmaven.test.skip=true
work=$(mktemp -d)
pids=()
trap 'for pid in "${pids[@]}"; do kill "$pid" 2>/dev/null || true; done; rm -rf "$work"' EXIT

Xvfb -displayfd 1 -screen 0 1920x1080x24 -nolisten tcp >"$work/display" 2>/dev/null &
pids+=($!)
for _ in $(seq 100); do [[ -s "$work/display" ]] && break; sleep 0.1; done
export DISPLAY=":$(head -n 1 "$work/display")"
for i in $(seq 0 7); do
    xmessage -geometry "+$((40 + i * 110))+$((40 + i * 120))" -fn 10x20 \
        "Window $i: the quick brown fox jumps over the lazy dog; invoice $((1000 + i * 37)) is due on day $((i + 3))" &
    pids+=($!)
done
sleep 2   # the windows map and paint

classpath="bundles/org.openpista.tool.screen/target/classes:bundles/org.openpista.api/target/classes"
for jar in "$HOME"/.m2/repository/com/fasterxml/jackson/core/jackson-{core,databind,annotations}/2.*/*.jar \
    "$HOME"/.m2/repository/org/slf4j/slf4j-api/2.*/slf4j-api-2.*.jar "$HOME"/.m2/repository/org/osgi/osgi.core/*/osgi.core-*.jar; do
    classpath="$classpath:$jar"
done
javac -d "$work/classes" -cp "$classpath" bench/screen/ScreenLatency.java
echo "$DISPLAY 1920x1080, 8 windows, $(nproc) cores, load $(cut -d' ' -f1 /proc/loadavg), $(tesseract --version 2>&1 | head -1)"
/usr/bin/time -f 'cpu: %U s user, %S s system (Tesseract included)' \
    java -XX:TieredStopAtLevel=1 -cp "$work/classes:$classpath" ScreenLatency "$runs"
