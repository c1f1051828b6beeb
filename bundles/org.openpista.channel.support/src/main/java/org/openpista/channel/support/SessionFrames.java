package org.openpista.channel.support;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.List;
import org.openpista.api.memory.SessionInfo;

/** The parts of frames about sessions that the web chat's and the mobile protocol have in common. */
public final class SessionFrames {

    private SessionFrames() {}

    /** @return an RFC 3339 time in UTC to the millisecond, null for null */
    public static String time(Instant instant) {
        return instant == null ? null : instant.truncatedTo(ChronoUnit.MILLIS).toString();
    }

    /**
     * Fills a {@code sessions_list} frame.
     *
     * @param frame the frame, its {@code type} set
     * @return the frame with its {@code sessions}: id, channel, last update, preview and message count of each
     */
    public static ObjectNode sessionsList(ObjectNode frame, List<SessionInfo> sessions) {
        ArrayNode list = frame.putArray("sessions");
        for (SessionInfo session : sessions) {
            list.addObject()
                    .put("id", session.id())
                    .put("channel_id", session.channel())
                    .put("updated_at", time(session.updatedAt()))
                    .put("preview", session.preview() == null ? "" : session.preview())
                    .put("message_count", session.messageCount());
        }
        return frame;
    }
}
