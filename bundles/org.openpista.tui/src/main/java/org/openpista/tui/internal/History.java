package org.openpista.tui.internal;

import java.util.ArrayList;
import java.util.List;
import org.openpista.api.chat.ChatMessage;
import org.openpista.api.chat.ToolCall;
import org.openpista.api.memory.SessionInfo;

/** Stored messages and sessions as the screens show them. */
final class History {

    private History() {}

    /** @return the entries of a stored conversation: messages, answers, and a line per tool call with its result */
    static List<Entry> entries(List<ChatMessage> messages) {
        List<Entry> entries = new ArrayList<>();
        for (ChatMessage message : messages) {
            switch (message.role()) {
                case USER -> entries.add(Entry.user(message.content()));
                case ASSISTANT -> {
                    if (!message.content().isBlank()) {
                        entries.add(Entry.assistant(message.content()));
                    }
                    for (ToolCall call : message.toolCalls()) {
                        entries.add(Entry.toolStarted(call.name(), call.id(), abbreviate(call.arguments())));
                    }
                }
                case TOOL -> finish(entries, message.toolCallId(), message.error(), message.content());
                default -> { }
            }
        }
        return entries;
    }

    /** Marks the line of a tool call as ended with its result. */
    static void finish(List<Entry> entries, String callId, boolean failed, String result) {
        for (int i = entries.size() - 1; i >= 0; i--) {
            Entry entry = entries.get(i);
            if (entry.kind() == Entry.Kind.TOOL_RUNNING && entry.callId().equals(callId)) {
                entries.set(i, entry.finished(failed, result));
                return;
            }
        }
    }

    static String abbreviate(String text) {
        String flat = text == null ? "" : text.replaceAll("\\s+", " ").strip();
        return flat.length() > 200 ? flat.substring(0, 200) + "…" : flat;
    }

    static SessionSummary summary(SessionInfo info) {
        return new SessionSummary(info.id(), info.channel(), info.updatedAt(), info.messageCount(), info.preview(), "");
    }
}
