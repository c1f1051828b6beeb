package org.openpista.provider.support;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.openpista.api.llm.ProviderException;
import org.openpista.api.llm.ProviderException.Kind;

class ServerSentEventsTest {

    private final List<String> events = new ArrayList<>();
    private final ServerSentEvents stream = new ServerSentEvents((name, data) -> events.add(name + "=" + data));

    private void lines(String... lines) throws ProviderException {
        for (String line : lines) {
            stream.line(line);
        }
    }

    @Test
    void handsOverNamedEventsWhenABlankLineEndsThem() throws ProviderException {
        lines("event: message_start", "data: {\"a\":1}", "", "data:{\"b\":2}", "");

        assertThat(events).containsExactly("message_start={\"a\":1}", "={\"b\":2}");
    }

    @Test
    void joinsDataLinesAndSkipsCommentsAndOtherFields() throws ProviderException {
        lines(": keep-alive", "id: 7", "retry: 1000", "event: delta", "data: first", "data:  second", "", "");

        assertThat(events).containsExactly("delta=first\n second");
    }

    @Test
    void dropsEventsWithoutDataAndForgetsTheirName() throws ProviderException {
        lines("event: ping", "", "data: x", "");

        assertThat(events).containsExactly("=x");
    }

    @Test
    void handsOverTheLastEventWhenTheStreamEndsWithoutABlankLine() throws ProviderException {
        lines("event: done", "data: [DONE]");
        assertThat(events).isEmpty();

        stream.end();

        assertThat(events).containsExactly("done=[DONE]");
    }

    @Test
    void passesTheHandlersFailureOn() {
        ServerSentEvents failing = new ServerSentEvents((name, data) -> {
            throw new ProviderException(Kind.SERVER, "overloaded");
        });

        ProviderException e = catchThrowableOfType(ProviderException.class, () -> {
            failing.line("data: {}");
            failing.line("");
        });

        assertThat(e.getMessage()).isEqualTo("overloaded");
    }
}
