#!/usr/bin/env bash
# `openpista run -e` (a text answer, the fake LLM) of several distributions, run alternately in one
# script run so the load of neighbours falls on all of them alike: wall and CPU medians per
# distribution, every CPU figure, and the median of each line -Dopenpista.phases prints.
# Usage: bench/run-ab.sh RUNS DIST_A DIST_B [DIST...]   (a distribution: a copy of runtime/target/openpista)
# Env: PH (default -Dopenpista.phases; =cpu or =bundles for more), PROMPT (default hello). Each
# distribution gets a home of its own (its saved bundle cache); the work folder is printed last.
# Needs the testkit jar (bench/run-once.sh packages it).
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
runs=$1; shift
dists=("$@")
work=$(mktemp -d)
dist=${dists[0]}
fake_pid=""
trap 'kill "$fake_pid" 2>/dev/null || true' EXIT
source "$root/bench/floor.sh"; source "$root/bench/fake-llm.sh"; source "$root/bench/homes.sh"
start_fake_llm
for i in "${!dists[@]}"; do mkdir -p "$work/home$i"; agent_config "$base_url" >"$work/home$i/config.toml"; done
once() { # i n
  local start end
  start=$(date +%s%N)
  /usr/bin/time -o "$work/time" -f '%U %S' env OPENPISTA_HOME="$work/home$1" OPENPISTA_JAVA_OPTS="${PH:--Dopenpista.phases}" \
      "${dists[$1]}/bin/openpista" run -e "${PROMPT:-hello}" >"$work/out.$1.$2" 2>"$work/phases.$1.$2"
  end=$(date +%s%N)
  echo "$(( (end - start) / 1000000 )) $(tail -n 1 "$work/time" | awk '{ printf "%d", ($1 + $2) * 1000 }')" >> "$work/times.$1"
}
for i in "${!dists[@]}"; do once "$i" 0; : > "$work/times.$i"; done
echo "load before: $(cut -d' ' -f1-3 /proc/loadavg)"
for n in $(seq "$runs"); do for i in "${!dists[@]}"; do once "$i" "$n"; done; done
echo "load after: $(cut -d' ' -f1-3 /proc/loadavg)"
for i in "${!dists[@]}"; do
  w=$(median $(awk '{print $1}' "$work/times.$i")); c=$(median $(awk '{print $2}' "$work/times.$i"))
  printf '%s: wall median %d  cpu median %d   cpu all: %s\n' "${dists[$i]}" "$w" "$c" "$(awk '{print $2}' "$work/times.$i" | tr '\n' ' ')"
  grep -h "answer\|hello\|fake" "$work/out.$i.1" | head -1 || true
  for n in $(seq "$runs"); do cat "$work/phases.$i.$n"; done | awk '/^(phase|cpu) .* ms$/ { p = $1" "$2; for (j = 3; j <= NF - 2; j++) p = p " " $j; print p "\t" $(NF - 1) }' |
    awk -F'\t' '{ if (!(($1) in order)) order[$1] = ++k; v[$1, ++c[$1]] = $2 }
      END { for (p in order) names[order[p]] = p
        for (i = 1; i <= k; i++) { p = names[i]; n = c[p]
          for (a = 1; a <= n; a++) s[a] = v[p, a]
          for (a = 1; a <= n; a++) for (b = a + 1; b <= n; b++) if (s[b] < s[a]) { t = s[a]; s[a] = s[b]; s[b] = t }
          printf "    %-30s median %5d ms\n", p, s[int((n + 1) / 2)] } }'
done
echo "work: $work"
