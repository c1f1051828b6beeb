#!/usr/bin/env bash
# Which of the distribution's bundles could load from one class path (Apache Felix Atomos' class
# path mode, where the application class loader loads every connected bundle's classes): a package
# found in two jars (bnd inlines private copies of libraries) resolves to the first jar for both, a
# Bundle-ClassPath with inner jars is not on the class path at all, a fragment goes with its host.
# Prints, per bundle jar, "fits", "fragment" or why not, then the counts.
# Usage: bench/atomos-fit.sh [DIST]   (default runtime/target/openpista)
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
dist=${1:-$root/runtime/target/openpista}
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

# jar -> its packages (folders holding classes, multi-release versions folded in)
for jar in "$dist"/lib/*.jar "$dist"/bundles/*/*.jar; do
    unzip -Z1 "$jar" | grep '\.class$' | grep -v '^META-INF/versions/[0-9]*/META-INF' |
        sed -e 's|^META-INF/versions/[0-9]*/||' -e 's|/[^/]*$||' | grep -v '^module-info' | sort -u |
        sed "s|^|$jar\t|" >>"$work/packages"
done
cut -f2 "$work/packages" | sort | uniq -d >"$work/shared"

header() { # jar, name -> the manifest header's value (continuation lines joined)
    unzip -p "$1" META-INF/MANIFEST.MF | tr -d '\r' | awk -v h="$2:" '
        $1 == h { v = substr($0, length(h) + 2); on = 1; next }
        on && /^ / { v = v substr($0, 2); next }
        { on = 0 } END { print v }'
}

fits=0 total=0
for jar in "$dist"/bundles/*/*.jar; do
    total=$((total + 1))
    why=()
    n=$(awk -F'\t' -v j="$jar" '$1 == j { print $2 }' "$work/packages" | grep -cxFf "$work/shared" || true)
    if (( n > 0 )); then
        others=$(awk -F'\t' -v j="$jar" 'NR == FNR { s[$0] = 1; next } $1 != j && ($2 in s) { print $1 }' \
            <(awk -F'\t' -v j="$jar" '$1 == j { print $2 }' "$work/packages") "$work/packages" | xargs -rn1 basename | sort -u | tr '\n' ' ')
        why+=("$n packages also in: $others")
    fi
    bcp=$(header "$jar" Bundle-ClassPath)
    [[ -n "$bcp" && "$bcp" != "." ]] && why+=("Bundle-ClassPath: $bcp")
    host=$(header "$jar" Fragment-Host)
    rel=${jar#"$dist"/bundles/}
    if (( ${#why[@]} == 0 )) && [[ -n "$host" ]]; then
        echo "fragment  $rel: fits with its host ${host%%;*}"
    elif (( ${#why[@]} == 0 )); then
        fits=$((fits + 1)); echo "fits      $rel"
    else
        printf 'no        %s: %s\n' "$rel" "$(IFS=';'; echo "${why[*]}")"
    fi
done
echo "$fits of $total bundle jars fit on one class path; $(wc -l <"$work/shared") packages are in more than one jar (lib/ included)"
