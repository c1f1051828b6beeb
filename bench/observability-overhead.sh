#!/usr/bin/env bash
# What metrics and tracing add to a turn with a tool call, on the turn's thread (JMH): the observer
# events of the agent core handed to the Prometheus metrics, the OTLP tracer, both, or nobody.
# Target: under 50 µs a turn with metrics on and tracing off.
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
cd "$root"
echo "building the bundles under measurement..." >&2
./mvnw -B -q package -pl bundles/org.openpista.core,bundles/org.openpista.memory.sqlite,bundles/org.openpista.metrics,bundles/org.openpista.tracing -am -Dmaven.test.skip=true
./mvnw -B -q -f bench/jmh/pom.xml package
java -cp "bench/jmh/target/classes:$(cat bench/jmh/target/classpath.txt)" org.openjdk.jmh.Main "${@:-ObserverOverheadBenchmark}"
