package org.openpista.runtime;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.openpista.runtime.DistributionProcess.Result;
import org.openpista.testkit.FakeOpenAiServer;

/**
 * What the end-to-end tests of the chat channels (Telegram, Slack, Discord) share: a home whose
 * {@code config.toml} points the agent at a fake LLM that echoes, the commands they run in it, and
 * the daemon and foreground {@code <channel> start} processes they started there, all stopped by
 * {@link #close()}, which JUnit calls after each test ({@code @AutoClose}), with the channel's fake
 * the fixture {@link #owns} and the LLM last.
 */
final class ChannelFixture {

    /** The API key of the written configurations, which no output may show. */
    static final String API_KEY = "sk-test-secret-123";

    final Path home;
    final FakeOpenAiServer llm;
    private final List<Process> foreground = new ArrayList<>();
    private final List<AutoCloseable> owned = new ArrayList<>();

    ChannelFixture(Path home) {
        this.home = home;
        llm = new FakeOpenAiServer();
        llm.echoFallback();
    }

    /**
     * Writes {@code config.toml}: the agent on the fake LLM with {@code approval = "ask"}, then the
     * sections given.
     */
    void writeConfig(String sections) throws IOException {
        Files.writeString(home.resolve("config.toml"), """
                [agent]
                provider = "openai"
                model = "test-model"
                base_url = "%s"
                api_key = "%s"
                approval = "ask"

                """.formatted(llm.baseUrl(), API_KEY) + sections);
    }

    /**
     * Writes the {@code config.toml} a channel's {@code setup} starts from: a comment of the user's, the
     * agent on the fake LLM without a key, and the channel's section without its secrets.
     */
    void writeSetupConfig(String channelSection) throws IOException {
        Files.writeString(home.resolve("config.toml"), """
                # my settings
                [agent]
                provider = "openai"
                base_url = "%s"

                """.formatted(llm.baseUrl()) + channelSection);
    }

    /** @return the fake (of the channel's service), which {@link #close()} closes before the LLM */
    <T extends AutoCloseable> T owns(T fake) {
        owned.add(fake);
        return fake;
    }

    Result openpista(String... args) throws Exception {
        return DistributionProcess.run(home, Map.of(), args);
    }

    /** @return role: content of a session's stored messages, oldest first */
    List<String> stored(String session) throws Exception {
        return DistributionProcess.stored(home, session);
    }

    /**
     * Starts {@code openpista <words>} in the foreground (a channel's {@code start}); what it prints
     * (both streams) collects in {@code output}. {@link #close()} stops it.
     */
    Process launch(StringBuffer output, List<String> words, String... options) throws IOException {
        List<String> command = new ArrayList<>(words);
        command.addAll(List.of(options));
        Process process = DistributionProcess.launch(home, output, command.toArray(new String[0]));
        foreground.add(process);
        return process;
    }

    /**
     * Starts {@code openpista <words>} in the foreground and waits until it printed {@code ready} (or
     * ended); the caller checks what it printed.
     */
    Process launchUntil(String ready, Duration wait, StringBuffer output, List<String> words, String... options)
            throws Exception {
        Process process = launch(output, words, options);
        DaemonIT.await(String.join(" ", words) + " is ready:\n" + output, wait,
                () -> output.indexOf(ready) >= 0 || !process.isAlive());
        return process;
    }

    /**
     * Asserts that the model was asked each of {@code "message 1"} to {@code "message <count>"} (as the
     * last user message of a request) exactly once: none was lost, none repeated.
     */
    void assertMessagesAskedOnce(int count) {
        List<String> prompts = llm.requests().stream().map(TelegramIT::lastUserText).toList();
        for (int i = 1; i <= count; i++) {
            String prompt = "message " + i;
            assertThat(prompts.stream().filter(prompt::equals)).as("turns for %s in %s", prompt, prompts).hasSize(1);
        }
    }

    /** Stops the daemon of the home and the foreground processes, then closes the fakes it owns and the LLM. */
    void close() throws Exception {
        try {
            DistributionProcess.stopDaemon(home);
            for (Process process : foreground) {
                process.destroy();
                if (!process.waitFor(30, TimeUnit.SECONDS)) {
                    process.destroyForcibly();
                }
            }
        } finally {
            try {
                for (AutoCloseable fake : owned) {
                    fake.close();
                }
            } finally {
                llm.close();
            }
        }
    }
}
