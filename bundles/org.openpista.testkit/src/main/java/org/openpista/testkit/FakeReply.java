package org.openpista.testkit;

import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * One scripted answer of a fake LLM server: text, tool calls, an HTTP error or a malformed body,
 * optionally after a delay. Fake servers render it in their own wire format, streamed (SSE) when
 * the request asked for a stream.
 */
public final class FakeReply {

    /** What the reply is. */
    public enum Kind {
        /** A plain text answer. */
        TEXT,
        /** Tool calls, optionally with text. */
        TOOL_CALLS,
        /** An HTTP error status with a vendor-style error body. */
        ERROR,
        /** A 200 response whose body is not what the protocol promises. */
        MALFORMED
    }

    /**
     * A tool call in a scripted reply.
     *
     * @param name the tool's name as openpista registers it ({@code system.run}); the fake answers
     *     with the wire name the request offered for it
     * @param arguments the arguments as JSON object text
     */
    public record Call(String name, String arguments) {}

    private final Kind kind;
    private final String text;
    private final List<Call> calls;
    private final int status;
    private final String body;
    private final Map<String, String> headers;
    private final Duration delay;

    private FakeReply(
            Kind kind, String text, List<Call> calls, int status, String body, Map<String, String> headers, Duration delay) {
        this.kind = kind;
        this.text = text;
        this.calls = List.copyOf(calls);
        this.status = status;
        this.body = body;
        this.headers = Map.copyOf(headers);
        this.delay = delay;
    }

    /** @return a text answer */
    public static FakeReply text(String text) {
        return new FakeReply(Kind.TEXT, text, List.of(), 200, null, Map.of(), Duration.ZERO);
    }

    /** @return an answer calling one tool */
    public static FakeReply toolCall(String toolName, String argumentsJson) {
        return new FakeReply(
                Kind.TOOL_CALLS, "", List.of(new Call(toolName, argumentsJson)), 200, null, Map.of(), Duration.ZERO);
    }

    /** @return an answer calling several tools at once, with accompanying text (may be empty) */
    public static FakeReply toolCalls(String text, List<Call> calls) {
        return new FakeReply(Kind.TOOL_CALLS, text, calls, 200, null, Map.of(), Duration.ZERO);
    }

    /** @return an HTTP error with a vendor-style error body carrying the message */
    public static FakeReply error(int status, String message) {
        return new FakeReply(Kind.ERROR, message, List.of(), status, null, Map.of(), Duration.ZERO);
    }

    /** @return a 200 answer with this raw body, which breaks the protocol */
    public static FakeReply malformed(String rawBody) {
        return new FakeReply(Kind.MALFORMED, "", List.of(), 200, rawBody, Map.of(), Duration.ZERO);
    }

    /** @return a copy answered only after the delay */
    public FakeReply delayed(Duration wait) {
        return new FakeReply(kind, text, calls, status, body, headers, wait);
    }

    /** @return a copy with an extra response header, such as {@code retry-after} */
    public FakeReply withHeader(String name, String value) {
        Map<String, String> more = new LinkedHashMap<>(headers);
        more.put(name, value);
        return new FakeReply(kind, text, calls, status, body, more, delay);
    }

    /** @return a copy that also calls another tool */
    public FakeReply andToolCall(String toolName, String argumentsJson) {
        List<Call> more = new ArrayList<>(calls);
        more.add(new Call(toolName, argumentsJson));
        return new FakeReply(Kind.TOOL_CALLS, text, more, status, body, headers, delay);
    }

    public Kind kind() {
        return kind;
    }

    /** @return the answer text, or the error message for {@link Kind#ERROR} */
    public String text() {
        return text;
    }

    public List<Call> calls() {
        return calls;
    }

    public int status() {
        return status;
    }

    /** @return the raw body of a {@link Kind#MALFORMED} reply */
    public String body() {
        return body;
    }

    public Map<String, String> headers() {
        return headers;
    }

    public Duration delay() {
        return delay;
    }

    @Override
    public String toString() {
        return "FakeReply[" + kind + ", text=" + text + ", calls=" + calls + ", status=" + status + "]";
    }
}
