# Sourced by the bench scripts: starts the testkit's fake OpenAI server (it answers at once) with the
# Jackson jars of the distribution, sets fake_pid and base_url. Needs dist, work and root set, the
# testkit packaged; the caller's EXIT trap kills "$fake_pid".
start_fake_llm() {
    local classpath="$root/bundles/org.openpista.testkit/target/org.openpista.testkit-0.1.0-SNAPSHOT.jar" jar
    for jar in "$dist"/bundles/boot/jackson-*.jar; do classpath="$classpath:$jar"; done
    java -cp "$classpath" org.openpista.testkit.FakeServerMain --protocol openai >"$work/fake.out" 2>&1 &
    fake_pid=$!
    for _ in $(seq 100); do grep -q listening "$work/fake.out" && break; sleep 0.1; done
    base_url=$(sed -n 's/^listening on //p' "$work/fake.out")
    [[ -n "$base_url" ]] || { echo "the fake LLM did not start:"; cat "$work/fake.out"; exit 1; }
}
