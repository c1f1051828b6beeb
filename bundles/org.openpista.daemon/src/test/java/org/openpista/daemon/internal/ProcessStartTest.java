package org.openpista.daemon.internal;

import static org.assertj.core.api.Assertions.assertThat;

import java.lang.management.ManagementFactory;
import java.time.Duration;
import java.time.Instant;
import org.junit.jupiter.api.Test;

class ProcessStartTest {

    @Test
    void theProcessStartIsTheJvmStartWithinTheExecOfJava() {
        Instant jvm = Instant.ofEpochMilli(ManagementFactory.getRuntimeMXBean().getStartTime());

        Instant process = DaemonProcess.processStart();

        // the process table counts from the exec (10 ms ticks), the JVM from its own start: close, never after it
        assertThat(process).isBefore(jvm.plusMillis(20));
        assertThat(Duration.between(process, jvm)).isLessThan(Duration.ofSeconds(2));
    }
}
