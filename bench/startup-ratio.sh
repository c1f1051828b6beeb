#!/usr/bin/env bash
# Issue 15's figures in one script run, so that one floor (bench/floor.sh: a hello world with the
# launcher's JVM options) divides them all: `run -e` with one text answer against the testkit's fake
# OpenAI server, `start --foreground` until its ready line (cli, web and mobile on, as
# bench/daemon.sh), the idle daemon's resident memory, and `run -e` again while that daemon runs for
# the home (the daemon runs the turn; the command starts no framework). Wall and CPU (user + system)
# medians. Targets: run -e <= 6x the floor, daemon ready <= 10x, idle RSS < 100 MB. bench/run-once.sh and
# bench/daemon.sh say more about each (phases, a system.run turn, threads).
# Usage: bench/startup-ratio.sh [RUNS] [IDLE_SECONDS]   (defaults 5 and 30; plus one warm-up each)
# JAVA_HOME picks the Java, as for the launcher.
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
runs=${1:-5}
idle=${2:-30}
cd "$root"
./openpista --version >/dev/null                      # builds the distribution when needed
./mvnw -B -q package -pl bundles/org.openpista.testkit -Dmaven.test.skip=true
dist="$root/runtime/target/openpista"
# shellcheck source=bench/homes.sh
source "$root/bench/homes.sh"
bench_begin openpista-bench

mkdir -p "$work/run" "$work/daemon"
agent_config "$base_url" >"$work/run/config.toml"
daemon_config "$base_url" >"$work/daemon/config.toml"
chmod 600 "$work"/*/config.toml

measure_floor "$runs"
print_floor

# a build's first daemon links its jars into the user's cache (PinnedJars), which changes their ctime and so
# makes a run archive recorded before it stale once: that daemon comes first, before any run is measured
start_daemon "$work/daemon"; stop_daemon                               # warm-up (the daemon's archive too)

# run -e: one text answer (the warm-up run records the class-data archive and saves the bundle cache)
run_e=(env OPENPISTA_HOME="$work/run" "$dist/bin/openpista" run -e hello)
answer=$("${run_e[@]}" 2>&1 || true)
[[ "$answer" == *hello* ]] || { echo "run -e gave no answer: $answer"; exit 1; }
walls=(); cpus=()
for _ in $(seq "$runs"); do
    read -r wall cpu <<<"$(timed "${run_e[@]}")"
    walls+=("$wall"); cpus+=("$cpu")
done
run_wall=$(median "${walls[@]}"); run_cpu=$(median "${cpus[@]}")

walls=(); cpus=()
for _ in $(seq "$runs"); do
    start_daemon "$work/daemon"
    walls+=("$ready_ms"); cpus+=("$ready_cpu_ms")
    stop_daemon
done
start_wall=$(median "${walls[@]}"); start_cpu=$(median "${cpus[@]}")
start_daemon "$work/daemon"
sleep "$idle"
rss_mb=$(( $(rss_tree "$daemon_pid") / 1024 ))
# run -e served by the running daemon (its CPU is the command's alone: the daemon's share is the turn)
served_e=(env OPENPISTA_HOME="$work/daemon" "$dist/bin/openpista" run -e hello)
hint=$(env OPENPISTA_HOME="$work/daemon" "$dist/bin/openpista" --debug run -e hello 2>&1 >/dev/null || true)
[[ "$hint" == *"runs this turn"* ]] || { echo "the daemon did not run the turn: $hint"; exit 1; }
walls=(); cpus=()
for _ in $(seq "$runs"); do
    read -r wall cpu <<<"$(timed "${served_e[@]}")"
    walls+=("$wall"); cpus+=("$cpu")
done
served_wall=$(median "${walls[@]}"); served_cpu=$(median "${cpus[@]}")
stop_daemon

verdict() { # value target -> ok / over
    awk -v v="$1" -v t="$2" 'BEGIN { print (v <= t ? "ok" : "over") }'
}
ratio_of() { awk -v v="$1" -v f="$2" 'BEGIN { printf "%.1f", v / f }'; }
printf '%-22s wall %5d ms = %6s   cpu %5d ms = %6s   target <= 6x (wall: %s)\n' "run -e (text answer)" \
    "$run_wall" "$(ratio "$run_wall" "$floor_wall_ms")" "$run_cpu" "$(ratio "$run_cpu" "$floor_cpu_ms")" \
    "$(verdict "$(ratio_of "$run_wall" "$floor_wall_ms")" 6)"
printf '%-22s wall %5d ms = %6s   cpu %5d ms = %6s   target <= 6x (wall: %s)\n' "run -e, daemon running" \
    "$served_wall" "$(ratio "$served_wall" "$floor_wall_ms")" "$served_cpu" "$(ratio "$served_cpu" "$floor_cpu_ms")" \
    "$(verdict "$(ratio_of "$served_wall" "$floor_wall_ms")" 6)"
printf '%-22s wall %5d ms = %6s   cpu %5d ms = %6s   target <= 10x (wall: %s)\n' "start until ready" \
    "$start_wall" "$(ratio "$start_wall" "$floor_wall_ms")" "$start_cpu" "$(ratio "$start_cpu" "$floor_cpu_ms")" \
    "$(verdict "$(ratio_of "$start_wall" "$floor_wall_ms")" 10)"
printf '%-22s %5d MB after %d s idle (cli, web, mobile on)   target < 100 MB (%s)\n' "idle daemon RSS" "$rss_mb" "$idle" \
    "$(verdict "$rss_mb" 99)"
echo "medians of $runs runs each; load at the end $(cut -d' ' -f1-3 /proc/loadavg)"
