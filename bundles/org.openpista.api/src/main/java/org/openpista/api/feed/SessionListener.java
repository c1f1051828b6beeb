package org.openpista.api.feed;

import org.osgi.annotation.versioning.ConsumerType;

/**
 * Hears what happens in every session of this process: register it as a service (a whiteboard; no
 * property is needed) and the agent core calls it for every turn, whatever channel its message
 * came from. The channel that sent the message gets the turn's output through its own {@link
 * org.openpista.api.channel.ReplySink} as always; a listener that is itself a channel skips the
 * events of its own turns ({@link SessionEvent#channel()}) so that nothing is shown twice.
 *
 * <p>Called synchronously on the thread that runs the turn, in order: the {@link
 * SessionEvent.Kind#MESSAGE} first, then any {@link SessionEvent.Kind#TEXT_DELTA}s, the {@link
 * SessionEvent.Kind#ANSWER} last (every turn that started has exactly one). Implementations must
 * return quickly and never block; an exception thrown by a listener is logged and ignored. Events
 * carry the conversation itself: a listener shows it only to those who may see the session.
 */
@ConsumerType
public interface SessionListener {

    /**
     * Something happened in a session.
     *
     * @param event what happened; kinds added later are ignored by listeners that do not know them
     */
    void sessionEvent(SessionEvent event);
}
