package org.openpista.channel.web.internal;

import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.List;
import org.openpista.api.feed.SessionEvent;

/**
 * Turns that came from other channels (Telegram, Slack, the terminal, a scheduled job), shown live
 * to the connections of their session with the frames a web turn uses: {@code user_message} (with
 * the {@code channel} it came from), {@code response_delta} and {@code response}. The web's own
 * turns are left out: {@link WebTurn} shows them already, to every connection of the session.
 */
final class OtherChannels {

    private final Clients clients;

    OtherChannels(Clients clients) {
        this.clients = clients;
    }

    /** Something happened in a session: sent to the connections that show it, unless it is the web's own turn. */
    void heard(SessionEvent event) {
        if (ChatHub.CHANNEL.equals(event.channel())) {
            return;
        }
        String sessionId = event.sessionId();
        ObjectNode frame = switch (event.kind()) {
            case MESSAGE -> Frames.frame("user_message").put("session_id", sessionId).put("content", event.text())
                    .put("channel", event.channel());
            case TEXT_DELTA -> Frames.frame("response_delta").put("session_id", sessionId).put("content", event.text());
            case ANSWER -> Frames.frame("response").put("content", event.text()).put("is_error", event.error())
                    .put("session_id", sessionId);
        };
        if (event.kind() != SessionEvent.Kind.TEXT_DELTA) {
            Frames.attachments(frame, event.attachments());
        }
        if (event.kind() == SessionEvent.Kind.TEXT_DELTA) {
            clients.stream(sessionId, frame);
        } else {
            clients.broadcast(sessionId, frame);
        }
    }

    /**
     * Loads every class {@link #heard} needs while this bundle's class loader still can: a turn that
     * started before the bundle was updated still tells this version of the chat.
     */
    void rehearse() {
        String nobody = "\u0000rehearsal";
        for (SessionEvent.Kind kind : SessionEvent.Kind.values()) {
            heard(new SessionEvent(kind, nobody, "rehearsal", "", "", false, List.of()));
        }
    }
}
