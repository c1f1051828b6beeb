# Sourced by the benchmarks: the configurations they share, so that their figures describe the same
# agent and the same daemon, and the start of a daemon until it is ready.

# agent_config BASE_URL -> the [agent] table on stdout: the fake model at BASE_URL, no approvals
agent_config() {
    cat <<TOML
[agent]
provider = "openai"
model = "bench"
base_url = "$1"
api_key = "sk-bench"
approval = "auto"
TOML
}

# daemon_config BASE_URL -> the daemon's TOML on stdout: cli, web and mobile on (add tables after it
# for more channels)
daemon_config() {
    agent_config "$1"
    cat <<TOML

[channels.cli]
enabled = true

[channels.web]
enabled = true
bind = "127.0.0.1"
port = 0
token = "bench-token-0123456789"

[channels.mobile]
enabled = true
bind = "127.0.0.1"
port = 0
api_token = "bench-token-0123456789"
TOML
}

# start_daemon HOME: starts the daemon in the foreground (output in $work/out) and waits for its
# ready line; sets daemon_pid, ready_ms and ready_cpu_ms (the CPU time it used until ready: on a busy
# machine the wall time says more about the neighbours)
start_daemon() {
    : >"$work/out"
    local start end ticks
    start=$(date +%s%N)
    OPENPISTA_HOME="$1" "$dist/bin/openpista" start --foreground </dev/null >"$work/out" 2>&1 &
    daemon_pid=$!
    until grep -q "ready in" "$work/out"; do
        if ! kill -0 "$daemon_pid" 2>/dev/null; then echo "the daemon died:"; cat "$work/out"; exit 1; fi
        sleep 0.01
    done
    end=$(date +%s%N)
    ready_ms=$(( (end - start) / 1000000 ))
    ticks=$(awk '{print $14 + $15}' "/proc/$daemon_pid/stat")
    ready_cpu_ms=$(( ticks * 1000 / $(getconf CLK_TCK) ))
}

# stop_daemon: stops the daemon start_daemon started and waits for it
stop_daemon() {
    kill "$daemon_pid"
    wait "$daemon_pid" || true
    daemon_pid=""
}

# rss_tree PID: the resident set of a process and all its children, in kB
rss_tree() {
    local total=0 pid
    for pid in $1 $(pgrep -P "$1" || true); do
        total=$(( total + $(awk '/^VmRSS:/ {print $2}' "/proc/$pid/status" 2>/dev/null || echo 0) ))
    done
    echo "$total"
}

# bench_begin NAME: the prelude the start-up benchmarks share. Sets work (a new folder
# /tmp/NAME.XXXXXX), fake_pid and daemon_pid; at exit the daemon and the fake LLM are stopped and the
# folder removed (kept if the script sets keep_work). Sources floor.sh and fake-llm.sh and starts the
# fake LLM (needs root, dist and the testkit packaged).
bench_begin() {
    work=$(mktemp -d "/tmp/$1.XXXXXX")
    fake_pid="" daemon_pid="" keep_work=""
    trap bench_end EXIT
    # shellcheck source=bench/floor.sh
    source "$root/bench/floor.sh"
    # shellcheck source=bench/fake-llm.sh
    source "$root/bench/fake-llm.sh"
    start_fake_llm
}

bench_end() {
    if [[ -n "$daemon_pid" ]] && kill -0 "$daemon_pid" 2>/dev/null; then kill "$daemon_pid"; wait "$daemon_pid" || true; fi
    kill "$fake_pid" 2>/dev/null || true
    [[ -n "$keep_work" ]] || rm -rf "$work"
}
