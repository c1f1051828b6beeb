package org.openpista.runtime;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.openpista.runtime.DistributionProcess.Result;

/**
 * The repository's {@code config.example.toml} is what {@code openpista config example} prints for
 * the distribution, so a bundle that adds or changes a setting changes the documented example in
 * the same commit; and the example is a file {@code config check} accepts without a warning.
 */
class ConfigExampleIT {

    private static final Path COMMITTED = Path.of("..", "config.example.toml");

    @TempDir
    Path home;

    @Test
    void theCommittedExampleIsTheDistributionsOwn() throws Exception {
        Result result = DistributionProcess.run(home, Map.of(), "config", "example");

        assertThat(result.exitCode()).as(result.toString()).isZero();
        List<String> generated = result.stdout().lines().toList();
        List<String> committed = Files.readAllLines(COMMITTED);
        for (int line = 0; line < Math.max(generated.size(), committed.size()); line++) {
            String want = line < generated.size() ? generated.get(line) : "<end of output>";
            String have = line < committed.size() ? committed.get(line) : "<end of file>";
            assertThat(have)
                    .as("config.example.toml line %d differs from 'openpista config example'; regenerate it with"
                            + " runtime/target/openpista/bin/openpista config example > config.example.toml", line + 1)
                    .isEqualTo(want);
        }
    }

    @Test
    void theExampleIsAcceptedWithoutAWarning() throws Exception {
        Result result = DistributionProcess.run(
                home, Map.of(), "config", "check", "--file", COMMITTED.toAbsolutePath().toString());

        assertThat(result.exitCode()).as(result.toString()).isZero();
        assertThat(result.stderr()).as(result.toString()).doesNotContainIgnoringCase("warning");
    }
}
