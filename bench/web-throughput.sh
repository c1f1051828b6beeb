#!/usr/bin/env bash
# Throughput of the web chat: CLIENTS concurrent WebSocket clients against `openpista web start`
# (the real daemon: Felix, Jetty 12, agent core, SQLite) with the testkit's fake OpenAI server,
# which answers at once. Each client sends a message and waits for the answer, again and again.
# Reports turns per second, p50/p99 latency and the daemon's resident memory over time.
# Target on 2 cores: at least 500 turns/s, memory flat over 10 minutes (SECONDS=600). The CPU time
# per turn of each process is reported too, so the figure can be judged on a busy machine.
# OPENPISTA_JAVA_OPTS passes JVM options to the daemon.
# Each client starts a new session every 10 turns (TURNS_PER_SESSION), as people start new
# conversations; one endless session would measure ever longer histories instead of the chat.
# Usage: bench/web-throughput.sh [CLIENTS] [SECONDS]   (default 50 clients, 60 s)
# OPENPISTA_DIST runs another copy of the distribution (see bench/load.sh); IDLE=SECONDS lets the daemon
# idle that long after ready before the load (to load a daemon in its idle state).
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
# shellcheck source=bench/load.sh
source "$root/bench/load.sh"
load_start "$@"

port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
token=$(head -c 24 /dev/urandom | od -An -tx1 | tr -d ' \n')
load_config "$port" "$token"

OPENPISTA_HOME="$work/home" "$dist/bin/openpista" web start >"$work/daemon.out" 2>"$work/daemon.err" &
daemon_pid=$!
for _ in $(seq 600); do grep -q "Web chat:" "$work/daemon.out" && break; sleep 0.1; done
grep -q "Web chat:" "$work/daemon.out" || { echo "web start did not come up:"; cat "$work/daemon.err"; exit 1; }
java_pid=$(pgrep -P "$daemon_pid" java || echo "$daemon_pid")

# IDLE=SECONDS: the daemon idles that long first, so the load starts from its idle state
sleep "${IDLE:-0}"
echo "web chat throughput: $clients clients for $seconds s on $(nproc) cores (daemon PID $java_pid)"
java bench/WebLoad.java "ws://127.0.0.1:$port/" "$token" 10 5 "$java_pid" 5 >/dev/null   # warm-up
java bench/WebLoad.java "ws://127.0.0.1:$port/" "$token" "$clients" "$seconds" "$java_pid" "$(( seconds >= 300 ? 60 : 10 ))" "$fake_pid" "${TURNS_PER_SESSION:-10}"
