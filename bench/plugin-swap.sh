#!/usr/bin/env bash
# Swapping bundles under load: CLIENTS web chat clients (bench/SwapLoad.java) chat with the real
# daemon (`openpista start --foreground`, web channel, the testkit's fake OpenAI server answering at
# once), every turn calling the hello-tool plugin, while
#   1. `openpista plugins update` replaces hello-tool with a new version (1.0.1),
#   2. `openpista plugins install` of a copy of the OpenAI provider bundle updates the provider in place,
#   3. `openpista plugins rollback hello-tool` puts the first version back,
#   4. `openpista bundles update org.openpista.channel.web` runs a new version (1.0.1) of the web
#      channel itself: its sockets close, the clients reconnect and resend their unanswered message,
#   5. `openpista bundles rollback org.openpista.channel.web` puts the distribution's version back.
# Prints turns/s and failed turns before, during and after the swaps side by side (target: 0 failed),
# and for each swap the time from the command until the new version serves (the command returns
# once the bundle is active and steady) and until the next turn completed. The daemon's log lines
# "Swap: … in N ms" (how long each bundle was away) follow.
# Usage: bench/plugin-swap.sh [CLIENTS] [BEFORE_SECONDS] [AFTER_SECONDS]   (default 20, 10, 10)
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
clients=${1:-20}
before=${2:-10}
after=${3:-10}
cd "$root"
./openpista --version >/dev/null                      # builds the distribution when needed
./mvnw -B -q package -pl bundles/org.openpista.testkit,plugins/hello-tool -Dmaven.test.skip=true
dist="$root/runtime/target/openpista"
work=$(mktemp -d)
fake_pid="" daemon_pid=""
trap 'kill "$daemon_pid" "$fake_pid" 2>/dev/null || true; wait 2>/dev/null || true; rm -rf "$work"' EXIT

# shellcheck source=bench/fake-llm.sh
source "$root/bench/fake-llm.sh"
start_fake_llm

port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
token=$(head -c 24 /dev/urandom | od -An -tx1 | tr -d ' \n')
home="$work/home"
mkdir -p "$home"
cat >"$home/config.toml" <<TOML
[agent]
provider = "openai"
model = "bench"
base_url = "$base_url"
api_key = "sk-bench"
approval = "auto"

[channels.web]
approval = "auto"
port = $port
token = "$token"
TOML
chmod 600 "$home/config.toml"

# the plugin, a new version of it (same jar, Bundle-Version 1.0.1), a copy of the provider bundle
hello=$(ls "$root"/plugins/hello-tool/target/hello-tool-*.jar | head -1)
mkdir -p "$work/v2"
(cd "$work/v2" && unzip -q "$hello" && sed -i 's/^Bundle-Version: .*/Bundle-Version: 1.0.1\r/' META-INF/MANIFEST.MF \
    && jar --create --file "$work/hello-tool-1.0.1.jar" --manifest META-INF/MANIFEST.MF -C "$work/v2" . 2>/dev/null)
provider=$(ls "$dist"/bundles/core/org.openpista.provider.openai-*.jar | head -1)
cp "$provider" "$work/"
web=$(find "$dist"/bundles -name 'org.openpista.channel.web-*.jar' | head -1)
mkdir -p "$work/web"
(cd "$work/web" && unzip -q "$web" && sed -i 's/^Bundle-Version: .*/Bundle-Version: 1.0.1\r/' META-INF/MANIFEST.MF \
    && jar --create --file "$work/channel-web-1.0.1.jar" --manifest META-INF/MANIFEST.MF -C "$work/web" . 2>/dev/null)

OPENPISTA_HOME="$home" "$dist/bin/openpista" start --foreground </dev/null >"$work/daemon.out" 2>&1 &
daemon_pid=$!
for _ in $(seq 600); do grep -q "Web chat:" "$work/daemon.out" && break; sleep 0.1; done
grep -q "Web chat:" "$work/daemon.out" || { echo "the daemon did not come up:"; cat "$work/daemon.out"; exit 1; }
OPENPISTA_HOME="$home" "$dist/bin/openpista" plugins install "$hello"

op() { echo env OPENPISTA_HOME="$home" "$dist/bin/openpista" "$@"; }
echo "swap under load: $clients clients on $(nproc) cores, $before s before, $after s after; load average $(cut -d' ' -f1-3 /proc/loadavg)"
status=0
java bench/SwapLoad.java "ws://127.0.0.1:$port/" "$token" "$clients" "$before" "$after" -- \
    $(op plugins update "$work/hello-tool-1.0.1.jar") , \
    $(op plugins install "$work/$(basename "$provider")") , \
    $(op plugins rollback hello-tool) , \
    $(op bundles update org.openpista.channel.web "$work/channel-web-1.0.1.jar") , \
    $(op bundles rollback org.openpista.channel.web) || status=$?
echo
echo "load average after: $(cut -d' ' -f1-3 /proc/loadavg)"
grep -h "Swap: " "$home"/logs/openpista.*.log || true
exit $status
