package org.openpista.shell.internal;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import org.junit.jupiter.api.Test;

class DescribeTest {

    @Test
    void durationsAreAsPreciseAsAGlanceNeeds() {
        assertThat(Describe.duration(Duration.ofMillis(-5))).isEqualTo("0s");
        assertThat(Describe.duration(Duration.ofSeconds(59))).isEqualTo("59s");
        assertThat(Describe.duration(Duration.ofSeconds(185))).isEqualTo("3m 5s");
        assertThat(Describe.duration(Duration.ofMinutes(130).plusSeconds(59))).isEqualTo("2h 10m");
    }

    @Test
    void sizesInWholeMegabytesAndNoBundleOutsideAFramework() {
        assertThat(Describe.megabytes(3L * 1024 * 1024 + 1)).isEqualTo("3 MB");
        assertThat(Describe.bundleOf("a service loaded by the class path")).isEqualTo("-");
    }
}
