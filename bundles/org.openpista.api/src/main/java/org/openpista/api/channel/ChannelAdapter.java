package org.openpista.api.channel;

import java.util.List;
import org.osgi.annotation.versioning.ConsumerType;

/**
 * A connection to one messenger. Adapters are components started and stopped by their
 * configuration; they receive the {@link AgentGateway} as a service and register themselves with
 * the property {@value #CHANNEL} so the runtime can list them and deliver scheduled answers.
 */
@ConsumerType
public interface ChannelAdapter {

    /** Service property: the channel id, for example {@code web} or {@code telegram}. */
    String CHANNEL = "channel.id";

    /** @return the channel id */
    String id();

    /** @return a one-line state for status tables, for example {@code listening on 127.0.0.1:3210} */
    String status();

    /**
     * Sends a message that nobody asked for, such as a scheduled job's answer.
     *
     * @param target the conversation to send to, in the channel's own terms (chat id, phone number,
     *     client id)
     * @param text the message
     * @throws Exception when it cannot be delivered
     */
    void deliver(String target, String text) throws Exception;

    /**
     * Lines for the owner's terminal once the channel runs, such as where the web chat answers
     * with its token. They may hold secrets: the launcher prints them on the terminal of {@code
     * openpista start} and never into a log.
     *
     * @return the lines, empty when there is nothing to say (the default)
     * @see #hasReadyLines()
     */
    default List<String> readyLines() {
        return List.of();
    }

    /**
     * Whether this channel has {@link #readyLines() ready lines}, which it may know only once it
     * settled (Slack and Discord name their bot once connected). Before {@code openpista start}
     * prints that the daemon is ready, it waits for such channels while their {@link #status()}
     * begins with {@code starting} or {@code connecting}, all of them within one limit, then prints
     * their lines. A channel without ready lines is not waited for: Telegram checking its token, or
     * WhatsApp's bridge starting, must not delay the daemon's ready line: what its {@link
     * #readyLines()} says at once is printed without a wait. A channel whose lines come once it
     * settled overrides this too.
     *
     * @return {@code false} (the default): this channel's ready lines are always empty
     * @since 1.2
     */
    default boolean hasReadyLines() {
        return false;
    }
}
