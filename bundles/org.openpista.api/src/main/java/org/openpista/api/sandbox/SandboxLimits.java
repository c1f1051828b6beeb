package org.openpista.api.sandbox;

import java.time.Duration;
import java.util.Objects;

/**
 * Hard limits of one sandboxed run.
 *
 * @param timeout wall-clock limit; on expiry everything the run started is killed
 * @param memoryBytes memory limit
 * @param maxProcesses process limit (containers), ignored where not enforceable
 * @param network whether the run may use the network
 * @param outputLimitChars stdout and stderr are each cut beyond this many characters
 */
public record SandboxLimits(
        Duration timeout, long memoryBytes, int maxProcesses, boolean network, int outputLimitChars) {

    public SandboxLimits {
        Objects.requireNonNull(timeout, "timeout");
    }

    /** @return 30 s, 256 MB, 64 processes, no network, 10,000 characters of output */
    public static SandboxLimits defaults() {
        return new SandboxLimits(Duration.ofSeconds(30), 256L * 1024 * 1024, 64, false, 10_000);
    }

    /** @return a copy with another timeout */
    public SandboxLimits withTimeout(Duration newTimeout) {
        return new SandboxLimits(newTimeout, memoryBytes, maxProcesses, network, outputLimitChars);
    }
}
