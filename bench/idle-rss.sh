#!/usr/bin/env bash
# Idle memory of the daemon with every built-in channel on (issue 15: under 100 MB resident 30 s
# after ready, flat over 10 minutes). The channels hold the connections they hold in real use:
#   cli       reads standard input (here /dev/null)
#   web       the web chat on a free loopback port
#   mobile    QUIC on a free loopback UDP port
#   telegram  long polling against the testkit's fake Bot API
#   slack     Socket Mode against the testkit's fake Slack (Web API and WebSocket)
#   discord   the gateway's WebSocket and REST against the testkit's fake Discord
#   whatsapp  bridge mode with the testkit's fake bridge (a bash script, a child process; the real
#             bridge is Node.js and its memory is its own)
# No LLM is contacted: an idle daemon sends no request.
#
# Prints the resident memory (VmRSS) of the JVM and of the JVM with its children, and the JVM's CPU time
# so far (start-up, then what idle work adds), at ready, after
# IDLE seconds and, with --watch MINUTES, once a minute for that long; then the JVM's own
# accounting (heap used/committed after a full GC, metaspace, code cache, threads; Native Memory
# Tracking when --nmt is given, which costs a few MB itself, so the RSS figures of such a run are
# not the product's).
#
# Usage: bench/idle-rss.sh [--idle SECONDS] [--watch MINUTES] [--nmt] [--threads] [--without CHANNEL,...]
#   --without turns the named channels off, to see what each one costs.
#   OPENPISTA_JAVA_OPTS passes extra JVM options to the daemon (to try a flag).
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
idle=30 watch=0 nmt="" threads="" without=""
while [[ $# -gt 0 ]]; do
    case $1 in
        --idle) idle=$2; shift ;;
        --watch) watch=$2; shift ;;
        --nmt) nmt=1 ;;
        --threads) threads=1 ;;
        --without) without=",$2,"; shift ;;
        *) echo "usage: $0 [--idle SECONDS] [--watch MINUTES] [--nmt] [--threads] [--without CHANNEL,...]" >&2; exit 2 ;;
    esac
    shift
done
cd "$root"
dist=${OPENPISTA_DIST:-$root/runtime/target/openpista}   # OPENPISTA_DIST: another copy of the distribution
[[ -x "$dist/bin/openpista" ]] || ./openpista --version >/dev/null   # builds the distribution when missing
testkit="$root/bundles/org.openpista.testkit/target/org.openpista.testkit-0.1.0-SNAPSHOT.jar"
[[ -f "$testkit" ]] || ./mvnw -B -q package -pl bundles/org.openpista.testkit -Dmaven.test.skip=true
work=$(mktemp -d /tmp/openpista-idle.XXXXXX)
daemon_pid="" fakes_pid=""
cleanup() {
    if [[ -n "$daemon_pid" ]] && kill "$daemon_pid" 2>/dev/null; then
        local stop
        stop=$(date +%s%N)
        wait "$daemon_pid" 2>/dev/null || true
        echo "stopped in      $(( ($(date +%s%N) - stop) / 1000000 )) ms"
    fi
    [[ -n "$fakes_pid" ]] && kill "$fakes_pid" 2>/dev/null || true
    wait 2>/dev/null || true
    rm -rf "$work"
}
trap cleanup EXIT

telegram_token="7000000001:bench-token_xyz"
slack_bot="xoxb-1000-2000-bench-bot" slack_app="xapp-1-A0FAKEAPP-3000-bench-app" slack_secret="bench0signing0secret0bench0sign0"
discord_token="MTEwMDAwMDAwMDAwMDAwMDAwMQ.Bench.bench-secret-token-part-0123456789"
classpath="$testkit"
for jar in "$dist"/bundles/boot/jackson-*.jar; do classpath="$classpath:$jar"; done
java -cp "$classpath" bench/ChannelFakes.java "$telegram_token" "$slack_bot" "$slack_app" "$slack_secret" "$discord_token" >"$work/fakes.out" 2>&1 &
fakes_pid=$!
for _ in $(seq 300); do grep -q '^ready' "$work/fakes.out" && break; sleep 0.1; done
grep -q '^ready' "$work/fakes.out" || { echo "the fakes did not start:"; cat "$work/fakes.out"; exit 1; }
url() { sed -n "s/^$1 //p" "$work/fakes.out"; }
# shellcheck source=bench/homes.sh
source "$root/bench/homes.sh"

mkdir -p "$work/home/whatsapp-session"
unzip -p "$testkit" org/openpista/testkit/fake-whatsapp-bridge.sh >"$work/home/fake-whatsapp-bridge.sh"
chmod 700 "$work/home/fake-whatsapp-bridge.sh"
printf '%s\n' '{"type":"connected","phone":"4915112345678","name":"Bench","confirms":true}' >"$work/home/whatsapp-session/start"
{
    daemon_config "http://127.0.0.1:9/v1"
    cat <<TOML

[channels.telegram]
enabled = true
token = "$telegram_token"
api_url = "$(url telegram)"
allowed_users = [1001]

[channels.slack]
enabled = true
mode = "socket"
bot_token = "$slack_bot"
app_token = "$slack_app"
signing_secret = "$slack_secret"
api_url = "$(url slack)"
allowed_users = ["U0ALICE"]

[channels.discord]
enabled = true
token = "$discord_token"
api_url = "$(url discord-api)"
gateway_url = "$(url discord-gateway)"
allowed_users = ["1300000000000000001"]

[channels.whatsapp]
enabled = true
mode = "bridge"
bridge_path = "$work/home/fake-whatsapp-bridge.sh"
session_dir = "$work/home/whatsapp-session"
allowed_numbers = ["+49 1700 0000001"]
TOML
} >"$work/home/config.toml"
for channel in cli web mobile telegram slack discord whatsapp; do
    if [[ "$without" == *",$channel,"* ]]; then
        sed -i "/^\[channels.$channel\]/,/^\[/ s/^enabled = true/enabled = false/" "$work/home/config.toml"
    fi
done
chmod 600 "$work/home/config.toml"

# CPU time (user + system) of a process so far, in ms
cpu_ms() { awk -v hz="$(getconf CLK_TCK)" '{print int(($14 + $15) * 1000 / hz)}' "/proc/$1/stat" 2>/dev/null || echo 0; }
# 0 for a process gone or without memory of its own (a zombie child has no VmRSS line)
kb() { local v; v=$(awk '/^VmRSS:/ {print $2}' "/proc/$1/status" 2>/dev/null); echo "${v:-0}"; }
tree_kb() {
    local total=0 pid
    for pid in $1 $(pgrep -P "$1" || true); do total=$(( total + $(kb "$pid") )); done
    echo "$total"
}
# MB with one decimal (MiB, as the kernel's kB are KiB): the target is a bound, and whole MB hide up to 1 MB
mb() { awk -v kb="$1" 'BEGIN { printf "%5.1f", kb / 1024 }'; }
report() {
    printf '%-14s JVM %s MB   with children %s MB   threads %3d   CPU %6d ms\n' "$1" "$(mb "$(kb "$daemon_pid")")" \
        "$(mb "$(tree_kb "$daemon_pid")")" "$(ls "/proc/$daemon_pid/task" | wc -l)" "$(cpu_ms "$daemon_pid")"
}

# a one-shot run records its class-data sharing archive (see bin/openpista)
OPENPISTA_HOME="$work/home" "$dist/bin/openpista" run -e "warm-up" </dev/null >/dev/null 2>&1 || true
# and a daemon's first start records the daemon's own archive at exit, which the next start uses: one
# start and stop first when there is none or the distribution changed since (OPENPISTA_CDS=off: no archives)
archive=$(find "$dist/lib" -maxdepth 1 -name 'openpista-daemon-java*.jsa' -print -quit)
if [[ "${OPENPISTA_CDS:-on}" != off && ( -z "$archive" || -n "$(find "$dist/lib" "$dist/bundles" -name '*.jar' -cnewer "$archive" -print -quit)" ) ]]; then
    OPENPISTA_HOME="$work/home" "$dist/bin/openpista" start --foreground </dev/null >"$work/record.out" 2>&1 &
    daemon_pid=$!
    until grep -q "ready in" "$work/record.out" || ! kill -0 "$daemon_pid" 2>/dev/null; do sleep 0.1; done
    stop=$(date +%s%N)
    kill "$daemon_pid" 2>/dev/null || true
    wait "$daemon_pid" || true
    daemon_pid=""
    echo "a daemon recorded its archive: started, then stopped in $(( ($(date +%s%N) - stop) / 1000000 )) ms (with the archive's writing)"
fi
extra=${OPENPISTA_JAVA_OPTS:-}
[[ -n "$nmt" ]] && extra="$extra -XX:NativeMemoryTracking=summary"
start=$(date +%s%N)
OPENPISTA_HOME="$work/home" OPENPISTA_JAVA_OPTS="$extra" "$dist/bin/openpista" start --foreground </dev/null >"$work/out" 2>&1 &
daemon_pid=$!
until grep -q "ready in" "$work/out"; do
    if ! kill -0 "$daemon_pid" 2>/dev/null; then echo "the daemon died:"; cat "$work/out"; exit 1; fi
    sleep 0.05
done
echo "openpista idle daemon, every built-in channel on${without:+ but ${without//,/ }} ($(readlink "/proc/$daemon_pid/exe"))"
echo "ready after     $(( ($(date +%s%N) - start) / 1000000 )) ms"
report "at ready"
sleep "$idle"
report "after ${idle} s"
for minute in $(seq "$watch"); do
    sleep 60
    report "+${minute} min"
done
echo "channels:       $(grep -o -i -E '(web chat|mobile|telegram|slack|discord|whatsapp|terminal)[^.]*' "$work/out" | sort -u | tr '\n' ';' | cut -c1-400)"
echo "JVM options:    $(tr '\0' ' ' </proc/"$daemon_pid"/cmdline | grep -o -- ' -X[^ ]*' | tr -d '\n')"
if command -v jcmd >/dev/null; then
    echo "heap now:        $(jcmd "$daemon_pid" GC.heap_info | grep -E 'total' | sed 's/^ *//; s/\[.*//' | tr -s ' ' | tr '\n' ';')"
    jcmd "$daemon_pid" GC.run >/dev/null
    echo "after a full GC: $(jcmd "$daemon_pid" GC.heap_info | grep -E 'total|Metaspace|class space' | sed 's/^ *//; s/\[.*//' | tr -s ' ' | tr '\n' ';')"
    [[ -n "$nmt" ]] && jcmd "$daemon_pid" VM.native_memory summary | sed -n '/^Total/,$p' | grep -E '^(Total|-)' | sed 's/^-*//'
    if [[ -n "$threads" ]]; then
        echo "threads:"
        jcmd "$daemon_pid" Thread.print | sed -n 's/^"\([^"]*\)".*/\1/p' | sed 's/[-#]*[0-9][0-9]*$//; s/-[0-9]*-thread$/-N-thread/' | sort | uniq -c | sort -rn
    fi
fi
# to look further with jcmd (bench/idle-rss.sh --hold &): the pid, then wait to be killed
if [[ -n "${HOLD:-}" ]]; then echo "holding daemon $daemon_pid"; while kill -0 "$daemon_pid" 2>/dev/null; do sleep 5; done; fi
