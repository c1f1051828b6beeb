package org.openpista.skills.internal;

import java.time.Duration;
import java.util.Optional;
import java.util.function.BooleanSupplier;
import org.openpista.api.sandbox.Sandbox;

/** Finds the sandbox service of a type among those registered right now, for one use. */
@FunctionalInterface
interface SandboxLookup {

    /**
     * A sandbox service held for one run; closing it releases the service.
     *
     * @param withdrawn whether the service has been unregistered since it was leased (its bundle
     *     stopped: updated, rolled back or removed), so that what it returned may be the swap's doing
     */
    record Lease(Sandbox sandbox, Runnable release, BooleanSupplier withdrawn) implements AutoCloseable {
        /** A lease of a service that stays. */
        Lease(Sandbox sandbox, Runnable release) {
            this(sandbox, release, () -> false);
        }

        @Override
        public void close() {
            release.run();
        }
    }

    /** @return the sandbox registered with {@code sandbox.type=type}, if any; the caller closes it */
    Optional<Lease> find(String type);

    /**
     * Waits for a sandbox of the type, for a run again after its bundle was swapped under a run.
     *
     * @return the sandbox once one is registered, empty when none came within the time
     */
    default Optional<Lease> await(String type, Duration wait) throws InterruptedException {
        long deadline = System.nanoTime() + wait.toNanos();
        while (true) {
            Optional<Lease> found = find(type);
            if (found.isPresent() || System.nanoTime() > deadline) {
                return found;
            }
            Thread.sleep(100);
        }
    }
}
