#!/usr/bin/env bash
# Builds the release archive openpista-<version>-linux-x86_64.tar.gz from the assembled distribution:
# a Java runtime of its own (jlink, only the modules openpista uses), the distribution (bin, lib,
# bundles, skills, the WhatsApp bridge's sources), config.example.toml, LICENSE, CHANGELOG.md,
# README.md and install.sh. Run by './mvnw -Prelease package' (runtime module), or by hand:
#   runtime/src/release/archive.sh runtime/target 0.1.0
set -euo pipefail

target=$(cd "$1" && pwd)
version=$2
repo=$(cd "$(dirname "${BASH_SOURCE[0]}")/../../.." && pwd)
dist="$target/openpista"
name="openpista-$version"
stage="$target/release/$name"
archive="$target/$name-linux-x86_64.tar.gz"

# jlink of the JDK that builds, 17 or newer (JAVA_HOME, else the one on PATH)
jdk=${JAVA_HOME:-$(dirname "$(dirname "$(readlink -f "$(command -v java)")")")}
jlink="$jdk/bin/jlink"
[[ -x "$jlink" ]] || { echo "archive.sh: no jlink in $jdk (a JDK is needed, not a JRE)" >&2; exit 1; }
[[ -x "$dist/bin/openpista" ]] || { echo "archive.sh: no distribution in $dist (package it first)" >&2; exit 1; }

# The modules the launcher and the bundles use (jdeps over lib/ and bundles/, see DEVELOPING), plus
# what only shows at run time: EC and the other crypto providers for TLS, DNS and the JDK's HTTP
# server (mcp serve --http), jdk.unsupported (sun.misc.Unsafe for JNA and Jackson), zipfs, charsets.
modules=java.base,java.compiler,java.desktop,java.instrument,java.logging,java.management,java.management.rmi,\
java.naming,java.net.http,java.prefs,java.rmi,java.scripting,java.security.jgss,java.security.sasl,java.sql,\
java.transaction.xa,java.xml,java.xml.crypto,jdk.charsets,jdk.crypto.cryptoki,jdk.crypto.ec,jdk.httpserver,\
jdk.management,jdk.naming.dns,jdk.net,jdk.unsupported,jdk.zipfs

rm -rf "$target/release" "$archive"
mkdir -p "$stage"
# uncompressed modules: the archive's gzip packs them smaller than jlink's own compression, and they
# load faster; the CDS archive of the JDK's classes speeds up every start, the one for heaps over
# 32 GB (no compressed oops) is never used by openpista's small heaps
"$jlink" --add-modules "$modules" --output "$stage/runtime" --strip-debug --no-man-pages --no-header-files \
    --generate-cds-archive >/dev/null
rm -f "$stage/runtime/lib/server/classes_nocoops.jsa"
cp -a "$dist/bin" "$dist/lib" "$dist/bundles" "$dist/skills" "$dist/bridge-whatsapp" "$stage/"
# a class-data archive recorded by a test run of the distribution belongs to that JDK, not to this one
rm -f "$stage"/lib/*.jsa "$stage"/lib/*.jsa.*
cp "$repo/config.example.toml" "$repo/LICENSE" "$repo/CHANGELOG.md" "$repo/README.md" "$stage/"
install -m 755 "$repo/runtime/src/release/install.sh" "$stage/install.sh"

# reproducible order and owner; the archive unpacks into openpista-<version>/
tar --sort=name --owner=0 --group=0 --numeric-owner -C "$target/release" -czf "$archive" "$name"
echo "archive.sh: $archive ($(du -h "$archive" | cut -f1); Java runtime $(du -sh "$stage/runtime" | cut -f1))"
