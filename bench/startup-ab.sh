#!/usr/bin/env bash
# Two distributions compared in one script run, their runs alternated (A, B, A, B …) so that the
# machine's load falls on both alike: `run -e` with a text answer and with one system.run call
# (bench/run-once.sh's two turns), `start --foreground` until ready (cli, web and mobile on, as
# bench/daemon.sh) and the idle daemon's resident memory after IDLE_SECONDS. Wall and CPU (user +
# system) medians, each with its ratio to the floor (bench/floor.sh), and the medians of the phases
# `run -e` reports (-Dopenpista.phases=bundles), with the level 2 share of the bundles named in
# AB_BUNDLES (default: the tool bundles).
# Usage: bench/startup-ab.sh DIST_A DIST_B [RUNS] [IDLE_SECONDS]   (defaults 5 and 30; one warm-up each)
# A distribution is a copy of runtime/target/openpista (cp -a it away before building the other).
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
dists=("$(cd "$1" && pwd)" "$(cd "$2" && pwd)")
runs=${3:-5}
idle=${4:-30}
bundles=${AB_BUNDLES:-org.openpista.tool.browser org.openpista.tool.desktop org.openpista.tool.screen org.openpista.tool.system org.openpista.sandbox.docker org.openpista.mcp org.openpista.core}
cd "$root"
./mvnw -B -q package -pl bundles/org.openpista.testkit -Dmaven.test.skip=true
dist=${dists[0]}                                        # the fake LLM takes Jackson from it
# shellcheck source=bench/homes.sh
source "$root/bench/homes.sh"
bench_begin openpista-ab
measure_floor "$runs"
print_floor

for side in 0 1; do
    mkdir -p "$work/run$side" "$work/daemon$side" "$work/phases$side"
    agent_config "$base_url" >"$work/run$side/config.toml"
    daemon_config "$base_url" >"$work/daemon$side/config.toml"
    chmod 600 "$work/run$side/config.toml" "$work/daemon$side/config.toml"
done

# run_e SIDE PROMPT N -> "wall_ms cpu_ms"; the phases in $work/phasesSIDE/N
run_e() {
    local start end cpu
    start=$(date +%s%N)
    /usr/bin/time -o "$work/timed" -f '%U %S' env OPENPISTA_HOME="$work/run$1" \
        OPENPISTA_JAVA_OPTS=-Dopenpista.phases=bundles "${dists[$1]}/bin/openpista" run -e "$2" >/dev/null 2>"$work/phases$1/$3"
    end=$(date +%s%N)
    cpu=$(tail -n 1 "$work/timed" | awk '{ printf "%d", ($1 + $2) * 1000 }')
    echo "$(( (end - start) / 1000000 )) $cpu"
}

line() { # label side wall cpu
    printf '  %s %-24s wall median %5d ms = %6s   cpu median %5d ms = %6s\n' "$([[ $2 == 0 ]] && echo A || echo B)" "$1" \
        "$3" "$(ratio "$3" "$floor_wall_ms")" "$4" "$(ratio "$4" "$floor_cpu_ms")"
}

phases() { # side: medians of the phases and of the named bundles' level 2 shares
    cat "$work/phases$1"/* | awk -v names="$bundles" '
        BEGIN { n = split(names, b, " "); for (i = 1; i <= n; i++) want[b[i]] = 1 }
        /^phase .* ms$/ { p = $2; for (i = 3; i <= NF - 2; i++) p = p " " $i; print p "\t" $(NF - 1) }
        /^bundles level 2/ { l2 = 1; next }
        /^bundles / { l2 = 0 }
        l2 && ($NF in want) { print "  level 2: " $NF "\t" $1 }' |
        awk -F'\t' '{ if (!(($1) in order)) order[$1] = ++k; v[$1, ++c[$1]] = $2 }
            END { for (p in order) names[order[p]] = p
                  for (i = 1; i <= k; i++) { p = names[i]; n = c[p]
                      for (a = 1; a <= n; a++) s[a] = v[p, a]
                      for (a = 1; a <= n; a++) for (b = a + 1; b <= n; b++) if (s[b] + 0 < s[a] + 0) { t = s[a]; s[a] = s[b]; s[b] = t }
                      printf "      phase %-40s median %7.1f ms\n", p, s[int((n + 1) / 2)] } }'
}

for turn in "hello" "run: echo hi"; do
    rm -f "$work"/phases0/* "$work"/phases1/*
    run_e 0 "$turn" w >/dev/null; run_e 1 "$turn" w >/dev/null     # warm-ups: CDS archive, bundle cache
    rm -f "$work"/phases0/* "$work"/phases1/*
    walls0=(); cpus0=(); walls1=(); cpus1=()
    for n in $(seq "$runs"); do
        read -r wall cpu <<<"$(run_e 0 "$turn" "$n")"; walls0+=("$wall"); cpus0+=("$cpu")
        read -r wall cpu <<<"$(run_e 1 "$turn" "$n")"; walls1+=("$wall"); cpus1+=("$cpu")
    done
    echo "run -e \"$turn\" ($runs pairs, load $(cut -d' ' -f1 /proc/loadavg))"
    line "run -e" 0 "$(median "${walls0[@]}")" "$(median "${cpus0[@]}")"
    [[ "$turn" == hello ]] && phases 0
    line "run -e" 1 "$(median "${walls1[@]}")" "$(median "${cpus1[@]}")"
    [[ "$turn" == hello ]] && phases 1
done

walls0=(); cpus0=(); walls1=(); cpus1=()
for side in 0 1; do dist=${dists[$side]}; start_daemon "$work/daemon$side"; stop_daemon; done   # warm-ups
for _ in $(seq "$runs"); do
    for side in 0 1; do
        dist=${dists[$side]}
        start_daemon "$work/daemon$side"
        if [[ $side == 0 ]]; then walls0+=("$ready_ms"); cpus0+=("$ready_cpu_ms"); else walls1+=("$ready_ms"); cpus1+=("$ready_cpu_ms"); fi
        stop_daemon
    done
done
echo "start until ready ($runs pairs, load $(cut -d' ' -f1 /proc/loadavg))"
line "start" 0 "$(median "${walls0[@]}")" "$(median "${cpus0[@]}")"
line "start" 1 "$(median "${walls1[@]}")" "$(median "${cpus1[@]}")"

rss=()
for side in 0 1 0 1; do
    dist=${dists[$side]}
    start_daemon "$work/daemon$side"
    sleep "$idle"
    rss+=("$(( $(rss_tree "$daemon_pid") / 1024 ))")
    stop_daemon
done
echo "idle daemon RSS after $idle s (cli, web, mobile on): A ${rss[0]} and ${rss[2]} MB, B ${rss[1]} and ${rss[3]} MB"
echo "A = ${dists[0]}"
echo "B = ${dists[1]}"
echo "load at the end $(cut -d' ' -f1-3 /proc/loadavg)"
