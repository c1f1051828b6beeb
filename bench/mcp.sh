#!/usr/bin/env bash
# MCP: the time of one MCP tool call and the daemon's start with MCP servers configured.
#
#   tool call     McpTool.execute of the reference server's echo (arguments, JSON-RPC, the server, the
#                 result), over stdio and over streamable HTTP: p50 and p99 of CALLS calls after a warm-up
#   daemon start  `openpista start --foreground` to its ready line, with three servers configured (two
#                 stdio, one streamable HTTP), against the same home without them: servers connect in the
#                 background, so ready must not wait for them; then how long until all three are connected
#
# Usage: bench/mcp.sh [CALLS] [RUNS]   (defaults 1000 and 5). Needs node and the test servers
# (cd bundles/org.openpista.mcp/src/test/node && npm ci) and the built distribution.
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
calls=${1:-1000}
runs=${2:-5}
cd "$root"
node_dir="$root/bundles/org.openpista.mcp/src/test/node"
everything="$node_dir/node_modules/@modelcontextprotocol/server-everything/dist/index.js"
[[ -f "$everything" ]] || (cd "$node_dir" && npm ci --ignore-scripts --no-audit --no-fund)
dist="$root/runtime/target/openpista"
[[ -x "$dist/bin/openpista" ]] || ./openpista --version >/dev/null   # builds the distribution when missing
work=$(mktemp -d /tmp/openpista-bench-mcp.XXXXXX)
daemon_pid="" http_pid=""
cleanup() {
    if [[ -n "$daemon_pid" ]] && kill -0 "$daemon_pid" 2>/dev/null; then kill "$daemon_pid"; wait "$daemon_pid" || true; fi
    if [[ -n "$http_pid" ]]; then kill "$http_pid" 2>/dev/null || true; fi
    rm -rf "$work"
}
trap cleanup EXIT

echo "MCP, $(nproc) cores, $(java -version 2>&1 | head -1), node $(node --version)"

echo "== tool call (McpTool.execute of echo), $calls calls"
./mvnw -o -B -q test-compile -pl bundles/org.openpista.mcp -am >/dev/null
./mvnw -o -B -q dependency:build-classpath -pl bundles/org.openpista.mcp -Dmdep.outputFile="$work/cp.txt" >/dev/null
# the API from the reactor, not from ~/.m2 (nothing is installed there)
(cd bundles/org.openpista.mcp && java -Dorg.slf4j.simpleLogger.defaultLogLevel=warn \
    -cp "target/test-classes:target/classes:$root/bundles/org.openpista.api/target/classes:$(cat "$work/cp.txt")" \
    org.openpista.mcp.internal.McpCallBench "$calls" "$everything")

echo "== daemon start, $runs runs each"
port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
PORT=$port node "$everything" streamableHttp >"$work/http.log" 2>&1 &
http_pid=$!
until grep -q "listening on port" "$work/http.log"; do sleep 0.05; done

write_config() {   # $1: with servers (yes/no)
    mkdir -p "$work/home"
    cat >"$work/home/config.toml" <<TOML
[agent]
provider = "openai"
model = "bench"
base_url = "http://127.0.0.1:9/v1"
api_key = "sk-bench"
approval = "auto"

[channels.web]
enabled = false
TOML
    if [[ "$1" == yes ]]; then
        cat >>"$work/home/config.toml" <<TOML

[mcp.servers.one]
command = "node"
args = ["$everything", "stdio"]

[mcp.servers.two]
command = "node"
args = ["$node_dir/changing-server.mjs"]

[mcp.servers.web]
url = "http://127.0.0.1:$port/mcp"
TOML
    fi
}

# starts the daemon in the foreground, waits for its ready line; sets daemon_pid and ready_ms
start_daemon() {
    : >"$work/out"
    local start
    start=$(date +%s%N)
    OPENPISTA_HOME="$work/home" "$dist/bin/openpista" start --foreground </dev/null >"$work/out" 2>&1 &
    daemon_pid=$!
    until grep -q "ready in" "$work/out"; do
        if ! kill -0 "$daemon_pid" 2>/dev/null; then echo "the daemon died:"; cat "$work/out"; exit 1; fi
        sleep 0.01
    done
    ready_ms=$(( ($(date +%s%N) - start) / 1000000 ))
    connected_ms=""
    if grep -q "mcp.servers" "$work/home/config.toml"; then
        until [[ $(OPENPISTA_HOME="$work/home" "$dist/bin/openpista" shell -c openpista:mcp 2>/dev/null | grep -c " connected ") -ge 3 ]]; do
            sleep 0.05
        done
        connected_ms=$(( ($(date +%s%N) - start) / 1000000 ))
    fi
}

stop_daemon() {
    kill "$daemon_pid"
    wait "$daemon_pid" || true
    daemon_pid=""
}

median() { sort -n | awk '{a[NR]=$1} END {print a[int((NR+1)/2)]}'; }

for servers in no yes; do
    write_config "$servers"
    OPENPISTA_HOME="$work/home" "$dist/bin/openpista" run -e "warm-up" >/dev/null 2>&1 || true
    start_daemon; stop_daemon
    readies=() connects=()
    for _ in $(seq "$runs"); do
        start_daemon
        readies+=("$ready_ms")
        [[ -n "$connected_ms" ]] && connects+=("$connected_ms")
        stop_daemon
    done
    line="servers: $servers  start to ready: median $(printf '%s\n' "${readies[@]}" | median) ms (${readies[*]})"
    if ((${#connects[@]})); then
        line+="  all three connected: median $(printf '%s\n' "${connects[@]}" | median) ms (measured with shell polls)"
    fi
    echo "$line"
done
