package org.openpista.api.auth;

import java.net.URI;
import java.util.concurrent.CompletionStage;
import org.osgi.annotation.versioning.ProviderType;

/**
 * One login in progress. Show {@link #url()} to the user (and {@link #userCode()} for a device
 * code); then wait for {@link #result()}. A flow that gets no answer ends by itself after a
 * timeout, with a failed result; its loopback server, if any, is closed then, after the first
 * callback, or on {@link #cancel()}.
 */
@ProviderType
public interface LoginFlow {

    /** @return the login's name, for example {@code openai} */
    String provider();

    /** @return how the user takes part */
    FlowType type();

    /** @return the page the user opens: the vendor's authorization or device page */
    URI url();

    /** @return the code the user enters on the device page; empty for other flows */
    String userCode();

    /**
     * Hands over the code the vendor showed ({@link FlowType#CODE_DISPLAY}); the flow then
     * exchanges it and completes. Surrounding blanks and a {@code #state} suffix as vendors show it
     * are handled.
     *
     * @param code the pasted code
     * @throws IllegalStateException for other flow types, or when the flow has ended
     */
    void submitCode(String code);

    /** @return completes once the login ended, successfully or not; never completes exceptionally */
    CompletionStage<LoginResult> result();

    /** Abandons the flow; its result completes as failed if it had not ended yet. */
    void cancel();
}
