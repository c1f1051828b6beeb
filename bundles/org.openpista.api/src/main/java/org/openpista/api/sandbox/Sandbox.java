package org.openpista.api.sandbox;

import org.osgi.annotation.versioning.ConsumerType;

/**
 * Runs untrusted code with hard limits. Registered with the property {@value #TYPE}: {@code
 * subprocess}, {@code docker} or {@code wasm}. Whatever a run starts is gone when {@link
 * #run(SandboxRequest)} returns, also on timeout, failure or cancellation.
 */
@ConsumerType
public interface Sandbox {

    /** Service property: the sandbox type. */
    String TYPE = "sandbox.type";

    /** @return the sandbox type, equal to the {@value #TYPE} property */
    String type();

    /**
     * @param request what to run
     * @return what it produced
     * @throws SandboxException when it could not run at all
     * @throws InterruptedException when the calling turn was cancelled
     */
    SandboxResult run(SandboxRequest request) throws SandboxException, InterruptedException;
}
