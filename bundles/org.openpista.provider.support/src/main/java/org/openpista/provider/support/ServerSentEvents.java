package org.openpista.provider.support;

import org.openpista.api.llm.ProviderException;
import org.osgi.annotation.versioning.ConsumerType;

/**
 * Reads the {@code text/event-stream} format line by line and hands each complete event to a
 * handler: {@code event:} names it, {@code data:} lines make its data (joined with {@code \n}), a
 * blank line ends it, lines starting with {@code :} are comments, other fields are ignored. An event
 * without data is dropped. Not thread-safe: one instance reads one stream.
 */
public final class ServerSentEvents {

    /** Takes the events of a stream. */
    @ConsumerType
    @FunctionalInterface
    public interface Handler {
        /**
         * @param name the event's {@code event:} field, empty when it had none
         * @param data the event's data
         * @throws ProviderException when the event breaks the protocol or reports a failure
         */
        void event(String name, String data) throws ProviderException;
    }

    private final Handler handler;
    private final StringBuilder data = new StringBuilder();
    private String name = "";

    /** @param handler takes every complete event */
    public ServerSentEvents(Handler handler) {
        this.handler = handler;
    }

    /**
     * Takes the next line of the stream, without its terminator.
     *
     * @throws ProviderException what the handler threw for the event this line completed
     */
    public void line(String line) throws ProviderException {
        if (line.isEmpty()) {
            dispatch();
            return;
        }
        if (line.startsWith(":")) {
            return;
        }
        int colon = line.indexOf(':');
        String field = colon < 0 ? line : line.substring(0, colon);
        String value = colon < 0 ? "" : line.substring(colon + 1);
        if (value.startsWith(" ")) {
            value = value.substring(1);
        }
        if (field.equals("event")) {
            name = value;
        } else if (field.equals("data")) {
            if (data.length() > 0) {
                data.append('\n');
            }
            data.append(value);
        }
    }

    /**
     * Handles an event the stream ended without its terminating blank line.
     *
     * @throws ProviderException what the handler threw for it
     */
    public void end() throws ProviderException {
        dispatch();
    }

    private void dispatch() throws ProviderException {
        if (data.length() == 0) {
            name = "";
            return;
        }
        String payload = data.toString();
        String event = name;
        data.setLength(0);
        name = "";
        handler.event(event, payload);
    }
}
