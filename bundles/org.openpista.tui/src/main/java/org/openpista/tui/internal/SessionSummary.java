package org.openpista.tui.internal;

import java.time.Instant;

/**
 * A session in the sidebar and on the Home screen.
 *
 * @param id the session id
 * @param channel the channel that started it
 * @param updatedAt when its last message was stored
 * @param messages how many messages it holds
 * @param preview the start of its latest message
 * @param title the name the user gave it here, or empty
 */
record SessionSummary(String id, String channel, Instant updatedAt, long messages, String preview, String title) {

    SessionSummary {
        preview = preview == null ? "" : preview;
        title = title == null ? "" : title;
        channel = channel == null ? "" : channel;
    }

    /** @return what lists show for it: its name, else the start of its latest message, else its id */
    String label() {
        return !title.isBlank() ? title : !preview.isBlank() ? preview : id;
    }

    SessionSummary titled(String name) {
        return new SessionSummary(id, channel, updatedAt, messages, preview, name);
    }
}
