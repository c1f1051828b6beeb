package org.openpista.runtime;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.openpista.runtime.DistributionProcess.Result;
import org.openpista.testkit.FakeAnthropicServer;
import org.openpista.testkit.FakeLlmServer;
import org.openpista.testkit.FakeOpenAiServer;
import org.openpista.testkit.FakeReply;

/** {@code openpista run -e} end to end: the real distribution as a process against fake LLM servers. */
class RunCommandIT {

    @TempDir
    Path home;

    FakeLlmServer fake;

    @AfterEach
    void stopFake() {
        if (fake != null) {
            fake.close();
        }
    }

    void writeConfig(String provider, String extra) throws Exception {
        Files.writeString(home.resolve("config.toml"), """
                [agent]
                provider = "%s"
                model = "test-model"
                base_url = "%s"
                api_key = "sk-test-secret-123"
                approval = "auto"
                %s
                """.formatted(provider, fake.baseUrl(), extra));
        // it holds a key: readable by others it would be warned about on every run
        Files.setPosixFilePermissions(home.resolve("config.toml"), java.nio.file.attribute.PosixFilePermissions.fromString("rw-------"));
    }

    /** Rows of memory.db: role | content | tool_calls | tool_call_id, oldest first. */
    List<String[]> storedMessages() throws Exception {
        List<String[]> rows = new ArrayList<>();
        try (Connection db = new org.sqlite.JDBC().connect("jdbc:sqlite:" + home.resolve("memory.db"), new Properties());
                Statement query = db.createStatement();
                ResultSet result = query.executeQuery(
                        "SELECT role, content, tool_calls, tool_call_id FROM messages ORDER BY session_id, seq")) {
            while (result.next()) {
                rows.add(new String[] {result.getString(1), result.getString(2), result.getString(3), result.getString(4)});
            }
        }
        return rows;
    }

    void assertToolTurnStored(String output) throws Exception {
        List<String[]> rows = storedMessages();
        assertThat(rows).extracting(row -> row[0]).containsExactly("user", "assistant", "tool", "assistant");
        assertThat(rows.get(1)[2]).contains("system.run").contains("echo");
        assertThat(rows.get(2)[1]).contains(output);
        assertThat(rows.get(2)[3]).isNotBlank();
        assertThat(rows.get(3)[1]).isEqualTo("The shell said 42.");
    }

    @Nested
    class OpenAi {

        @Test
        void aTurnThatRunsAShellCommandAndAnswers() throws Exception {
            fake = new FakeOpenAiServer();
            writeConfig("openai", "");
            fake.enqueue(FakeReply.toolCall("system.run", "{\"command\":\"echo from-the-shell-$((6*7))\"}"),
                    FakeReply.text("The shell said 42."));

            Result result = DistributionProcess.run(home, Map.of(), "run", "-e", "what is six times seven?");

            assertThat(result.exitCode()).as(result.toString()).isZero();
            assertThat(result.stdout()).isEqualTo("The shell said 42.\n");
            assertThat(fake.requests()).hasSize(2);
            JsonNode first = fake.requests().get(0).json();
            assertThat(first.path("model").asText()).isEqualTo("test-model");
            assertThat(first.path("tools").toString()).contains("system_run");
            assertThat(fake.requests().get(0).header("authorization")).isEqualTo("Bearer sk-test-secret-123");
            JsonNode toolMessage = fake.requests().get(1).json().path("messages").get(3);
            assertThat(toolMessage.path("role").asText()).isEqualTo("tool");
            assertThat(toolMessage.path("content").asText()).contains("from-the-shell-42");
            assertToolTurnStored("from-the-shell-42");
            assertThat(result.stderr()).doesNotContain("sk-test-secret-123");
        }

        @Test
        void aNamedSessionContinuesWithItsHistory() throws Exception {
            fake = new FakeOpenAiServer();
            writeConfig("openai", "");
            fake.enqueue(FakeReply.text("Nice to meet you, Ada."), FakeReply.text("You are Ada."));

            Result first = DistributionProcess.run(home, Map.of(), "run", "-s", "work", "-e", "I am Ada");
            Result second = DistributionProcess.run(home, Map.of(), "run", "-s", "work", "-e", "Who am I?");

            assertThat(first.exitCode()).as(first.toString()).isZero();
            assertThat(second.exitCode()).as(second.toString()).isZero();
            assertThat(second.stdout()).isEqualTo("You are Ada.\n");
            assertThat(fake.requests().get(1).body()).contains("I am Ada").contains("Nice to meet you, Ada.");
        }

        @Test
        void providerRejectionIsOneLineOnStderrAndExitOne() throws Exception {
            fake = new FakeOpenAiServer();
            writeConfig("openai", "");
            fake.enqueue(FakeReply.error(401, "Incorrect API key provided"));

            Result result = DistributionProcess.run(home, Map.of(), "run", "-e", "hi");

            assertThat(result.exitCode()).as(result.toString()).isEqualTo(1);
            assertThat(result.stdout()).isEmpty();
            assertThat(result.stderr()).contains("401").doesNotContain("Exception").doesNotContain("sk-test-secret-123");
            assertThat(result.stderr().lines().count()).isEqualTo(1);
        }

        @Test
        void environmentKeyWinsOverTheFile() throws Exception {
            fake = new FakeOpenAiServer();
            writeConfig("openai", "");
            fake.enqueue(FakeReply.text("ok"));

            Result result = DistributionProcess.run(home, Map.of("OPENAI_API_KEY", "sk-from-env"), "run", "-e", "hi");

            assertThat(result.exitCode()).as(result.toString()).isZero();
            assertThat(fake.lastRequest().header("authorization")).isEqualTo("Bearer sk-from-env");
        }
    }

    @Nested
    class Anthropic {

        @Test
        void aTurnThatRunsAShellCommandAndAnswers() throws Exception {
            fake = new FakeAnthropicServer();
            writeConfig("anthropic", "");
            fake.enqueue(FakeReply.toolCall("system.run", "{\"command\":\"echo from-the-shell-$((6*7))\"}"),
                    FakeReply.text("The shell said 42."));

            Result result = DistributionProcess.run(home, Map.of(), "run", "-e", "what is six times seven?");

            assertThat(result.exitCode()).as(result.toString()).isZero();
            assertThat(result.stdout()).isEqualTo("The shell said 42.\n");
            assertThat(fake.requests()).hasSize(2);
            assertThat(fake.requests().get(0).header("x-api-key")).isEqualTo("sk-test-secret-123");
            assertThat(fake.requests().get(0).json().path("system").toString()).contains("openpista");
            assertThat(fake.requests().get(0).json().path("tools").toString()).contains("system_run");
            assertThat(fake.requests().get(1).body()).contains("tool_result").contains("from-the-shell-42");
            assertToolTurnStored("from-the-shell-42");
        }
    }

    @Nested
    class WithoutWorkingConfiguration {

        @Test
        void noConfigurationAtAllExplainsHowToConfigureAProvider() throws Exception {
            Result result = DistributionProcess.run(home, Map.of(), "run", "-e", "hi");

            assertThat(result.exitCode()).as(result.toString()).isEqualTo(2);
            assertThat(result.stderr()).contains("OPENAI_API_KEY").contains("config.toml");
            assertThat(result.stderr()).doesNotContain("Exception").doesNotContain("\tat ");
            assertThat(result.stdout()).isEmpty();
        }

        @Test
        void malformedTomlNamesFileAndLine() throws Exception {
            Files.writeString(home.resolve("config.toml"), "[agent]\nprovider = \"openai\"\nmodel = = 3\n");

            Result result = DistributionProcess.run(home, Map.of(), "run", "-e", "hi");

            assertThat(result.exitCode()).as(result.toString()).isEqualTo(2);
            assertThat(result.stderr()).contains(home.resolve("config.toml") + ":3");
            assertThat(result.stderr()).doesNotContain("\tat ");
        }

        @Test
        void unknownProviderNamesLineAndKey() throws Exception {
            Files.writeString(home.resolve("config.toml"), "[agent]\nprovider = \"opnai\"\n");

            Result result = DistributionProcess.run(home, Map.of(), "run", "-e", "hi");

            assertThat(result.exitCode()).as(result.toString()).isEqualTo(2);
            assertThat(result.stderr()).contains(home.resolve("config.toml") + ":2").contains("provider").contains("opnai");
            assertThat(Files.exists(home.resolve("memory.db"))).isFalse();
        }
    }

    @Nested
    class CommandLine {

        @Test
        void helpAndVersion() throws Exception {
            Result help = DistributionProcess.run(home, Map.of(), "--help");
            Result runHelp = DistributionProcess.run(home, Map.of(), "run", "--help");
            Result version = DistributionProcess.run(home, Map.of(), "--version");

            assertThat(help.exitCode()).isZero();
            assertThat(help.stdout()).contains("run").contains("--home");
            assertThat(runHelp.exitCode()).isZero();
            assertThat(runHelp.stdout()).contains("--exec").contains("--session");
            assertThat(version.exitCode()).isZero();
            assertThat(version.stdout()).startsWith("openpista ");
        }

        @Test
        void helpNamesAnyCommandAsItsHelpOptionDoes() throws Exception {
            Result overview = DistributionProcess.run(home, Map.of(), "help");
            Result webSetup = DistributionProcess.run(home, Map.of(), "help", "web", "setup");
            Result run = DistributionProcess.run(home, Map.of(), "help", "run");

            assertThat(overview.exitCode()).as(overview.toString()).isZero();
            assertThat(overview.stdout()).as("the bundles' commands too").contains("run").contains("web");
            assertThat(webSetup.exitCode()).as(webSetup.toString()).isZero();
            assertThat(webSetup.stdout()).contains("openpista web setup").contains("--port");
            assertThat(run.exitCode()).as(run.toString()).isZero();
            assertThat(run.stdout()).contains("--exec");
        }

        @Test
        void unknownOptionIsAUsageError() throws Exception {
            Result result = DistributionProcess.run(home, Map.of(), "run", "-e", "hi", "--frobnicate");

            assertThat(result.exitCode()).isEqualTo(2);
            assertThat(result.stderr()).contains("--frobnicate").contains("--help");
        }
    }
}
