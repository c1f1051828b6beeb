package org.openpista.sandbox.wasm.internal;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.openpista.testkit.SecurityFigures;

/**
 * Guests that once took the daemon down, each run on both engines in a child JVM with the
 * launcher's flags: the child must end normally and report what the guest did.
 */
class HostileGuestTest {

    @TempDir
    Path dir;

    @ParameterizedTest
    @ValueSource(strings = {"wasmtime", "chicory"})
    void endlessRecursionIsATrapNotACrash(String engine) throws Exception {
        Path module = Files.write(dir.resolve("recursion.wasm"), HostileModules.recursion());

        GuestInChildJvm.Ended ended = GuestInChildJvm.run(engine, module, 60, 10_000, dir);

        assertThat(ended.exitCode()).as(ended.output()).isZero();
        assertThat(ended.value("engine")).isEqualTo(engine);
        assertThat(ended.value("timedOut")).as(ended.output()).isEqualTo("false");
        assertThat(ended.value("exit")).isEqualTo("-1");
        assertThat(ended.value("reason")).as(ended.output()).startsWith("wasm trap (" + engine);
        SecurityFigures.record("wasm endless recursion (" + engine + ", child JVM -Xss512k)",
                "host alive, " + ended.value("reason"));
    }

    @ParameterizedTest
    @ValueSource(strings = {"wasmtime", "chicory"})
    void aStderrFloodIsCappedWhileWritten(String engine) throws Exception {
        // 4,000 writes of 60,000 bytes: 240 MB, more than the child's whole heap
        Path module = Files.write(dir.resolve("flood.wasm"), HostileModules.flood(2, 60_000, 4_000));

        GuestInChildJvm.Ended ended = GuestInChildJvm.run(engine, module, 120, 10_000, dir);

        assertThat(ended.exitCode()).as(ended.output()).isZero();
        assertThat(ended.value("exit")).as(ended.output()).isEqualTo("0");
        assertThat(ended.value("stderrEnd")).contains("more bytes cut]");
        assertThat(Integer.parseInt(ended.value("stderr"))).isBetween(10_000, 10_100);
        SecurityFigures.record("wasm stderr flood (" + engine + ", 240 MB in 60,000-byte writes, child JVM -Xmx96m)",
                "kept " + ended.value("stderr") + " characters, " + ended.value("stderrEnd").strip());
    }

    @ParameterizedTest
    @ValueSource(strings = {"wasmtime", "chicory"})
    void aStdoutFloodIsCappedWhileWritten(String engine) throws Exception {
        Path module = Files.write(dir.resolve("flood-out.wasm"), HostileModules.flood(1, 60_000, 4_000));

        GuestInChildJvm.Ended ended = GuestInChildJvm.run(engine, module, 120, 10_000, dir);

        assertThat(ended.exitCode()).as(ended.output()).isZero();
        assertThat(ended.value("exit")).as(ended.output()).isEqualTo("0");
        // the ABI's output is empty, so stdout shows up in stderr under [wasi stdout]
        assertThat(Integer.parseInt(ended.value("stderr"))).isLessThan(10_200);
        assertThat(ended.value("stderrEnd")).contains("more bytes cut]");
    }
}
