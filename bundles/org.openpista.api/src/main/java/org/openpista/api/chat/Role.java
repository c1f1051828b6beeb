package org.openpista.api.chat;

import java.util.Locale;

/** Who said a message. The wire name is the lower-case constant name. */
public enum Role {
    /** Instructions for the model, not shown to the user. */
    SYSTEM,
    /** The owner (or another human allowed on a channel). */
    USER,
    /** The model; may carry tool calls. */
    ASSISTANT,
    /** The result of one tool call, answering {@link ChatMessage#toolCallId()}. */
    TOOL;

    /** @return the lower-case name used in storage and on the web protocol */
    public String wireName() {
        return name().toLowerCase(Locale.ROOT);
    }

    /**
     * @param name a wire name, case-insensitive
     * @return the role
     * @throws IllegalArgumentException for an unknown name
     */
    public static Role fromWireName(String name) {
        return valueOf(name.toUpperCase(Locale.ROOT));
    }
}
