#!/usr/bin/env bash
# The terminal UI on a real terminal (tmux, 100x30):
#
#   first screen   from starting `openpista` to the Home screen drawn (the input box's "Ask anything"), RUNS runs
#   key latency    from a key sent to the terminal to the screen showing it, KEYS keys typed one at a time into the
#                  input box: p50 and p99. Each sample includes one `tmux send-keys` and the `capture-pane` polls
#                  (a few ms on their own, measured first as "tmux alone" and reported, not subtracted)
#
# Usage: bench/tui.sh [RUNS] [KEYS]   (defaults 5 and 200). Needs tmux and the built distribution.
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
runs=${1:-5}
keys=${2:-200}
cd "$root"
command -v tmux >/dev/null || { echo "tmux is needed" >&2; exit 2; }
dist="$root/runtime/target/openpista"
[[ -x "$dist/bin/openpista" ]] || ./openpista --version >/dev/null   # builds the distribution when missing
work=$(mktemp -d /tmp/openpista-bench-tui.XXXXXX)
socket="openpista-bench-$$"
t() { tmux -u -L "$socket" -f /dev/null "$@"; }
cleanup() { t kill-server 2>/dev/null || true; rm -rf "$work"; }
trap cleanup EXIT
mkdir -p "$work/home"
cat >"$work/home/config.toml" <<TOML
[agent]
provider = "openai"
model = "bench"
base_url = "http://127.0.0.1:9/v1"
api_key = "sk-bench"
TOML
chmod 600 "$work/home/config.toml"
export LANG=C.UTF-8 LC_ALL=C.UTF-8
now() { date +%s%N; }
percentiles() {   # nanoseconds on stdin: "p50 X ms, p99 Y ms, max Z ms"
    sort -n | awk '{ v[NR] = $1 } END { p50 = v[int((NR - 1) * 0.50) + 1]; p99 = v[int((NR - 1) * 0.99) + 1];
        printf "p50 %.1f ms, p99 %.1f ms, max %.1f ms (n=%d)\n", p50 / 1e6, p99 / 1e6, v[NR] / 1e6, NR }'
}
wait_for() {   # $1: text the screen must show
    until t capture-pane -p -t bench 2>/dev/null | grep -qF -- "$1"; do :; done
}

echo "Terminal UI, $(nproc) cores, $(java -version 2>&1 | head -1), $(tmux -V)"

echo "== first screen, $runs runs"
for ((i = 0; i < runs; i++)); do
    start=$(now)
    t new-session -d -x 100 -y 30 -s bench -e "OPENPISTA_HOME=$work/home" "$dist/bin/openpista"
    wait_for "Ask anything"
    echo $(($(now) - start))
    t kill-server 2>/dev/null || true
    sleep 0.5
done | tee "$work/first.txt" | awk '{ printf "  %.0f ms\n", $1 / 1e6 }'
percentiles <"$work/first.txt" | sed 's/^/  /'

echo "== key latency, $keys keys"
t new-session -d -x 100 -y 30 -s bench -e "OPENPISTA_HOME=$work/home" "$dist/bin/openpista"
wait_for "Ask anything"
: >"$work/tmux.txt"
for ((i = 0; i < 50; i++)); do
    start=$(now); t send-keys -t bench ""; t capture-pane -p -t bench >/dev/null; echo $(($(now) - start)) >>"$work/tmux.txt"
done
echo "  tmux alone (send-keys + one capture-pane): $(percentiles <"$work/tmux.txt")"
: >"$work/keys.txt"
# every sample waits for the input box to show a marker (QX, typed unmeasured) and the letters so far
typed="QX"
t send-keys -t bench -l "$typed"
wait_for "$typed"
for ((i = 0; i < keys; i++)); do
    if ((${#typed} >= 30)); then
        t send-keys -t bench C-u
        while t capture-pane -p -t bench | grep -qF -- "$typed"; do :; done
        typed="QX"
        t send-keys -t bench -l "$typed"
        wait_for "$typed"
    fi
    char=$(printf "\\x$(printf %x $((97 + i % 26)))")
    start=$(now)
    t send-keys -t bench -l "$char"
    typed+="$char"
    wait_for "$typed"
    echo $(($(now) - start)) >>"$work/keys.txt"
done
echo "  keypress to render: $(percentiles <"$work/keys.txt")"
