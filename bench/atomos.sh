#!/usr/bin/env bash
# Issue 15's last direction, measured: the distribution's own bundles on the class path through
# Apache Felix Atomos (connect bundles, loaded by the application class loader) so that Java 25's AOT
# cache (JEP 483/515, recorded by a training run) holds and links their classes. `run -e` (a text
# answer, the fake LLM) in these set-ups, alternated in one script run (runtime/target/openpista and the
# testkit built first):
#   j17      the distribution as built, Java 17 and its CDS archive
#   j17fresh the same without the saved bundle cache (Atomos installs afresh in every process)
#   j25      the same on Java 25 (its auto-created dynamic archive)
#   j25aot   a copy on Java 25: the bundles that fit (bench/atomos-fit.sh, and the run needs) on the
#            class path as connect bundles, the rest installed as usual, and an AOT cache
#   j25atomos  the copy with Atomos, no AOT cache (Java 25's auto-created dynamic archive)
#   j25aotC2  j25aot with the server compiler on (the launcher stops at the client compiler; JEP 515's
#            method profiles only serve the server compiler)
#   j25aot0  the copy and an AOT cache without Atomos (every bundle through Felix' loaders)
# Needs the Atomos jar (ATOMOS_JAR=path) and the launcher jar of the experiment, which was not kept
# (EXPERIMENT_JAR=path: runtime/target/org.openpista.runtime-*.jar built at commit 9b840ee, which
# has AtomosSpike and -Dopenpista.atomos=on); the copy gets both.
# Usage: ATOMOS_JAR=... EXPERIMENT_JAR=... [LABELS="j17 j25aot"] bench/atomos.sh [RUNS]
#   (default 6 runs of every set-up)
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
runs=${1:-6}
java25=${JAVA25_HOME:-/usr/lib/jvm/temurin-25-jdk-amd64}
cd "$root"
dist="$root/runtime/target/openpista"
work=$(mktemp -d)
fake_pid=""
trap 'kill "$fake_pid" 2>/dev/null || true; rm -rf "$work"' EXIT
# shellcheck source=bench/fake-llm.sh
source "$root/bench/fake-llm.sh"
# shellcheck source=bench/homes.sh
source "$root/bench/homes.sh"
# shellcheck source=bench/floor.sh
source "$root/bench/floor.sh"
start_fake_llm
mkdir -p "$work/home"
agent_config "$base_url" >"$work/home/config.toml"
chmod 600 "$work/home/config.toml"

# the copy: Atomos in lib/, the fitting bundles of levels 1 and 2 on the class path
copy="$work/openpista"
cp -a "$dist" "$copy"
rm -f "$copy"/lib/*.jsa
cp "$ATOMOS_JAR" "$copy/lib/"
cp "$EXPERIMENT_JAR" "$copy/lib/org.openpista.runtime.jar"
"$root/bench/atomos-fit.sh" "$copy" >"$work/fit"
cp_extra=""
while read -r verdict rel; do
    [[ "$verdict" == fits ]] || continue
    cp_extra="$cp_extra:$copy/bundles/$rel"
done <"$work/fit"
sed -i 's/ -Xshare:auto$//; s/ -Xshare:auto / /' "$copy/bin/openpista"   # the AOT cache refuses -Xshare
sed -i "s|-cp \"\$dist/lib/\*\"|-cp \"\$dist/lib/*\${OPENPISTA_EXTRA_CP:-}\"|" "$copy/bin/openpista"
grep -q OPENPISTA_EXTRA_CP "$copy/bin/openpista"
echo "on the class path: $(tr ':' '\n' <<<"$cp_extra" | grep -c jar) bundle jars"

once() { # label -> "wall_ms cpu_ms"
    local start end cpu d=$dist opts="" extra="" jh="" cds=off
    case $1 in
        j17) cds=on ;;
        j17fresh) cds=on opts="-Dopenpista.bundle.cache=off" ;;
        j25) jh=$java25 cds=on ;;
        j25atomos) d=$copy jh=$java25 extra=$cp_extra opts="-Dopenpista.atomos=on" cds=on ;;
        j25aot) d=$copy jh=$java25 extra=$cp_extra opts="-Dopenpista.atomos=on -XX:AOTCache=$work/atomos.aot" ;;
        j25aot0) d=$copy jh=$java25 opts="-XX:AOTCache=$work/plain.aot" ;;
        train) d=$copy jh=$java25 extra=$cp_extra opts="-Dopenpista.atomos=on -XX:AOTCacheOutput=$work/atomos.aot" ;;
        j25aotC2) d=$copy jh=$java25 extra=$cp_extra opts="-Dopenpista.atomos=on -XX:TieredStopAtLevel=4 -XX:AOTCache=$work/c2.aot" ;;
        trainC2) d=$copy jh=$java25 extra=$cp_extra opts="-Dopenpista.atomos=on -XX:TieredStopAtLevel=4 -XX:AOTCacheOutput=$work/c2.aot" ;;
        train0) d=$copy jh=$java25 opts="-XX:AOTCacheOutput=$work/plain.aot" ;;
    esac
    start=$(date +%s%N)
    /usr/bin/time -o "$work/time" -f '%U %S' env ${jh:+JAVA_HOME=$jh} OPENPISTA_HOME="$work/home" \
        OPENPISTA_CDS=$cds OPENPISTA_EXTRA_CP="$extra" \
        OPENPISTA_JAVA_OPTS="-Dopenpista.phases $opts" \
        "$d/bin/openpista" run -e hello >"$work/out.$1" 2>"$work/err.$1" || { echo "$1 failed:"; tail -20 "$work/err.$1"; exit 1; }
    end=$(date +%s%N)
    cpu=$(tail -n 1 "$work/time" | awk '{ printf "%d", ($1 + $2) * 1000 }')
    echo "$(( (end - start) / 1000000 )) $cpu"
}

measure_floor 5
print_floor
read -r -a labels <<<"${LABELS:-j17 j17fresh j25 j25atomos j25aot j25aotC2 j25aot0}"
once train >/dev/null; once train0 >/dev/null; once trainC2 >/dev/null
for l in "${labels[@]}"; do once "$l" >/dev/null; done   # warm-up: archives recorded
declare -A walls cpus
for n in $(seq "$runs"); do
    for l in "${labels[@]}"; do
        read -r w c <<<"$(once "$l")"
        walls[$l]="${walls[$l]:-} $w"; cpus[$l]="${cpus[$l]:-} $c"
        echo "run $n $l wall $w cpu $c load $(cut -d' ' -f1 /proc/loadavg)"
    done
done
for l in "${labels[@]}"; do
    # shellcheck disable=SC2086
    printf '%-8s wall median %5d ms   cpu median %5d ms   (%d runs)\n' "$l" "$(median ${walls[$l]})" "$(median ${cpus[$l]})" "$runs"
done
echo "load $(cut -d' ' -f1-3 /proc/loadavg)"
for l in "${labels[@]}"; do
    echo "$l, the last run's phases:"; grep '^phase' "$work/err.$l" | sed 's/^/    /'
done
