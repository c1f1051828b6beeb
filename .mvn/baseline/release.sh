#!/usr/bin/env bash
# Adds a release to the baseline repository (.mvn/baseline, a Maven repository in the checkout):
# builds every bundle of COMMIT with version VERSION and deploys those that export packages.
# Afterwards set openpista.baseline.version to VERSION in pom.xml (see docs/DEVELOPING.md, Baseline).
#
#   .mvn/baseline/release.sh 0.2.0 [COMMIT]     # COMMIT defaults to HEAD
set -euo pipefail

version=${1:?usage: release.sh VERSION [COMMIT]}
commit=${2:-HEAD}
root=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

git -C "$root" archive "$commit" | tar -x -C "$work"
(cd "$work" && ./mvnw -B -q -Drevision="$version" -DskipTests -Dspotless.check.skip=true \
    package -pl "$(cd "$work" && ls -d bundles/*/ | grep -v itests | sed 's#/$##' | paste -sd,)")

for jar in "$work"/bundles/*/target/*-"$version".jar; do
    unzip -p "$jar" META-INF/MANIFEST.MF | grep -q '^Export-Package:' || continue
    artifact=$(basename "$jar" "-$version.jar")
    echo "baseline: $artifact $version"
    # deploy refuses to work offline, even to a file: URL
    (cd "$root" && ./mvnw -B -q -N org.apache.maven.plugins:maven-deploy-plugin:3.1.4:deploy-file \
        -Dfile="$jar" -DgroupId=org.openpista -DartifactId="$artifact" -Dversion="$version" \
        -Dpackaging=jar -DgeneratePom=true -DrepositoryId=openpista-baseline -Durl="file://$root/.mvn/baseline")
done
