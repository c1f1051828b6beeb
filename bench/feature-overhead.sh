#!/usr/bin/env bash
# What a feature costs `openpista run -e` that does not use it: the same distribution twice, once with
# the feature's bundles/FEATURE folder emptied (an empty feature folder installs nothing) and once as
# built, timed in alternation so both see the same machine load; wall time and CPU time (user +
# system) are reported. "A new bundle costs nothing measurable until used" is this script's figure.
# Usage: bench/feature-overhead.sh FEATURE [RUNS]   (default 10 per variant, plus one warm-up each)
#        FEATURE is a folder of the distribution's bundles/ (skills, desktop, mcp, media, …)
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
feature=${1:?usage: bench/feature-overhead.sh FEATURE [RUNS]}
runs=${2:-10}
cd "$root"
./openpista --version >/dev/null                      # builds the distribution when needed
./mvnw -B -q package -pl bundles/org.openpista.testkit -Dmaven.test.skip=true
dist="$root/runtime/target/openpista"
work=$(mktemp -d)
trap 'kill "$fake_pid" 2>/dev/null || true; rm -rf "$work"' EXIT

if [[ ! -d "$dist/bundles/$feature" ]]; then
    echo "bench/feature-overhead.sh: no feature '$feature'; the features are: $(ls "$dist/bundles" | tr '\n' ' ')" >&2
    exit 2
fi

# variant A: the distribution without the feature; its class-data archives are made anew for it
cp -r "$dist" "$work/without"
rm -f "$work/without/bundles/$feature/"*.jar "$work/without/lib/"*.jsa

# shellcheck source=bench/fake-llm.sh
source "$root/bench/fake-llm.sh"
# shellcheck source=bench/homes.sh
source "$root/bench/homes.sh"
start_fake_llm

mkdir -p "$work/home"
agent_config "$base_url" >"$work/home/config.toml"

once() { # dist, prompt -> "wall_ms cpu_ms" (cpu = user + system of the whole process tree)
    local start end cpu
    start=$(date +%s%N)
    /usr/bin/time -o "$work/time" -f '%U %S' env OPENPISTA_HOME="$work/home" "$1/bin/openpista" run -e "$2" >/dev/null 2>&1
    cpu=$(tail -n 1 "$work/time" | awk '{ printf "%d", ($1 + $2) * 1000 }')
    end=$(date +%s%N)
    echo "$(( (end - start) / 1000000 )) $cpu"
}

stats() { # label, times...
    local label=$1; shift
    local sorted
    mapfile -t sorted < <(printf '%s\n' "$@" | sort -n)
    local n=${#sorted[@]}
    printf '%-34s min %5d ms   median %5d ms   max %5d ms   (%d runs)\n' "$label" \
        "${sorted[0]}" "${sorted[$(( n / 2 ))]}" "${sorted[$(( n - 1 ))]}" "$n"
}

once "$work/without" hello >/dev/null; once "$dist" hello >/dev/null   # warm-ups (CDS archives)
without=(); with=(); without_cpu=(); with_cpu=()
for _ in $(seq "$runs"); do
    read -r wall cpu <<<"$(once "$work/without" hello)"; without+=("$wall"); without_cpu+=("$cpu")
    read -r wall cpu <<<"$(once "$dist" hello)"; with+=("$wall"); with_cpu+=("$cpu")
done
echo "openpista run -e \"hello\", $(nproc) cores, load $(cut -d' ' -f1 /proc/loadavg), $(java -version 2>&1 | head -1)"
stats "wall, without $feature" "${without[@]}"
stats "wall, with $feature" "${with[@]}"
# CPU time is what the feature adds even on a busy machine, where wall time mostly measures the others
stats "cpu, without $feature" "${without_cpu[@]}"
stats "cpu, with $feature" "${with_cpu[@]}"
