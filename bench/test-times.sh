#!/usr/bin/env bash
# Where the test time of a build went, from the reports Surefire and Failsafe left: every test class
# with its time (the slowest first), then the slowest test methods, and the sum per kind of report.
# With the end-to-end tests in several forks (runtime/pom.xml, openpista.it.forks) the build waits
# less than the sum of their classes: Failsafe's own 'Tests run' line in the build log says how long.
# Usage: bench/test-times.sh [HOW_MANY] [DIR...]   (default 25, and every report under the checkout)
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
limit=${1:-25}
shift || true
dirs=("$@")
if ((${#dirs[@]} == 0)); then
    dirs=("$root")
fi
reports=$(find "${dirs[@]}" -path '*/node_modules' -prune -o -name 'TEST-*.xml' -print)
if [[ -z "$reports" ]]; then
    echo "no TEST-*.xml reports under ${dirs[*]}; run the tests first" >&2
    exit 1
fi

# class time: the testsuite's time attribute (Surefire writes it with a thousands separator: 1,234.5)
suites() {
    while IFS= read -r report; do
        local head kind
        head=$(grep -m1 -o '<testsuite [^>]*>' "$report" || true)
        [[ -n "$head" ]] || continue
        case "$head" in
            *maven-failsafe-plugin*) kind=failsafe ;;
            *maven-surefire-plugin*) kind=surefire ;;
            *) kind=other ;;
        esac
        sed -n 's/.* name="\([^"]*\)".*/\1/p' <<<"$head" | head -1 | tr '\n' ' '
        sed -n 's/.* time="\([0-9.,]*\)".*/\1/p' <<<"$head" | tr -d ',' | tr '\n' ' '
        echo "$kind"
    done <<<"$reports"
}

all=$(suites)
echo "== the slowest $limit test classes (seconds)"
sort -k2 -rn <<<"$all" | head -n "$limit" | awk '{printf "%8.1f  %-9s %s\n", $2, $3, $1}'

echo
echo "== the slowest $limit test methods (seconds)"
# shellcheck disable=SC2086 # one report per line
grep -ho '<testcase [^>]*>' $reports | sed -n 's/.* name="\([^"]*\)" classname="\([^"]*\)" time="\([0-9.,]*\)".*/\3 \2.\1/p' \
    | tr -d ',' | sort -rn | head -n "$limit" | awk '{printf "%8.1f  %s\n", $1, $2}'

echo
echo "== sum of the classes' times per kind of report"
awk '{sum[$3] += $2; n[$3]++} END {for (k in sum) printf "%-9s %4d classes %8.1f s\n", k, n[k], sum[k]}' <<<"$all" | sort

