#!/usr/bin/env bash
# The commands that only talk to the running daemon, served by it over HOME/admin.sock before any
# framework starts (the launcher's DaemonCommand), against the same commands starting their own
# framework as before: the daemon declines a command that reads another configuration file, so
# `--config SAME_FILE_BY_ANOTHER_NAME` (a symbolic link) takes the old path with the same output.
# Alternates served/own runs; wall and CPU (user + system of the command) medians, with the load.
# `shell -c openpista:status` against one daemon; `stop` against a daemon started before each run.
# Usage: bench/admin-clients.sh [RUNS]   (default 5; plus one warm-up each)
# DIST=path/to/openpista measures another distribution (default: this checkout's, built when needed).
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
runs=${1:-5}
cd "$root"
if [[ -z "${DIST:-}" ]]; then
    ./openpista --version >/dev/null                  # builds the distribution when needed
fi
dist=${DIST:-$root/runtime/target/openpista}
[[ -f bundles/org.openpista.testkit/target/org.openpista.testkit-0.1.0-SNAPSHOT.jar ]] \
    || ./mvnw -B -q package -pl bundles/org.openpista.testkit -Dmaven.test.skip=true
# shellcheck source=bench/homes.sh
source "$root/bench/homes.sh"
bench_begin openpista-bench
home="$work/daemon"
mkdir -p "$home"
daemon_config "$base_url" >"$home/config.toml"
chmod 600 "$home/config.toml"
ln -s "$home/config.toml" "$home/same.toml"
client=(env OPENPISTA_HOME="$home" "$dist/bin/openpista")
own=(--config "$home/same.toml")
echo "load average before: $(cut -d' ' -f1-3 /proc/loadavg)"

report() { # report NAME WALLS... -- CPUS...
    local name=$1 walls=() cpus=()
    shift
    while [[ $1 != -- ]]; do walls+=("$1"); shift; done
    shift
    cpus=("$@")
    printf '%-34s wall median %5d ms   CPU median %5d ms   (%d runs)\n' "$name" "$(median "${walls[@]}")" "$(median "${cpus[@]}")" "${#walls[@]}"
}

start_daemon "$home"
hint=$("${client[@]}" --debug shell -c openpista:status 2>&1 >/dev/null || true)
[[ "$hint" == *"runs this command"* ]] || { echo "the daemon did not serve shell -c: $hint"; exit 1; }
timed "${client[@]}" shell -c openpista:status >/dev/null; timed "${client[@]}" "${own[@]}" shell -c openpista:status >/dev/null
sw=(); sc=(); ow=(); oc=()
for _ in $(seq "$runs"); do
    read -r wall cpu <<<"$(timed "${client[@]}" shell -c openpista:status)"; sw+=("$wall"); sc+=("$cpu")
    read -r wall cpu <<<"$(timed "${client[@]}" "${own[@]}" shell -c openpista:status)"; ow+=("$wall"); oc+=("$cpu")
done
report "shell -c openpista:status, served" "${sw[@]}" -- "${sc[@]}"
report "shell -c openpista:status, own" "${ow[@]}" -- "${oc[@]}"
kill "$daemon_pid"; wait "$daemon_pid" || true; daemon_pid=""

sw=(); sc=(); ow=(); oc=()
for i in $(seq 0 "$runs"); do
    start_daemon "$home"
    read -r wall cpu <<<"$(timed "${client[@]}" stop)"
    wait "$daemon_pid" || true
    [[ $i -gt 0 ]] && { sw+=("$wall"); sc+=("$cpu"); }
    start_daemon "$home"
    read -r wall cpu <<<"$(timed "${client[@]}" "${own[@]}" stop)"
    wait "$daemon_pid" || true
    [[ $i -gt 0 ]] && { ow+=("$wall"); oc+=("$cpu"); }
done
daemon_pid=""
report "stop, served" "${sw[@]}" -- "${sc[@]}"
report "stop, own" "${ow[@]}" -- "${oc[@]}"
echo "load average after:  $(cut -d' ' -f1-3 /proc/loadavg)"
