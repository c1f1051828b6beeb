package org.openpista.api.sandbox;

import org.osgi.annotation.versioning.ConsumerType;

/**
 * Implemented by a {@link Sandbox} that can say how strongly it isolates what it runs on this
 * machine right now, so the owner sees the truth (for example in {@code skills list}) rather than
 * the sandbox's name: {@code bubblewrap} or {@code host (no isolation)} for the subprocess sandbox,
 * {@code docker}, {@code wasm (wasmtime)} or {@code wasm (chicory)}.
 *
 * @since 1.3.0
 */
@ConsumerType
public interface SandboxIsolation {

    /**
     * May look at the machine (probe a tool, ping a daemon, load an engine), so callers ask when a
     * person wants to know, not on every run.
     *
     * @return a short description of the isolation a run gets now
     * @throws SandboxUnavailableException when the sandbox could not run anything now, with the reason
     */
    String isolation() throws SandboxUnavailableException;
}
