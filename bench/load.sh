# Sourced by the load benchmarks (mobile.sh, web-throughput.sh): what they do before the load, so
# that both load the same daemon with the same fake. Needs root set.

# load_start [CLIENTS] [SECONDS]: sets clients and seconds (default 50 clients, 60 s), builds the
# distribution and the testkit when needed (OPENPISTA_DIST: another copy of the distribution, not
# built), sets dist and work (a folder removed on exit) and starts the testkit's fake OpenAI server,
# which answers at once (fake_pid, base_url). The EXIT trap kills "$daemon_pid" and "$fake_pid".
load_start() {
    clients=${1:-50}
    seconds=${2:-60}
    cd "$root"
    dist=${OPENPISTA_DIST:-$root/runtime/target/openpista}   # OPENPISTA_DIST: another copy of the distribution
    [[ -n "${OPENPISTA_DIST:-}" ]] || ./openpista --version >/dev/null   # builds the distribution when needed
    local testkit="$root/bundles/org.openpista.testkit/target/org.openpista.testkit-0.1.0-SNAPSHOT.jar"
    [[ -n "${OPENPISTA_DIST:-}" && -f "$testkit" ]] || ./mvnw -B -q package -pl bundles/org.openpista.testkit -Dmaven.test.skip=true
    work=$(mktemp -d)
    fake_pid="" daemon_pid=""
    trap 'kill "$daemon_pid" "$fake_pid" 2>/dev/null || true; wait 2>/dev/null || true; rm -rf "$work"' EXIT

    # shellcheck source=bench/fake-llm.sh
    source "$root/bench/fake-llm.sh"
    start_fake_llm
}

# load_config WEB_PORT TOKEN: writes $work/home/config.toml: the agent on the fake, the web chat on
# WEB_PORT with TOKEN (append tables for more channels)
load_config() {
    mkdir -p "$work/home"
    cat >"$work/home/config.toml" <<TOML
[agent]
provider = "openai"
model = "bench"
base_url = "$base_url"
api_key = "sk-bench"

[channels.web]
port = $1
token = "$2"
TOML
}
