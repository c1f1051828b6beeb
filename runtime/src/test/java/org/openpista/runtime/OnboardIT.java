package org.openpista.runtime;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.openpista.runtime.DistributionProcess.Result;
import org.openpista.testkit.FakeDiscordServer;
import org.openpista.testkit.FakeOpenAiServer;
import org.openpista.testkit.FakeReply;
import org.openpista.testkit.FakeSlackServer;
import org.openpista.testkit.FakeTelegramServer;

/**
 * {@code openpista onboard} end to end: the real distribution against the fake OpenAI and Telegram
 * servers, driven by options (a script), by answers on a pipe and by keys on a real terminal (util-linux
 * {@code script}); then {@code openpista run -e} works with what it saved.
 */
class OnboardIT {

    static final String KEY = "sk-onboard-it-key-424242";
    static final String BOT_TOKEN = "7000000001:AAonboard-it_token";
    static final String SLACK_BOT = "xoxb-1000-2000-onboard-it-bot";
    static final String SLACK_APP = "xapp-1-A0FAKEAPP-3000-onboard-it-app";
    static final String DISCORD_TOKEN = "MTEwMDAwMDAwMDAwMDAwMDAwMQ.GitXyz.onboard-it-token-0123456789";
    static final Duration STEP = Duration.ofSeconds(120);

    @TempDir
    Path home;

    FakeOpenAiServer llm;
    FakeTelegramServer telegram;
    FakeSlackServer slack;
    FakeDiscordServer discord;
    String original;

    @BeforeEach
    void fakesAndAnExistingFile() throws Exception {
        llm = new FakeOpenAiServer();
        llm.requireApiKey(KEY).models("gpt-4o", "gpt-4o-mini", "gpt-4.1");
        llm.fallback(request -> FakeReply.text("Hello from the fake"));
        telegram = new FakeTelegramServer(BOT_TOKEN);
        slack = new FakeSlackServer(SLACK_BOT, SLACK_APP, "onboard0it0signing0secret0000000");
        discord = new FakeDiscordServer(DISCORD_TOKEN);
        // the fakes' addresses and an unrelated key: onboarding must keep all of it
        original = """
                # my own notes
                [agent]
                provider = "anthropic"
                max_tool_rounds = 7

                [providers.openai]
                base_url = "%s"

                [channels.telegram]
                api_url = "%s"

                [channels.slack]
                api_url = "%s"

                [channels.discord]
                api_url = "%s"
                """.formatted(llm.baseUrl(), telegram.apiUrl(), slack.apiUrl(), discord.apiUrl());
        Files.writeString(config(), original);
        Files.setPosixFilePermissions(config(), PosixFilePermissions.fromString("rw-------"));
    }

    @AfterEach
    void stop() {
        llm.close();
        telegram.close();
        slack.close();
        discord.close();
    }

    Path config() {
        return home.resolve("config.toml");
    }

    List<Path> backups() throws IOException {
        try (Stream<Path> files = Files.list(home)) {
            return files.filter(file -> file.getFileName().toString().startsWith("config.toml.bak-")).toList();
        }
    }

    static String mode(Path file) throws IOException {
        return PosixFilePermissions.toString(Files.getPosixFilePermissions(file));
    }

    /** The saved file keeps the comment and unrelated keys, is owner-only, and the old one is kept beside it. */
    void assertSavedBesideABackup(String provider, String model, String approval) throws Exception {
        String saved = Files.readString(config());
        assertThat(saved).startsWith("# my own notes").contains("provider = \"" + provider + "\"")
                .contains("model = \"" + model + "\"").contains("approval = \"" + approval + "\"")
                .contains("max_tool_rounds = 7").contains("base_url = \"" + llm.baseUrl() + "\"")
                .contains("api_url = \"" + telegram.apiUrl() + "\"").doesNotContain(KEY);
        assertThat(mode(config())).isEqualTo("rw-------");
        assertThat(backups()).singleElement().satisfies(backup -> {
            assertThat(backup).hasContent(original);
            assertThat(mode(backup)).isEqualTo("rw-------");
        });
        assertThat(Files.readString(home.resolve("credentials.toml"))).contains("api_key = \"" + KEY + "\"");
        assertThat(mode(home.resolve("credentials.toml"))).isEqualTo("rw-------");
    }

    void assertRunWorks() throws Exception {
        Result run = DistributionProcess.run(home, Map.of(), "run", "-e", "hello");
        assertThat(run.exitCode()).as(run.toString()).isZero();
        assertThat(run.stdout()).contains("Hello from the fake");
        assertThat(llm.lastRequest().header("authorization")).isEqualTo("Bearer " + KEY);
    }

    @Test
    void aScriptSetsUpProviderModelApprovalWebAndTelegramThenRunWorks() throws Exception {
        Result onboard = DistributionProcess.run(home, Map.of("ONBOARD_KEY", KEY), null, STEP, "onboard", "--non-interactive",
                "--provider", "openai", "--api-key-env", "ONBOARD_KEY", "--model", "gpt-4.1", "--approval", "auto", "--web",
                "--telegram-token", BOT_TOKEN, "--slack-bot-token", SLACK_BOT, "--slack-app-token", SLACK_APP,
                "--discord-token", DISCORD_TOKEN);

        assertThat(onboard.exitCode()).as(onboard.toString()).isZero();
        assertThat(onboard.stdout()).contains("Saved the API key for").contains("It answered \"Hello from the fake\"")
                .containsPattern("latency [0-9]+ ms").contains("Web chat: http://127.0.0.1:3210")
                .contains("#token=").contains("Bot @" + FakeTelegramServer.BOT_USERNAME + " verified")
                .contains("the previous file is kept as config.toml.bak-")
                .contains("Slack app @" + FakeSlackServer.BOT_NAME).contains("Discord bot @" + FakeDiscordServer.BOT_NAME);
        assertThat(onboard.stdout() + onboard.stderr()).doesNotContain(KEY).doesNotContain(SLACK_BOT).doesNotContain(DISCORD_TOKEN);
        assertSavedBesideABackup("openai", "gpt-4.1", "auto");
        String saved = Files.readString(config());
        assertThat(saved).contains("[channels.web]").containsPattern("\\[channels.web][^\\[]*enabled = true[^\\[]*token = \"[^\"]{16,}\"")
                .contains("token = \"" + BOT_TOKEN + "\"");
        assertThat(telegram.calls("getMe")).hasSize(1);
        assertThat(llm.requests()).singleElement().satisfies(test -> assertThat(test.body()).contains("connection test"));

        assertRunWorks();
    }

    @Test
    void aFailingTestTurnOrBadOptionsSaveNothing() throws Exception {
        Result wrongKey = DistributionProcess.run(home, Map.of(), null, STEP, "onboard", "--non-interactive", "--provider",
                "openai", "--api-key", "sk-wrong-key-000000", "--web");
        Result noProvider = DistributionProcess.run(home, Map.of(), "onboard", "--non-interactive");
        Result badApproval = DistributionProcess.run(home, Map.of(), "onboard", "--non-interactive", "--provider", "openai",
                "--approval", "sometimes");

        assertThat(wrongKey.exitCode()).as(wrongKey.toString()).isEqualTo(1);
        assertThat(wrongKey.stderr()).contains("the test turn failed after").contains("nothing was saved");
        assertThat(noProvider.exitCode()).isEqualTo(2);
        assertThat(noProvider.stderr()).contains("--provider");
        assertThat(badApproval.exitCode()).isEqualTo(2);
        assertThat(badApproval.stderr()).contains("ask, auto, deny");
        assertThat(config()).hasContent(original);
        assertThat(backups()).isEmpty();
    }

    @Test
    void answersOnAPipeThenRunWorks() throws Exception {
        // provider, how to log in, the key, model number 2, approval (Enter: ask), web no, Telegram no, WhatsApp yes,
        // Slack yes with its two tokens, Discord yes with its token
        String answers = String.join("\n", "openai", "key", KEY, "2", "", "n", "n", "y", "y", SLACK_BOT, SLACK_APP, "y",
                DISCORD_TOKEN) + "\n";

        Result onboard = DistributionProcess.run(home, Map.of(), answers, STEP, "onboard");

        assertThat(onboard.exitCode()).as(onboard.toString()).isZero();
        assertThat(onboard.stdout()).contains("Which provider?").contains("Which model?").contains("   2) gpt-4o-mini")
                .containsPattern("latency [0-9]+ ms").contains("The web chat stays off").contains("openpista whatsapp")
                .contains("Slack app @" + FakeSlackServer.BOT_NAME).contains("Discord bot @" + FakeDiscordServer.BOT_NAME);
        assertSavedBesideABackup("openai", "gpt-4o-mini", "ask");
        assertThat(Files.readString(config())).containsPattern("\\[channels.slack][^\\[]*enabled = true")
                .containsPattern("\\[channels.discord][^\\[]*enabled = true");
        assertThat(Files.readString(config())).containsPattern("\\[channels.whatsapp]\\s+enabled = true")
                .containsPattern("\\[channels.web]\\s+enabled = false");
        assertRunWorks();
    }

    @Test
    void arrowKeysAndTypingOnARealTerminal() throws Exception {
        onTerminal("onboard", (process, screen) -> {
            answerTheQuestions(process, screen);
            assertThat(process.waitFor(STEP.toSeconds(), TimeUnit.SECONDS)).as(screen.toString()).isTrue();
        }, terminal -> {
            assertThat(terminal).contains("Which provider? openai").contains("Which model? gpt-4.1")
                    .contains("Tool calls? auto").containsPattern("latency [0-9]+ ms").doesNotContain(KEY);
            assertSavedBesideABackup("openai", "gpt-4.1", "auto");
            assertRunWorks();
        });
    }

    @Test
    void runWithoutAProviderOnATerminalOffersOnboardingThenAnswers() throws Exception {
        onTerminal("run -e hello", (process, screen) -> {
            typeWhenShown(process, screen, "Set up a provider now with openpista onboard? [Y/n]", "\r");
            answerTheQuestions(process, screen);
            assertThat(process.waitFor(STEP.toSeconds() * 2, TimeUnit.SECONDS)).as(screen.toString()).isTrue();
        }, terminal -> {
            assertThat(terminal).contains("no API key for provider \"anthropic\"").contains("Hello from the fake")
                    .doesNotContain(KEY);
            assertSavedBesideABackup("openai", "gpt-4.1", "auto");
        });
        Result script = DistributionProcess.run(home, Map.of(), "run", "-e", "hello");
        assertThat(script.exitCode()).as("without a terminal nothing is asked").isZero();
    }

    /** The onboarding's questions, answered with arrow keys and typing: openai, a key, gpt-4.1, auto, no channels. */
    void answerTheQuestions(Process process, StringBuffer screen) throws Exception {
        typeWhenShown(process, screen, "Which provider?", "openai\r");
        typeWhenShown(process, screen, "Paste an API key", "\033[B\r");
        typeWhenShown(process, screen, "(not shown)", KEY + "\r");
        typeWhenShown(process, screen, "Which model?", "4.1\r");
        typeWhenShown(process, screen, "Tool calls?", "\033[B\r");
        typeWhenShown(process, screen, "Serve the web chat", "n\r");
        typeWhenShown(process, screen, "Connect a Telegram bot", "\r");
        typeWhenShown(process, screen, "Use WhatsApp", "\r");
        typeWhenShown(process, screen, "Connect a Slack app", "\r");
        typeWhenShown(process, screen, "Connect a Discord bot", "\r");
    }

    interface Keys {
        void type(Process process, StringBuffer screen) throws Exception;
    }

    interface Screen {
        void check(String terminal) throws Exception;
    }

    /** Runs {@code openpista ARGS} on a real terminal (util-linux {@code script}), types, then checks what it showed. */
    void onTerminal(String args, Keys keys, Screen check) throws Exception {
        assumeTrue(Files.isExecutable(Path.of("/usr/bin/script")) || "all".equals(System.getenv("OPENPISTA_IT_REQUIRE")),
                "util-linux script is needed to give openpista a terminal");
        String command = DistributionProcess.dist().resolve("bin/openpista") + " " + args;
        ProcessBuilder builder = new ProcessBuilder(List.of("script", "-qec", command, "/dev/null"));
        DistributionProcess.clean(builder.environment());
        builder.environment().put("OPENPISTA_HOME", home.toString());
        Process process = builder.start();
        try {
            StringBuffer screen = new StringBuffer();
            Thread reader = new Thread(() -> {
                try {
                    byte[] buffer = new byte[4096];
                    for (int n = process.getInputStream().read(buffer); n >= 0; n = process.getInputStream().read(buffer)) {
                        screen.append(new String(buffer, 0, n, StandardCharsets.UTF_8));
                    }
                } catch (IOException gone) {
                    // the terminal closed
                }
            });
            reader.start();
            // as a person does: each answer once its question is on the screen
            keys.type(process, screen);
            reader.join(10_000);
            String terminal = screen.toString();
            assertThat(process.exitValue()).as(terminal).isZero();
            check.check(terminal);
        } finally {
            process.descendants().forEach(ProcessHandle::destroyForcibly);
            process.destroyForcibly();
        }
    }

    /** Where on the terminal the last question answered was, so that each is looked for after the one before. */
    int seen;

    void typeWhenShown(Process process, StringBuffer screen, String question, String keys) throws Exception {
        long deadline = System.nanoTime() + STEP.toNanos();
        while (screen.indexOf(question, seen) < 0) {
            if (System.nanoTime() > deadline || !process.isAlive()) {
                throw new AssertionError("no \"" + question + "\" on the terminal:\n" + screen);
            }
            Thread.sleep(20);
        }
        seen = screen.indexOf(question, seen) + question.length();
        Thread.sleep(100);
        process.getOutputStream().write(keys.getBytes(StandardCharsets.UTF_8));
        process.getOutputStream().flush();
    }
}
