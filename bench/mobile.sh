#!/usr/bin/env bash
# The mobile channel (QUIC) beside the web chat (WebSocket), under the same load, on one daemon
# (`openpista start --foreground` with both channels: Felix, the agent core, SQLite, kwik, Jetty 12)
# and the testkit's fake OpenAI server, which answers at once. CLIENTS clients of each transport
# connect at once, then send a message and wait for its answer, again and again, for SECONDS.
# Reports per transport: handshake p50/p99 (QUIC + TLS 1.3 + auth / HTTP upgrade + connect sequence),
# first answer p50/p99, turns per second, turn latency p50/p99, daemon CPU per turn.
# Usage: bench/mobile.sh [CLIENTS] [SECONDS]   (default 50 clients, 60 s)
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
# shellcheck source=bench/load.sh
source "$root/bench/load.sh"
load_start "$@"

free_port() { python3 -c "import socket; s=socket.socket(socket.AF_INET, socket.$1); s.bind(('127.0.0.1', 0)); print(s.getsockname()[1])"; }
web_port=$(free_port SOCK_STREAM)
quic_port=$(free_port SOCK_DGRAM)
token=$(head -c 24 /dev/urandom | od -An -tx1 | tr -d ' \n')
load_config "$web_port" "$token"
cat >>"$work/home/config.toml" <<TOML

[channels.mobile]
enabled = true
port = $quic_port
api_token = "$token"
TOML

OPENPISTA_HOME="$work/home" "$dist/bin/openpista" start --foreground >"$work/daemon.out" 2>"$work/daemon.err" &
daemon_pid=$!
for _ in $(seq 600); do grep -q "^Mobile: " "$work/daemon.out" && break; sleep 0.1; done
link=$(sed -n 's/^Mobile: \([^ ]*\).*/\1/p' "$work/daemon.out")
[[ "$link" == openpista+quic://* ]] || { echo "the mobile channel did not come up:"; cat "$work/daemon.out" "$work/daemon.err"; exit 1; }
java_pid=$(pgrep -P "$daemon_pid" java || echo "$daemon_pid")

classpath=$(ls "$dist"/bundles/mobile/org.openpista.channel.mobile-*.jar)   # kwik is inside the bundle
for jar in "$dist"/bundles/boot/jackson-*.jar; do classpath="$classpath:$jar"; done
load() { java -cp "$classpath" bench/MobileLoad.java "$@"; }

echo "mobile (QUIC) beside web (WebSocket): $clients clients each for $seconds s on $(nproc) cores (daemon PID $java_pid)"
load quic "$link" 10 5 "$java_pid" >/dev/null                                   # warm-up
load web "ws://127.0.0.1:$web_port/ws?token=$token" 10 5 "$java_pid" >/dev/null
load quic "$link" "$clients" "$seconds" "$java_pid" "${TURNS_PER_SESSION:-10}"
load web "ws://127.0.0.1:$web_port/ws?token=$token" "$clients" "$seconds" "$java_pid" "${TURNS_PER_SESSION:-10}"
