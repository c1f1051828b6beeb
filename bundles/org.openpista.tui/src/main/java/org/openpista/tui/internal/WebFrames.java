package org.openpista.tui.internal;

import com.fasterxml.jackson.databind.JsonNode;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import org.openpista.api.pairing.QrCode;

/**
 * The web chat's frames (server to client) as the TUI's {@link Event}s, for {@link AttachedBackend}.
 * Pure: one frame in, the events it means out; frames the TUI has no use for give none.
 */
final class WebFrames {

    private WebFrames() {}

    /** What one frame means for the screen; {@code session_history} and {@code auth_result} are handled by the caller. */
    static List<Event> events(JsonNode frame) {
        String session = text(frame, "session_id");
        return switch (text(frame, "type")) {
            case "response_delta" -> List.of(new Event.TextDelta(session, text(frame, "content")));
            case "response" -> List.of(new Event.Replied(session, text(frame, "content"), frame.path("is_error").asBoolean()));
            case "message_error" -> List.of(new Event.Replied(session, "the daemon did not take the message: "
                    + text(frame, "error"), true));
            case "progress" -> progress(frame, session);
            // another web client's message has no channel; one from Telegram, Slack... names its own
            case "user_message" -> List.of(new Event.UserMessage(session, text(frame, "content"),
                    text(frame, "channel").isBlank() ? "web" : text(frame, "channel")));
            case "tool_approval_request" -> List.of(new Event.ApprovalAsked(session, text(frame, "call_id"),
                    text(frame, "tool_name"), arguments(frame.path("arguments")), text(frame, "note")));
            case "tool_approval_resolved" -> List.of(new Event.ApprovalResolved(text(frame, "call_id")));
            case "generation_cancelled" -> List.of(new Event.Cancelled(session, frame.path("cancelled").asInt(0)));
            case "sessions_list" -> List.of(new Event.SessionsLoaded(sessions(frame.path("sessions"))));
            case "session_deleted" -> frame.path("deleted").asBoolean() ? List.of(new Event.SessionDeleted(session))
                    : List.of(new Event.Notice("no session " + session, true));
            case "model_changed" -> List.of(new Event.ModelChanged(text(frame, "provider"), text(frame, "model")));
            case "model_list" -> List.of(models(frame));
            case "provider_auth_status" -> List.of(new Event.ProvidersLoaded(providers(frame.path("providers")), ""));
            case "provider_auth_url" -> List.of(new Event.LoginStarted(text(frame, "provider"), text(frame, "auth_url"),
                    text(frame, "user_code"), "code_display".equals(text(frame, "flow_type"))));
            case "provider_auth_completed" -> List.of(new Event.LoginFinished(text(frame, "provider"),
                    frame.path("success").asBoolean(), text(frame, "message")));
            case "pairing_status" -> List.of(pairing(frame));
            case "error" -> List.of(new Event.Notice("the daemon: " + text(frame, "error"), true));
            default -> List.of();
        };
    }

    static String text(JsonNode frame, String field) {
        JsonNode value = frame.path(field);
        return value.isValueNode() && !value.isNull() ? value.asText() : "";
    }

    private static String arguments(JsonNode arguments) {
        return arguments.isTextual() ? arguments.textValue() : arguments.isMissingNode() ? "" : arguments.toString();
    }

    private static List<Event> progress(JsonNode frame, String session) {
        Event.Progress.Kind kind;
        try {
            kind = Event.Progress.Kind.valueOf(text(frame, "kind").toUpperCase(Locale.ROOT));
        } catch (IllegalArgumentException e) {
            return List.of();
        }
        return List.of(new Event.Progress(session, kind, emptyToNull(text(frame, "tool_name")),
                emptyToNull(text(frame, "call_id")), text(frame, "detail")));
    }

    private static String emptyToNull(String text) {
        return text.isEmpty() ? null : text;
    }

    static List<SessionSummary> sessions(JsonNode list) {
        List<SessionSummary> sessions = new ArrayList<>();
        for (JsonNode session : list) {
            Instant updated;
            try {
                updated = Instant.parse(text(session, "updated_at"));
            } catch (DateTimeParseException e) {
                updated = Instant.EPOCH;
            }
            sessions.add(new SessionSummary(text(session, "id"), text(session, "channel_id"), updated,
                    session.path("message_count").asLong(0), text(session, "preview"), ""));
        }
        return sessions;
    }

    /** A stored session's messages as entries, like {@link History#entries} for the store's own records. */
    static List<Entry> history(JsonNode messages) {
        List<Entry> entries = new ArrayList<>();
        for (JsonNode message : messages) {
            String content = text(message, "content");
            switch (text(message, "role")) {
                case "user" -> entries.add(Entry.user(content));
                case "assistant" -> {
                    if (!content.isBlank()) {
                        entries.add(Entry.assistant(content));
                    }
                    for (JsonNode call : message.path("tool_calls")) {
                        entries.add(Entry.toolStarted(text(call, "name"), text(call, "id"),
                                History.abbreviate(arguments(call.path("arguments")))));
                    }
                }
                case "tool" -> History.finish(entries, text(message, "tool_call_id"), message.path("is_error").asBoolean(),
                        content);
                default -> { }
            }
        }
        return entries;
    }

    private static Event models(JsonNode frame) {
        List<Choice> models = new ArrayList<>();
        for (JsonNode model : frame.path("models")) {
            models.add(new Choice(text(model, "model"), text(model, "model"), text(model, "provider"),
                    model.path("recommended").asBoolean()));
        }
        return new Event.ModelsLoaded(models, text(frame, "error"));
    }

    private static List<Choice> providers(JsonNode list) {
        List<Choice> providers = new ArrayList<>();
        for (JsonNode provider : list) {
            String mode = text(provider, "auth_mode");
            String how = switch (mode) {
                case "oauth" -> "browser login";
                case "api_key" -> "API key";
                case "endpoint_and_key" -> "endpoint and key";
                default -> "no login";
            };
            providers.add(new Choice(text(provider, "name"), text(provider, "display_name") + " (" + text(provider, "name")
                    + ", " + how + ")", mode, provider.path("authenticated").asBoolean()));
        }
        return providers;
    }

    private static Event pairing(JsonNode frame) {
        List<String> rows = new ArrayList<>();
        frame.path("qr").path("rows").forEach(row -> rows.add(row.asText()));
        List<String> drawing;
        try {
            drawing = rows.isEmpty() ? List.of() : List.of(new QrCode("", rows).toTerminal().split("\n"));
        } catch (IllegalArgumentException e) {
            drawing = List.of("(the daemon sent a QR code that cannot be drawn: " + e.getMessage() + ")");
        }
        String state = text(frame, "state");
        String detail = text(frame, "detail");
        if ("unavailable".equals(state)) {
            String channel = text(frame, "channel");
            detail = (detail.isBlank() ? "the daemon runs no pairing for " + channel : detail) + ". To pair, enable "
                    + "[channels." + channel + "] (bridge mode for WhatsApp) and restart the daemon (openpista stop, "
                    + "openpista start).";
        }
        if ("connected".equals(state) && !text(frame, "account").isBlank()) {
            detail = "+" + text(frame, "account") + (detail.isBlank() ? "" : " · " + detail);
        }
        return new Event.Pairing(text(frame, "channel"), state.replace('_', ' '), detail, drawing);
    }
}
