#!/usr/bin/env bash
# The browser tools (bundles/org.openpista.tool.browser) with Debian's Chromium, on local pages:
#
#   tools          navigate + snapshot + click on a form, p50/p99 ms warm, and the first call (which
#                  starts Chromium); characters of a large page's snapshot against the 8,000 budget;
#                  Chromium's resident memory (RSS and PSS summed over its processes)
#   run -e         what the bundle adds to `openpista run -e` when the turn does not browse: the same
#                  distribution with and without the desktop feature, timed in alternation
#
# Usage: bench/browser.sh [ROUNDS] [RUNS]   (defaults 50 tool rounds, 10 `run -e` per variant)
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
rounds=${1:-50}
runs=${2:-10}
cd "$root"
command -v chromium >/dev/null || { echo "Chromium is missing: apt-get install chromium"; exit 1; }
./openpista --version >/dev/null                      # builds the distribution when needed
./mvnw -B -q package -pl bundles/org.openpista.testkit -Dmaven.test.skip=true
dist="$root/runtime/target/openpista"
work=$(mktemp -d)
fake_pid=""
trap 'kill "$fake_pid" 2>/dev/null || true; rm -rf "$work"' EXIT

classpath=$(printf '%s:' "$dist"/lib/*.jar "$dist"/bundles/boot/jackson-*.jar "$dist"/bundles/desktop/*.jar)
# the annotations the bundle's classes carry are not needed at run time; javac only warns about them
java -cp "$classpath" "$root/bench/BrowserBench.java" "$rounds" "$work/tools-home"

# --- run -e with and without the desktop feature
cp -r "$dist" "$work/without"
rm -f "$work/without/bundles/desktop/"*.jar "$work/without/lib/openpista.jsa" "$work/without/lib/"*.jsa

# shellcheck source=bench/fake-llm.sh
source "$root/bench/fake-llm.sh"
# shellcheck source=bench/homes.sh
source "$root/bench/homes.sh"
start_fake_llm
mkdir -p "$work/home"
agent_config "$base_url" >"$work/home/config.toml"

once() { # dist -> "wall_ms cpu_ms rss_kb" (cpu = user + system of the whole process tree)
    local start end
    start=$(date +%s%N)
    /usr/bin/time -o "$work/time" -f '%U %S %M' env OPENPISTA_HOME="$work/home" "$1/bin/openpista" run -e hello >/dev/null 2>&1
    end=$(date +%s%N)
    read -r user system rss < <(tail -n 1 "$work/time")
    echo "$(( (end - start) / 1000000 )) $(awk -v u="$user" -v s="$system" 'BEGIN { printf "%d", (u + s) * 1000 }') $rss"
}

stats() { # label, unit, values...
    local label=$1 unit=$2; shift 2
    local sorted
    mapfile -t sorted < <(printf '%s\n' "$@" | sort -n)
    local n=${#sorted[@]}
    printf '  %-36s min %6d %s   median %6d %s   max %6d %s\n' "$label" "${sorted[0]}" "$unit" \
        "${sorted[$(( n / 2 ))]}" "$unit" "${sorted[$(( n - 1 ))]}" "$unit"
}

once "$work/without" >/dev/null; once "$work/without" >/dev/null; once "$dist" >/dev/null; once "$dist" >/dev/null
without=(); with=(); without_cpu=(); with_cpu=(); without_rss=(); with_rss=()
for _ in $(seq "$runs"); do
    read -r wall cpu rss <<<"$(once "$work/without")"; without+=("$wall"); without_cpu+=("$cpu"); without_rss+=("$rss")
    read -r wall cpu rss <<<"$(once "$dist")"; with+=("$wall"); with_cpu+=("$cpu"); with_rss+=("$rss")
done
[[ -d "$work/home/browser" ]] && echo "  unexpected: a turn without browsing created $work/home/browser"
echo "openpista run -e \"hello\" (no browsing), $runs runs each, load $(cut -d' ' -f1 /proc/loadavg)"
stats "wall, without the browser bundle" ms "${without[@]}"
stats "wall, with it" ms "${with[@]}"
stats "cpu, without" ms "${without_cpu[@]}"
stats "cpu, with" ms "${with_cpu[@]}"
stats "max RSS, without" KB "${without_rss[@]}"
stats "max RSS, with" KB "${with_rss[@]}"
