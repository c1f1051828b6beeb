package org.openpista.api.chat;

import java.time.Instant;
import java.util.List;
import java.util.Objects;

/**
 * One message of a conversation, as stored in memory and sent to providers.
 *
 * @param role who said it
 * @param content the text; empty (never {@code null}) for an assistant message that only calls
 *     tools
 * @param toolCalls tool calls of an assistant message, empty otherwise
 * @param toolCallId for a {@link Role#TOOL} message: the id of the call it answers, else {@code
 *     null}
 * @param toolName for a {@link Role#TOOL} message: the name of the tool that produced it, else
 *     {@code null}
 * @param error for a {@link Role#TOOL} message: whether the tool failed
 * @param attachments binary content shown to the user beside the text
 * @param providerData opaque provider-specific state that must be sent back with this message on
 *     later requests (for example encrypted reasoning items), or {@code null}
 * @param createdAt when the message was said
 */
public record ChatMessage(
        Role role,
        String content,
        List<ToolCall> toolCalls,
        String toolCallId,
        String toolName,
        boolean error,
        List<Attachment> attachments,
        String providerData,
        Instant createdAt) {

    public ChatMessage {
        Objects.requireNonNull(role, "role");
        content = content == null ? "" : content;
        toolCalls = toolCalls == null ? List.of() : List.copyOf(toolCalls);
        attachments = attachments == null ? List.of() : List.copyOf(attachments);
        createdAt = createdAt == null ? Instant.now() : createdAt;
        if (role == Role.TOOL) {
            Objects.requireNonNull(toolCallId, "a tool message needs the id of the call it answers");
        }
        if (role != Role.ASSISTANT && !toolCalls.isEmpty()) {
            throw new IllegalArgumentException("only assistant messages carry tool calls");
        }
    }

    /** @return a system message */
    public static ChatMessage system(String text) {
        return new ChatMessage(Role.SYSTEM, text, List.of(), null, null, false, List.of(), null, null);
    }

    /** @return a user message */
    public static ChatMessage user(String text) {
        return new ChatMessage(Role.USER, text, List.of(), null, null, false, List.of(), null, null);
    }

    /** @return a plain assistant answer */
    public static ChatMessage assistant(String text) {
        return new ChatMessage(Role.ASSISTANT, text, List.of(), null, null, false, List.of(), null, null);
    }

    /** @return an assistant message that calls tools, with optional accompanying text */
    public static ChatMessage assistant(String text, List<ToolCall> calls) {
        return new ChatMessage(Role.ASSISTANT, text, calls, null, null, false, List.of(), null, null);
    }

    /** @return the result of one tool call */
    public static ChatMessage toolResult(ToolCall call, String content, boolean error) {
        return new ChatMessage(Role.TOOL, content, List.of(), call.id(), call.name(), error, List.of(), null, null);
    }

    /** @return a copy with the given attachments */
    public ChatMessage withAttachments(List<Attachment> newAttachments) {
        return new ChatMessage(role, content, toolCalls, toolCallId, toolName, error, newAttachments, providerData, createdAt);
    }

    /** @return a copy with the given provider data */
    public ChatMessage withProviderData(String data) {
        return new ChatMessage(role, content, toolCalls, toolCallId, toolName, error, attachments, data, createdAt);
    }

    /** @return a copy with the given timestamp */
    public ChatMessage withCreatedAt(Instant time) {
        return new ChatMessage(role, content, toolCalls, toolCallId, toolName, error, attachments, providerData, time);
    }

    /** @return whether this is an assistant message that calls at least one tool */
    public boolean hasToolCalls() {
        return !toolCalls.isEmpty();
    }
}
