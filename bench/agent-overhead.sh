#!/usr/bin/env bash
# The agent's own overhead per turn (JMH): the loop with a model and a tool that answer at once,
# messages stored in a real SQLite file (and, for comparison, in memory). Target: < 5 ms per turn.
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
cd "$root"
echo "building the bundles under measurement..." >&2
./mvnw -B -q package -pl bundles/org.openpista.core,bundles/org.openpista.memory.sqlite -am -Dmaven.test.skip=true
./mvnw -B -q -f bench/jmh/pom.xml package
java -cp "bench/jmh/target/classes:$(cat bench/jmh/target/classpath.txt)" org.openjdk.jmh.Main "${@:-TurnOverheadBenchmark|AppendBenchmark}"
