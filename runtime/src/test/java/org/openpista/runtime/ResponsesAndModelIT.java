package org.openpista.runtime;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.openpista.runtime.DistributionProcess.Result;
import org.openpista.testkit.FakeAnthropicServer;
import org.openpista.testkit.FakeOAuthServer;
import org.openpista.testkit.FakeOpenAiServer;
import org.openpista.testkit.FakeReply;
import org.openpista.testkit.FakeResponsesServer;

/** Turns over the Responses API (with a key, and with a ChatGPT login), and {@code openpista model list|test}. */
class ResponsesAndModelIT {

    @TempDir
    Path home;

    /** Writes config.toml as a careful owner keeps a file with a key: readable by its owner only. */
    void writeConfig(String toml) throws IOException {
        Path config = home.resolve("config.toml");
        Files.writeString(config, toml);
        Files.setPosixFilePermissions(config, PosixFilePermissions.fromString("rw-------"));
    }

    @Nested
    class Responses {

        final FakeResponsesServer fake = new FakeResponsesServer().reasoning(true);

        @AfterEach
        void stop() {
            fake.close();
        }

        @Test
        void aTurnWithAToolCallOverTheResponsesApi() throws Exception {
            writeConfig("""
                    [agent]
                    provider = "responses"
                    model = "gpt-5"
                    base_url = "%s"
                    api_key = "sk-responses-123"
                    approval = "auto"
                    """.formatted(fake.baseUrl()));
            fake.requireApiKey("sk-responses-123");
            fake.enqueue(FakeReply.toolCall("system.run", "{\"command\":\"echo from-the-shell-$((6*7))\"}"),
                    FakeReply.text("The shell said 42."));

            Result result = DistributionProcess.run(home, Map.of(), "run", "-e", "what is six times seven?");

            assertThat(result.exitCode()).as(result.toString()).isZero();
            assertThat(result.stdout()).isEqualTo("The shell said 42.\n");
            assertThat(fake.requests()).hasSize(2);
            JsonNode first = fake.requests().get(0).json();
            assertThat(first.path("tools").toString()).contains("system_run");
            assertThat(first.path("instructions").asText()).contains("openpista");
            JsonNode second = fake.requests().get(1).json().path("input");
            // the fake refuses the call without its reasoning item, so getting here proves it went back
            assertThat(second.toString()).contains("\"type\":\"reasoning\"").contains("function_call_output")
                    .contains("from-the-shell-42");
        }

        @Test
        void aChatGptLoginSendsItsAccountIdAndIsRefreshedBeforeItExpires() throws Exception {
            try (FakeOAuthServer oauth = new FakeOAuthServer()) {
                oauth.refuseKeyExchange().tokenLifetime(Duration.ofMinutes(4)).account("acct-e2e-42", "grace@example.test");
                fake.requireAccountId("acct-e2e-42");
                writeConfig("""
                        [agent]
                        provider = "responses"
                        approval = "auto"

                        [auth.openai]
                        authorize_url = "%1$s/oauth/authorize"
                        token_url = "%1$s/oauth/token"
                        callback_port = 0
                        api_url = "%2$s"
                        """.formatted(oauth.root(), fake.baseUrl()));
                try (InteractiveProcess login = InteractiveProcess.start(home, Map.of(), "auth", "login", "openai", "--no-browser")) {
                    String url = login.awaitLine(line -> line.startsWith("http"), Duration.ofSeconds(60));
                    HttpClient.newBuilder().followRedirects(HttpClient.Redirect.NORMAL).build()
                            .send(HttpRequest.newBuilder(URI.create(url)).build(), HttpResponse.BodyHandlers.ofString());
                    Result loggedIn = login.finish(Duration.ofSeconds(60));
                    assertThat(loggedIn.exitCode()).as(loggedIn.toString()).isZero();
                    assertThat(loggedIn.stdout()).contains("provider = \"responses\"");
                }
                // the stored token expires in 4 minutes, within the 5-minute margin; the refreshed one lives an hour
                oauth.tokenLifetime(Duration.ofHours(1));
                fake.enqueue(FakeReply.toolCall("system.run", "{\"command\":\"echo subscribed\"}"), FakeReply.text("Done."));

                Result result = DistributionProcess.run(home, Map.of(), "run", "-e", "go");

                assertThat(result.exitCode()).as(result.toString()).isZero();
                assertThat(result.stdout()).isEqualTo("Done.\n");
                assertThat(oauth.refreshCount()).as("a 4-minute token is refreshed before use").isEqualTo(1);
                String bearer = fake.lastRequest().header("authorization").substring("Bearer ".length());
                assertThat(oauth.isIssuedAccessToken(bearer)).isTrue();
                assertThat(fake.requests()).allSatisfy(request ->
                        assertThat(request.header("chatgpt-account-id")).isEqualTo("acct-e2e-42"));
                assertThat(result.stderr()).doesNotContain(bearer);
            }
        }
    }

    @Nested
    class Models {

        @Test
        void listMarksTheModelInUseAndTestPrintsAnswerAndLatency() throws Exception {
            try (FakeOpenAiServer openai = new FakeOpenAiServer()) {
                openai.models("gpt-4o", "gpt-4.1", "o4-mini");
                writeConfig("""
                        [agent]
                        provider = "openai"
                        model = "gpt-4.1"
                        base_url = "%s"
                        api_key = "sk-models-1"
                        """.formatted(openai.baseUrl()));
                openai.enqueue(FakeReply.text("OK"));

                Result list = DistributionProcess.run(home, Map.of(), "model", "list");
                Result test = DistributionProcess.run(home, Map.of(), "model", "test");

                assertThat(list.exitCode()).as(list.toString()).isZero();
                assertThat(list.stdout()).contains("* gpt-4.1").contains("  gpt-4o").contains("  o4-mini");
                assertThat(test.exitCode()).as(test.toString()).isZero();
                assertThat(test.stdout()).startsWith("openai gpt-4.1: OK\n").containsPattern("latency: [0-9]+ ms");
                assertThat(openai.lastRequest().json().path("model").asText()).isEqualTo("gpt-4.1");
            }
        }

        @Test
        void testOfAnotherModelPrintsTheExactError() throws Exception {
            try (FakeOpenAiServer openai = new FakeOpenAiServer()) {
                writeConfig("""
                        [agent]
                        provider = "openai"
                        base_url = "%s"
                        api_key = "sk-models-2"
                        """.formatted(openai.baseUrl()));
                openai.enqueue(FakeReply.error(404, "The model `gpt-9` does not exist or you do not have access to it."));

                Result test = DistributionProcess.run(home, Map.of(), "model", "test", "gpt-9");

                assertThat(test.exitCode()).as(test.toString()).isEqualTo(1);
                assertThat(test.stderr()).contains("openai gpt-9 failed after").contains("404")
                        .contains("The model `gpt-9` does not exist").doesNotContain("sk-models-2");
                assertThat(test.stderr().lines().count()).isEqualTo(1);
            }
        }

        @Test
        void aModelNameIsWrittenToConfigTomlAndARunningDaemonUsesItForItsNextTurn() throws Exception {
            try (FakeOpenAiServer openai = new FakeOpenAiServer()) {
                openai.echoFallback();
                Path config = home.resolve("config.toml");
                writeConfig("""
                        # mine
                        [agent]
                        provider = "openai"
                        model = "gpt-4o"   # for now
                        base_url = "%s"
                        api_key = "sk-models-3"
                        approval = "auto"

                        [channels.web]
                        enabled = false
                        """.formatted(openai.baseUrl()));

                Result offline = DistributionProcess.run(home, Map.of(), "model", "gpt-4.1");

                assertThat(offline.exitCode()).as(offline.toString()).isZero();
                assertThat(offline.stdout()).contains("Set [agent] model = \"gpt-4.1\" in " + config)
                        .contains("No daemon is running; openpista uses it from the next start.");
                assertThat(Files.readString(config)).contains("# mine").contains("model = \"gpt-4.1\"").doesNotContain("gpt-4o");

                Result started = DistributionProcess.run(home, Map.of(), "start");
                assertThat(started.exitCode()).as(started.toString()).isZero();
                try {
                    Result live = DistributionProcess.run(home, Map.of(), "model", "o4-mini");
                    Result turn = DistributionProcess.run(home, Map.of(), "shell", "-c", "openpista:send model-switch \"hi\"");

                    assertThat(live.exitCode()).as(live.toString()).isZero();
                    assertThat(live.stdout()).containsPattern("The running daemon \\(PID [0-9]+\\) read config.toml again; its "
                            + "next turns use o4-mini\\.");
                    assertThat(turn.exitCode()).as(turn.toString()).isZero();
                    assertThat(openai.lastRequest().json().path("model").asText()).isEqualTo("o4-mini");
                } finally {
                    DistributionProcess.stopDaemon(home);
                }
            }
        }

        @Test
        void listingAnotherProviderSwitchesToItAtRuntime() throws Exception {
            try (FakeAnthropicServer anthropic = new FakeAnthropicServer()) {
                writeConfig("""
                        [agent]
                        provider = "openai"
                        api_key = "sk-openai-not-used"

                        [providers.anthropic]
                        base_url = "%s"
                        """.formatted(anthropic.baseUrl()));

                Result list = DistributionProcess.run(home, Map.of("ANTHROPIC_API_KEY", "sk-ant-env-1"), "model", "list",
                        "--provider", "anthropic");

                assertThat(list.exitCode()).as(list.toString()).isZero();
                assertThat(list.stdout()).contains("Models of anthropic").contains("* claude-sonnet-4-6")
                        .contains("claude-opus-4-6");
                assertThat(anthropic.allRequests()).singleElement().satisfies(request ->
                        assertThat(request.header("x-api-key")).isEqualTo("sk-ant-env-1"));
            }
        }
    }
}
