package org.openpista.skills.internal;

import java.util.Optional;
import org.openpista.api.sandbox.Sandbox;

/** Finds the sandbox service of a type among those registered right now, for one use. */
@FunctionalInterface
interface SandboxLookup {

    /** A sandbox service held for one run; closing it releases the service. */
    record Lease(Sandbox sandbox, Runnable release) implements AutoCloseable {
        @Override
        public void close() {
            release.run();
        }
    }

    /** @return the sandbox registered with {@code sandbox.type=type}, if any; the caller closes it */
    Optional<Lease> find(String type);
}
