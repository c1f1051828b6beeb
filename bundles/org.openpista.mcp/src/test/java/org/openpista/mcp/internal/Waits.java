package org.openpista.mcp.internal;

import java.time.Duration;
import java.time.Instant;
import java.util.function.BooleanSupplier;
import java.util.function.Supplier;

/** Waits for a condition that other threads bring about; fails with what was seen last. */
final class Waits {

    private Waits() {}

    static void until(String what, BooleanSupplier condition, Supplier<?> seen) throws InterruptedException {
        Instant deadline = Instant.now().plus(Duration.ofSeconds(60));
        while (!condition.getAsBoolean()) {
            if (Instant.now().isAfter(deadline)) {
                throw new AssertionError("waited 60 s for " + what + "; last seen: " + seen.get());
            }
            Thread.sleep(25);
        }
    }
}
