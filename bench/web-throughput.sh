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
# OPENPISTA_DIST runs another copy of the distribution; IDLE=SECONDS lets the daemon idle that long
# after ready before the load (an idle daemon shrinks its heap).
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
clients=${1:-50}
seconds=${2:-60}
cd "$root"
dist=${OPENPISTA_DIST:-$root/runtime/target/openpista}   # OPENPISTA_DIST: another copy of the distribution
[[ -n "${OPENPISTA_DIST:-}" ]] || ./openpista --version >/dev/null   # builds the distribution when needed
testkit="$root/bundles/org.openpista.testkit/target/org.openpista.testkit-0.1.0-SNAPSHOT.jar"
[[ -n "${OPENPISTA_DIST:-}" && -f "$testkit" ]] || ./mvnw -B -q package -pl bundles/org.openpista.testkit -Dmaven.test.skip=true
work=$(mktemp -d)
fake_pid="" daemon_pid=""
trap 'kill "$daemon_pid" "$fake_pid" 2>/dev/null || true; wait 2>/dev/null || true; rm -rf "$work"' EXIT

# shellcheck source=bench/fake-llm.sh
source "$root/bench/fake-llm.sh"
start_fake_llm

port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
token=$(head -c 24 /dev/urandom | od -An -tx1 | tr -d ' \n')
mkdir -p "$work/home"
cat >"$work/home/config.toml" <<TOML
[agent]
provider = "openai"
model = "bench"
base_url = "$base_url"
api_key = "sk-bench"

[channels.web]
port = $port
token = "$token"
TOML

OPENPISTA_HOME="$work/home" "$dist/bin/openpista" web start >"$work/daemon.out" 2>"$work/daemon.err" &
daemon_pid=$!
for _ in $(seq 600); do grep -q "Web chat:" "$work/daemon.out" && break; sleep 0.1; done
grep -q "Web chat:" "$work/daemon.out" || { echo "web start did not come up:"; cat "$work/daemon.err"; exit 1; }
java_pid=$(pgrep -P "$daemon_pid" java || echo "$daemon_pid")

# IDLE=SECONDS: the daemon idles that long first (an idle daemon shrinks its heap: the load then starts from it)
sleep "${IDLE:-0}"
echo "web chat throughput: $clients clients for $seconds s on $(nproc) cores (daemon PID $java_pid)"
java bench/WebLoad.java "ws://127.0.0.1:$port/" "$token" 10 5 "$java_pid" 5 >/dev/null   # warm-up
java bench/WebLoad.java "ws://127.0.0.1:$port/" "$token" "$clients" "$seconds" "$java_pid" "$(( seconds >= 300 ? 60 : 10 ))" "$fake_pid" "${TURNS_PER_SESSION:-10}"
