#!/usr/bin/env bash
# `openpista run -e` against a local fake LLM (the testkit's fake OpenAI server, which answers at
# once): JVM start, Felix start, configuration, one turn, shutdown. Wall time and CPU time (user +
# system), each as a ratio to the floor measured in the same run (bench/floor.sh: a hello world with
# the launcher's JVM options). Targets (issue 15): one text turn <= 6x the floor, one system.run call
# <= 7x. Every run reports its phases (-Dopenpista.phases); their medians are printed at the end.
# Usage: bench/run-once.sh [RUNS]   (default 10; plus one warm-up run, not counted)
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
runs=${1:-10}
cd "$root"
./openpista --version >/dev/null                      # builds the distribution when needed
./mvnw -B -q package -pl bundles/org.openpista.testkit -Dmaven.test.skip=true
dist="$root/runtime/target/openpista"
work=$(mktemp -d)
fake_pid=""
trap 'kill "$fake_pid" 2>/dev/null || true; rm -rf "$work"' EXIT

# shellcheck source=bench/floor.sh
source "$root/bench/floor.sh"
# shellcheck source=bench/fake-llm.sh
source "$root/bench/fake-llm.sh"
# shellcheck source=bench/homes.sh
source "$root/bench/homes.sh"
start_fake_llm

mkdir -p "$work/home"
agent_config "$base_url" >"$work/home/config.toml"

measure_floor "$runs"
print_floor

# one run with its phases kept in $work/phases.N
once() { # prompt, n -> "wall_ms cpu_ms"
    local start end cpu
    start=$(date +%s%N)
    /usr/bin/time -o "$work/time" -f '%U %S' env OPENPISTA_HOME="$work/home" OPENPISTA_JAVA_OPTS=-Dopenpista.phases \
        "$dist/bin/openpista" run -e "$1" >/dev/null 2>"$work/phases.$2"
    end=$(date +%s%N)
    cpu=$(tail -n 1 "$work/time" | awk '{ printf "%d", ($1 + $2) * 1000 }')
    echo "$(( (end - start) / 1000000 )) $cpu"
}

measure() { # label, prompt
    local label=$1 prompt=$2 walls=() cpus=() wall cpu n
    rm -f "$work"/phases.*
    once "$prompt" 0 >/dev/null   # warm-up (records the CDS archive on Java 17)
    for n in $(seq "$runs"); do
        read -r wall cpu <<<"$(once "$prompt" "$n")"
        walls+=("$wall"); cpus+=("$cpu")
    done
    wall=$(median "${walls[@]}"); cpu=$(median "${cpus[@]}")
    printf '%-26s wall median %5d ms = %6s   cpu median %5d ms = %6s   (%d runs, load %s)\n' "$label" \
        "$wall" "$(ratio "$wall" "$floor_wall_ms")" "$cpu" "$(ratio "$cpu" "$floor_cpu_ms")" "$runs" "$(cut -d' ' -f1 /proc/loadavg)"
    # median of each phase over the counted runs
    for n in $(seq "$runs"); do cat "$work/phases.$n"; done | awk '/^phase .* ms$/ { p = $2; for (i = 3; i <= NF - 2; i++) p = p " " $i; print p "\t" $(NF - 1) }' |
        awk -F'\t' '{ if (!(($1) in order)) order[$1] = ++k; v[$1, ++c[$1]] = $2 }
            END { for (p in order) names[order[p]] = p
                  for (i = 1; i <= k; i++) { p = names[i]; n = c[p]
                      for (a = 1; a <= n; a++) s[a] = v[p, a]
                      for (a = 1; a <= n; a++) for (b = a + 1; b <= n; b++) if (s[b] < s[a]) { t = s[a]; s[a] = s[b]; s[b] = t }
                      printf "    phase %-22s median %5d ms\n", p, s[int((n + 1) / 2)] } }'
}

measure "text answer" "hello"
measure "one system.run tool call" "run: echo hi"
