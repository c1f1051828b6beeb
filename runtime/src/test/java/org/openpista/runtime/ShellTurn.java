package org.openpista.runtime;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.List;
import org.openpista.testkit.FakeOpenAiServer;
import org.openpista.testkit.FakeReply;

/**
 * The turn the tests of a distribution on another Java runtime run with {@code run -e} (a newer JDK,
 * the release archive's own): the model has the shell work out six times seven through {@code
 * system.run}, approved automatically, and answers with what the shell said. Its {@link #writeConfig}
 * is the agent on the fake LLM that several runtime ITs start from.
 */
final class ShellTurn {

    /** What the user asks. */
    static final String PROMPT = "six times seven?";

    /** What {@code run -e} prints. */
    static final String ANSWER = "The shell said 42.\n";

    private ShellTurn() {}

    /**
     * Writes a {@code config.toml} only its owner may read: the agent on the fake LLM, tool calls
     * approved automatically.
     */
    static void writeConfig(Path home, FakeOpenAiServer llm) throws IOException {
        writeConfig(home, llm, "");
    }

    /**
     * Writes a {@code config.toml} only its owner may read: the agent on the fake LLM, tool calls
     * approved automatically, then the sections given ({@code [channels.web]}, say).
     */
    static void writeConfig(Path home, FakeOpenAiServer llm, String sections) throws IOException {
        Files.writeString(home.resolve("config.toml"), """
                [agent]
                provider = "openai"
                model = "test-model"
                base_url = "%s"
                api_key = "sk-test-secret-123"
                approval = "auto"

                """.formatted(llm.baseUrl()) + sections);
        Files.setPosixFilePermissions(home.resolve("config.toml"), PosixFilePermissions.fromString("rw-------"));
    }

    /** Scripts the turn's replies (the tool call, then the answer), then the further replies given. */
    static void script(FakeOpenAiServer llm, FakeReply... then) {
        List<FakeReply> replies = new ArrayList<>(List.of(
                FakeReply.toolCall("system.run", "{\"command\":\"echo from-the-shell-$((6*7))\"}"),
                FakeReply.text(ANSWER.strip())));
        replies.addAll(List.of(then));
        llm.enqueue(replies.toArray(new FakeReply[0]));
    }
}
