package org.openpista.tui.internal;

import java.util.function.Consumer;
import org.openpista.api.approval.ApprovalDecision;

/**
 * Where the agent is: in this process ({@link LocalBackend}); a backend attached to the running
 * daemon would be a second implementation. Every method returns at once; answers and everything the agent does come back as
 * {@link Event}s to the consumer given to {@link #start}.
 */
interface Backend extends AutoCloseable {

    /**
     * Connects; reports {@link Event.Connected}, the sessions, and the session to show first.
     *
     * @param sessionId the session to show first, or {@code null} for the Home screen
     */
    void start(Consumer<Event> events, String sessionId);

    void send(String sessionId, String text);

    void cancel(String sessionId);

    void answer(String sessionId, String callId, ApprovalDecision decision);

    void sessions();

    void open(String sessionId);

    void delete(String sessionId);

    void models();

    void selectModel(String provider, String model);

    void providers();

    void saveKey(String provider, String key, String endpoint);

    void startLogin(String provider);

    void submitCode(String provider, String code);

    void cancelLogin(String provider);

    /** Follows a channel's pairing ({@link Event.Pairing}), or stops following it. */
    void pairing(String channel, boolean watch);

    /** Disconnects; turns that run in this process are cancelled, questions refused. */
    @Override
    void close();
}
