#!/usr/bin/env bash
# The daemon's start-to-ready time and idle memory, the time as a ratio to the floor measured in
# the same run (bench/floor.sh: a hello world with the launcher's JVM options). Targets (issue 15):
# ready <= 10x the floor, under 100 MB resident after 30 s idle with every built-in channel on.
#
#   start-to-ready  from launching `openpista start --foreground` until it prints "ready"
#                   (JVM start, Felix, configuration, every bundle, admin socket), median of RUNS
#   idle RSS        resident memory of the daemon process and its children (sum), 30 s after ready
#
# Usage: bench/daemon.sh [RUNS] [IDLE_SECONDS]   (defaults 5 and 30). Uses the built distribution
# (./openpista builds it when needed). No LLM is contacted: an idle daemon sends no request.
#
# Channels: the daemon runs every built-in channel that starts without a network peer: cli (reads
# the terminal; here standard input is /dev/null), web (the web chat on a free loopback port) and
# mobile (QUIC on a free loopback UDP port). Not enabled, because each one connects to its
# service as it starts and keeps retrying without it: telegram (long polling of the Bot API),
# discord (the gateway's WebSocket), slack (Socket Mode, or auth.test in http mode) and whatsapp
# (the Node.js bridge and WhatsApp's servers, or the Cloud API).
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
runs=${1:-5}
idle=${2:-30}
cd "$root"
dist="$root/runtime/target/openpista"
[[ -x "$dist/bin/openpista" ]] || ./openpista --version >/dev/null   # builds the distribution when missing
work=$(mktemp -d /tmp/openpista-bench.XXXXXX)
daemon_pid=""
cleanup() {
    if [[ -n "$daemon_pid" ]] && kill -0 "$daemon_pid" 2>/dev/null; then kill "$daemon_pid"; wait "$daemon_pid" || true; fi
    rm -rf "$work"
}
trap cleanup EXIT
# shellcheck source=bench/homes.sh
source "$root/bench/homes.sh"

mkdir -p "$work/home"
daemon_config "http://127.0.0.1:9/v1" >"$work/home/config.toml"
chmod 600 "$work/home/config.toml"

# shellcheck source=bench/floor.sh
source "$root/bench/floor.sh"




measure_floor "$runs"
echo "openpista daemon"
print_floor
echo "features: $(ls "$dist/bundles" | tr '\n' ' ')"
# a one-shot run records the class-data sharing archive the daemon starts from (see bin/openpista)
OPENPISTA_HOME="$work/home" "$dist/bin/openpista" run -e "warm-up" >/dev/null 2>&1 || true
start_daemon "$work/home"; stop_daemon                               # warm-up: file system caches
times=()
cpus=()
for _ in $(seq "$runs"); do
    start_daemon "$work/home"
    times+=("$ready_ms")
    cpus+=("$ready_cpu_ms")
    inside=$(sed -n 's/.*ready in \([0-9.]*\) s.*/\1/p' "$work/out" | head -1)
    stop_daemon
done
mapfile -t sorted < <(printf '%s\n' "${times[@]}" | sort -n)
median_ms=${sorted[$(( runs / 2 ))]}
printf 'start-to-ready   min %5d ms   median %5d ms = %6s   max %5d ms   (%d runs; the daemon itself reports %s s from JVM start)\n' \
    "${sorted[0]}" "$median_ms" "$(ratio "$median_ms" "$floor_wall_ms")" "${sorted[$(( runs - 1 ))]}" "$runs" "$inside"
mapfile -t sorted < <(printf '%s\n' "${cpus[@]}" | sort -n)
median_ms=${sorted[$(( runs / 2 ))]}
printf 'CPU until ready  min %5d ms   median %5d ms = %6s   max %5d ms   (user + system time of the daemon process)\n' \
    "${sorted[0]}" "$median_ms" "$(ratio "$median_ms" "$floor_cpu_ms")" "${sorted[$(( runs - 1 ))]}"
echo "load average:    $(cut -d' ' -f1-3 /proc/loadavg)"

start_daemon "$work/home"
sleep "$idle"
rss=$(rss_tree "$daemon_pid")
printf 'idle RSS         %5d MB after %d s idle (process and children), load %s\n' $(( rss / 1024 )) "$idle" "$(cut -d' ' -f1 /proc/loadavg)"
echo "channels:        $(grep -o -i -E '(web chat|mobile|terminal)[^,]*(http|udp|quic|listen)[^ ]*' "$work/out" | sort -u | tr '\n' ' ')"
echo "threads:         $(ls /proc/"$daemon_pid"/task | wc -l)"
echo "JVM options:     $(tr '\0' ' ' </proc/"$daemon_pid"/cmdline | grep -o -- ' -X[^ ]*' | tr -d '\n')"
stop_daemon
