package org.openpista.provider.anthropic.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.openpista.api.chat.ChatMessage;
import org.openpista.api.llm.ChatRequest;
import org.openpista.api.llm.ChatResponse;
import org.openpista.api.llm.ProviderException;
import org.openpista.api.llm.ProviderException.Kind;
import org.openpista.api.llm.ToolSpec;
import org.openpista.provider.support.ServerSentEvents;

/** Event streams the fake does not produce: several text blocks, error events, broken streams. */
class StreamReaderTest {

    private final List<String> deltas = new ArrayList<>();
    private final Failures failures = new Failures("api.anthropic.com", Credentials.apiKey("sk-ant-key"));

    private StreamReader reader() throws ProviderException {
        ChatRequest request = new ChatRequest("", "", List.of(ChatMessage.user("hi")),
                List.of(new ToolSpec("screen.capture", "", null)), 0, null);
        return new StreamReader(MessagesRequest.toolNames(request), deltas::add, failures);
    }

    private static void feed(StreamReader reader, String... events) throws ProviderException {
        ServerSentEvents stream = new ServerSentEvents(reader);
        for (String event : events) {
            for (String line : event.split("\n", -1)) {
                stream.line(line);
            }
            stream.line("");
        }
    }

    private static final String START = "event: message_start\ndata: {\"type\":\"message_start\",\"message\":{\"id\":\"msg_1\","
            + "\"type\":\"message\",\"role\":\"assistant\",\"model\":\"claude-x\",\"content\":[],"
            + "\"usage\":{\"input_tokens\":12,\"cache_read_input_tokens\":30,\"output_tokens\":1}}}";
    private static final String STOP = "event: message_stop\ndata: {\"type\":\"message_stop\"}";

    private static String textStart(int index) {
        return "event: content_block_start\ndata: {\"type\":\"content_block_start\",\"index\":" + index
                + ",\"content_block\":{\"type\":\"text\",\"text\":\"\"}}";
    }

    private static String textDelta(int index, String text) {
        return "event: content_block_delta\ndata: {\"type\":\"content_block_delta\",\"index\":" + index
                + ",\"delta\":{\"type\":\"text_delta\",\"text\":\"" + text + "\"}}";
    }

    private static String blockStop(int index) {
        return "event: content_block_stop\ndata: {\"type\":\"content_block_stop\",\"index\":" + index + "}";
    }

    private static String messageDelta(String reason, int outputTokens) {
        return "event: message_delta\ndata: {\"type\":\"message_delta\",\"delta\":{\"stop_reason\":\"" + reason
                + "\",\"stop_sequence\":null},\"usage\":{\"output_tokens\":" + outputTokens + "}}";
    }

    @Test
    void joinsTextBlocksWithANewlineAlsoInTheDeltas() throws Exception {
        StreamReader reader = reader();

        feed(reader, START, ": a comment", "event: ping\ndata: {\"type\": \"ping\"}",
                textStart(0), textDelta(0, "Let me "), textDelta(0, "look."), blockStop(0),
                "event: content_block_start\ndata: {\"type\":\"content_block_start\",\"index\":1,"
                        + "\"content_block\":{\"type\":\"thinking\",\"thinking\":\"\"}}",
                "event: content_block_delta\ndata: {\"type\":\"content_block_delta\",\"index\":1,"
                        + "\"delta\":{\"type\":\"thinking_delta\",\"thinking\":\"hmm\"}}",
                blockStop(1),
                textStart(2), textDelta(2, "Done."), blockStop(2),
                "event: brand_new_event\ndata: {\"type\":\"brand_new_event\"}",
                messageDelta("end_turn", 9), STOP);

        ChatResponse response = reader.response();
        assertThat(response.text()).isEqualTo("Let me look.\nDone.");
        assertThat(deltas).containsExactly("Let me ", "look.", "\n", "Done.");
        assertThat(response.model()).isEqualTo("claude-x");
        assertThat(response.stopReason()).isEqualTo("end_turn");
        assertThat(response.usage().inputTokens()).isEqualTo(42);
        assertThat(response.usage().outputTokens()).isEqualTo(9);
    }

    @Test
    void assemblesToolInputFromPartialJsonAndMapsTheNameBack() throws Exception {
        StreamReader reader = reader();

        feed(reader, START,
                "event: content_block_start\ndata: {\"type\":\"content_block_start\",\"index\":0,\"content_block\":"
                        + "{\"type\":\"tool_use\",\"id\":\"toolu_9\",\"name\":\"screen_capture\",\"input\":{}}}",
                "event: content_block_delta\ndata: {\"type\":\"content_block_delta\",\"index\":0,\"delta\":"
                        + "{\"type\":\"input_json_delta\",\"partial_json\":\"\"}}",
                "event: content_block_delta\ndata: {\"type\":\"content_block_delta\",\"index\":0,\"delta\":"
                        + "{\"type\":\"input_json_delta\",\"partial_json\":\"{\\\"region\\\": \\\"fu\"}}",
                "event: content_block_delta\ndata: {\"type\":\"content_block_delta\",\"index\":0,\"delta\":"
                        + "{\"type\":\"input_json_delta\",\"partial_json\":\"ll\\\"}\"}}",
                blockStop(0),
                "event: content_block_start\ndata: {\"type\":\"content_block_start\",\"index\":1,\"content_block\":"
                        + "{\"type\":\"tool_use\",\"id\":\"toolu_10\",\"name\":\"unknown_tool\",\"input\":{}}}",
                blockStop(1),
                messageDelta("tool_use", 20), STOP);

        ChatResponse response = reader.response();
        assertThat(response.toolCalls()).hasSize(2);
        assertThat(response.toolCalls().get(0).id()).isEqualTo("toolu_9");
        assertThat(response.toolCalls().get(0).name()).isEqualTo("screen.capture");
        assertThat(response.toolCalls().get(0).arguments()).isEqualTo("{\"region\":\"full\"}");
        assertThat(response.toolCalls().get(1).name()).isEqualTo("unknown_tool");
        assertThat(response.toolCalls().get(1).arguments()).isEqualTo("{}");
        assertThat(deltas).isEmpty();
    }

    @Test
    void readsDataSpreadOverSeveralLinesAndFieldsWithoutSpace() throws Exception {
        StreamReader reader = reader();

        feed(reader, START, textStart(0),
                "event:content_block_delta\ndata:{\"type\":\"content_block_delta\",\"index\":0,\n"
                        + "data: \"delta\":{\"type\":\"text_delta\",\"text\":\"hi\"}}",
                blockStop(0), messageDelta("end_turn", 1), STOP);

        assertThat(reader.response().text()).isEqualTo("hi");
    }

    @Test
    void turnsAnOverloadErrorEventIntoARetryableServerFailure() throws Exception {
        StreamReader reader = reader();
        feed(reader, START);

        ProviderException e = catchThrowableOfType(ProviderException.class, () -> feed(reader,
                "event: error\ndata: {\"type\": \"error\", \"error\": {\"type\": \"overloaded_error\", \"message\": \"Overloaded\"}}"));

        assertThat(e.kind()).isEqualTo(Kind.SERVER);
        assertThat(e.isRetryable()).isTrue();
        assertThat(e.httpStatus()).isEqualTo(529);
        assertThat(e.getMessage()).isEqualTo("overloaded_error in the answer stream from api.anthropic.com: Overloaded");
        assertThat(reader.forwardedText()).isFalse();
    }

    @Test
    void remembersThatTextWasForwarded() throws Exception {
        StreamReader reader = reader();

        feed(reader, START, textStart(0), textDelta(0, "partial"));

        assertThat(reader.forwardedText()).isTrue();
        assertThat(reader.finished()).isFalse();
    }

    @Test
    void refusesAStreamThatEndsBeforeMessageStop() throws Exception {
        StreamReader reader = reader();
        feed(reader, START, textStart(0), textDelta(0, "cut"));

        ProviderException e = catchThrowableOfType(ProviderException.class, reader::response);

        assertThat(e.kind()).isEqualTo(Kind.MALFORMED_RESPONSE);
        assertThat(e.getMessage()).isEqualTo("malformed answer from api.anthropic.com: the event stream ended before message_stop");
    }

    @Test
    void refusesBrokenToolInputAndEventsThatAreNotJson() throws Exception {
        StreamReader reader = reader();
        feed(reader, START,
                "event: content_block_start\ndata: {\"type\":\"content_block_start\",\"index\":0,\"content_block\":"
                        + "{\"type\":\"tool_use\",\"id\":\"toolu_9\",\"name\":\"screen_capture\",\"input\":{}}}",
                "event: content_block_delta\ndata: {\"type\":\"content_block_delta\",\"index\":0,\"delta\":"
                        + "{\"type\":\"input_json_delta\",\"partial_json\":\"{\\\"region\"}}");

        ProviderException broken = catchThrowableOfType(ProviderException.class, () -> feed(reader, blockStop(0)));
        assertThat(broken.kind()).isEqualTo(Kind.MALFORMED_RESPONSE);
        assertThat(broken.getMessage()).contains("tool_use toolu_9");

        ProviderException notJson = catchThrowableOfType(ProviderException.class, () -> feed(reader(), "data: <html>"));
        assertThat(notJson.kind()).isEqualTo(Kind.MALFORMED_RESPONSE);
    }
}
