#!/usr/bin/env bash
# Copies of the distribution compared in one script run, their runs alternated (A, B, …, A, B, …) so
# that the machine's load falls on all of them alike. Wall and CPU (user + system) medians, each with
# its ratio to the floor (bench/floor.sh), every run's CPU figure, and the medians of the phases `run
# -e` reports, with the level 2 share of the bundles named in AB_BUNDLES (default: the tool bundles).
#
# Usage: bench/startup-ab.sh [--run-e] DIST_A DIST_B [DIST...] [RUNS] [IDLE_SECONDS]
#   (a distribution: a copy of runtime/target/openpista, cp -a it away before building the next; the
#   numbers may stand anywhere, the first is RUNS, default 5, the second IDLE_SECONDS, default 30; one
#   warm-up each, not counted)
# Without --run-e: `run -e` with a text answer and with one system.run call (bench/run-once.sh's two
# turns), `start --foreground` until ready (cli, web and mobile on, as bench/daemon.sh) and the idle
# daemon's resident memory after IDLE_SECONDS (two runs each); phases from -Dopenpista.phases=bundles.
# With --run-e: `run -e "$PROMPT"` only (default hello), the answer's first line, the phases from
# -Dopenpista.phases; the work folder (every run's answer and phases) is kept and printed last.
# Env: PROMPT (--run-e), PH (the JVM options of `run -e`, e.g. -Dopenpista.phases=cpu), AB_BUNDLES.
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
only_run_e="" dists=() numbers=()
for arg in "$@"; do
    if [[ "$arg" == --run-e ]]; then only_run_e=1
    elif [[ "$arg" =~ ^[0-9]+$ ]]; then numbers+=("$arg")
    elif [[ -x "$arg/bin/openpista" ]]; then dists+=("$(cd "$arg" && pwd)")
    else echo "not a distribution (no bin/openpista), a number or --run-e: $arg" >&2; exit 2
    fi
done
(( ${#dists[@]} >= 2 )) || { sed -n '7,11p' "$0" >&2; exit 2; }
runs=${numbers[0]:-5}
idle=${numbers[1]:-30}
rounds=$([[ ${#dists[@]} == 2 ]] && echo pairs || echo rounds)
labels=(A B C D E F G H I J K L M N O P Q R S T U V W X Y Z)
sides=("${!dists[@]}")
bundles=${AB_BUNDLES:-org.openpista.tool.browser org.openpista.tool.desktop org.openpista.tool.screen org.openpista.tool.system org.openpista.sandbox.docker org.openpista.mcp org.openpista.core}
if [[ -n "$only_run_e" ]]; then turns=("${PROMPT:-hello}"); opts=${PH:--Dopenpista.phases}
else turns=("hello" "run: echo hi"); opts=${PH:--Dopenpista.phases=bundles}
fi
cd "$root"
./mvnw -B -q package -pl bundles/org.openpista.testkit -Dmaven.test.skip=true
dist=${dists[0]}                                        # the fake LLM takes Jackson from it
# shellcheck source=bench/homes.sh
source "$root/bench/homes.sh"
bench_begin openpista-ab
[[ -z "$only_run_e" ]] || keep_work=1
measure_floor "$runs"
print_floor

for side in "${sides[@]}"; do
    mkdir -p "$work/run$side" "$work/daemon$side" "$work/phases$side" "$work/answers$side"
    agent_config "$base_url" >"$work/run$side/config.toml"
    daemon_config "$base_url" >"$work/daemon$side/config.toml"
    chmod 600 "$work/run$side/config.toml" "$work/daemon$side/config.toml"
done

# run_e SIDE PROMPT N -> "wall_ms cpu_ms"; the answer in $work/answersSIDE/N, the phases in $work/phasesSIDE/N
run_e() {
    local start end cpu
    start=$(date +%s%N)
    /usr/bin/time -o "$work/timed" -f '%U %S' env OPENPISTA_HOME="$work/run$1" OPENPISTA_JAVA_OPTS="$opts" \
        "${dists[$1]}/bin/openpista" run -e "$2" >"$work/answers$1/$3" 2>"$work/phases$1/$3"
    end=$(date +%s%N)
    cpu=$(tail -n 1 "$work/timed" | awk '{ printf "%d", ($1 + $2) * 1000 }')
    echo "$(( (end - start) / 1000000 )) $cpu"
}

line() { # label side wall cpu
    printf '  %s %-24s wall median %5d ms = %6s   cpu median %5d ms = %6s\n' "${labels[$2]}" "$1" \
        "$3" "$(ratio "$3" "$floor_wall_ms")" "$4" "$(ratio "$4" "$floor_cpu_ms")"
}

phases() { # side: medians of the phases (wall and, with =cpu or =bundles, CPU) and of the named bundles' level 2 shares
    cat "$work/phases$1"/* | awk -v names="$bundles" '
        BEGIN { n = split(names, b, " "); for (i = 1; i <= n; i++) want[b[i]] = 1 }
        /^(phase|cpu) .* ms$/ { p = $1 " " $2; for (i = 3; i <= NF - 2; i++) p = p " " $i; print p "\t" $(NF - 1) }
        /^bundles level 2/ { l2 = 1; next }
        /^bundles / { l2 = 0 }
        l2 && ($NF in want) { print "  level 2: " $NF "\t" $1 }' |
        awk -F'\t' '{ if (!(($1) in order)) order[$1] = ++k; v[$1, ++c[$1]] = $2 }
            END { for (p in order) names[order[p]] = p
                  for (i = 1; i <= k; i++) { p = names[i]; n = c[p]
                      for (a = 1; a <= n; a++) s[a] = v[p, a]
                      for (a = 1; a <= n; a++) for (b = a + 1; b <= n; b++) if (s[b] + 0 < s[a] + 0) { t = s[a]; s[a] = s[b]; s[b] = t }
                      printf "      %-46s median %7.1f ms\n", p, s[int((n + 1) / 2)] } }'
}

for turn in "${turns[@]}"; do
    for side in "${sides[@]}"; do rm -f "$work/phases$side"/* "$work/answers$side"/*; done
    for side in "${sides[@]}"; do run_e "$side" "$turn" w >/dev/null; done     # warm-ups: CDS archive, bundle cache
    for side in "${sides[@]}"; do rm -f "$work/phases$side"/* "$work/answers$side"/*; : >"$work/times$side"; done
    for n in $(seq "$runs"); do
        for side in "${sides[@]}"; do run_e "$side" "$turn" "$n" >>"$work/times$side"; done
    done
    echo "run -e \"$turn\" ($runs $rounds, load $(cut -d' ' -f1 /proc/loadavg))"
    for side in "${sides[@]}"; do
        line "run -e" "$side" "$(median $(cut -d' ' -f1 "$work/times$side"))" "$(median $(cut -d' ' -f2 "$work/times$side"))"
        echo "      cpu all: $(cut -d' ' -f2 "$work/times$side" | tr '\n' ' ')"
        [[ -z "$only_run_e" ]] || echo "      answer: $(head -n 1 "$work/answers$side/1")"
        [[ "$turn" == "${turns[0]}" ]] && phases "$side"
    done
done

if [[ -z "$only_run_e" ]]; then
    for side in "${sides[@]}"; do dist=${dists[$side]}; start_daemon "$work/daemon$side"; stop_daemon; : >"$work/ready$side"; done   # warm-ups
    for _ in $(seq "$runs"); do
        for side in "${sides[@]}"; do
            dist=${dists[$side]}
            start_daemon "$work/daemon$side"
            echo "$ready_ms $ready_cpu_ms" >>"$work/ready$side"
            stop_daemon
        done
    done
    echo "start until ready ($runs $rounds, load $(cut -d' ' -f1 /proc/loadavg))"
    for side in "${sides[@]}"; do
        line "start" "$side" "$(median $(cut -d' ' -f1 "$work/ready$side"))" "$(median $(cut -d' ' -f2 "$work/ready$side"))"
    done

    rss=()
    for side in "${sides[@]}" "${sides[@]}"; do
        dist=${dists[$side]}
        start_daemon "$work/daemon$side"
        sleep "$idle"
        rss[side]+="${rss[side]:+ and }$(( $(rss_tree "$daemon_pid") / 1024 ))"
        stop_daemon
    done
    memory=()
    for side in "${sides[@]}"; do memory+=("${labels[$side]} ${rss[side]} MB"); done
    echo "idle daemon RSS after $idle s (cli, web, mobile on): $(IFS=,; echo "${memory[*]}" | sed 's/,/, /g')"
fi
for side in "${sides[@]}"; do echo "${labels[$side]} = ${dists[$side]}"; done
echo "load at the end $(cut -d' ' -f1-3 /proc/loadavg)"
[[ -z "$only_run_e" ]] || echo "work: $work"
