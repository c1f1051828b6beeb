#!/usr/bin/env bash
# Wall time of `openpista run -e` against a local fake LLM (the testkit's fake OpenAI server, which
# answers at once): JVM start, Felix start, configuration, one turn, shutdown. Target on 2 cores:
# under 1 s. Usage: bench/run-once.sh [RUNS]   (default 10; plus one warm-up run, not counted)
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
runs=${1:-10}
cd "$root"
./openpista --version >/dev/null                      # builds the distribution when needed
./mvnw -B -q package -pl bundles/org.openpista.testkit -Dmaven.test.skip=true
dist="$root/runtime/target/openpista"
work=$(mktemp -d)
trap 'kill "$fake_pid" 2>/dev/null || true; rm -rf "$work"' EXIT

# shellcheck source=bench/fake-llm.sh
source "$root/bench/fake-llm.sh"
start_fake_llm

mkdir -p "$work/home"
cat >"$work/home/config.toml" <<TOML
[agent]
provider = "openai"
model = "bench"
base_url = "$base_url"
api_key = "sk-bench"
approval = "auto"
TOML

measure() { # label, prompt
    local label=$1 prompt=$2 times=()
    OPENPISTA_HOME="$work/home" "$dist/bin/openpista" run -e "$prompt" >/dev/null   # warm-up (records the CDS archive)
    for _ in $(seq "$runs"); do
        local start end
        start=$(date +%s%N)
        OPENPISTA_HOME="$work/home" "$dist/bin/openpista" run -e "$prompt" >/dev/null
        end=$(date +%s%N)
        times+=($(( (end - start) / 1000000 )))
    done
    local sorted
    mapfile -t sorted < <(printf '%s\n' "${times[@]}" | sort -n)
    printf '%-28s min %5d ms   median %5d ms   max %5d ms   (%d runs)\n' "$label" \
        "${sorted[0]}" "${sorted[$(( runs / 2 ))]}" "${sorted[$(( runs - 1 ))]}" "$runs"
}

echo "openpista run -e, $(nproc) cores, $(java -version 2>&1 | head -1)"
measure "text answer" "hello"
measure "one system.run tool call" "run: echo hi"
echo
echo "phases of one run:"
OPENPISTA_HOME="$work/home" OPENPISTA_JAVA_OPTS=-Dopenpista.phases "$dist/bin/openpista" run -e "hello" 2>&1 >/dev/null | sed 's/^/  /'
