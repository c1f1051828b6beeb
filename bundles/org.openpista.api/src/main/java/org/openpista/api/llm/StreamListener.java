package org.openpista.api.llm;

/**
 * Receives an answer while it is generated. Providers that do not stream call {@link
 * #onTextDelta(String)} once with the whole text, or not at all.
 */
@FunctionalInterface
public interface StreamListener {

    /** A listener that ignores everything. */
    StreamListener IGNORE = delta -> {};

    /**
     * Called with the next piece of answer text, in order, from the thread running the request.
     *
     * @param delta the new text, never empty
     */
    void onTextDelta(String delta);
}
