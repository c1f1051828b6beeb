package org.openpista.runtime;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.openpista.runtime.DistributionProcess.Result;
import org.openpista.testkit.FakeAnthropicServer;
import org.openpista.testkit.FakeOAuthServer;
import org.openpista.testkit.FakeOpenAiServer;
import org.openpista.testkit.FakeReply;
import org.openpista.testkit.RecordedRequest;

/**
 * {@code openpista auth login|status|logout} end to end: the real distribution as a process against
 * the fake OAuth server, the browser step driven by an HTTP client that follows the authorization
 * redirect (to the loopback server of the running command, or to the vendor's code page).
 */
class AuthCommandIT {

    static final Duration STEP = Duration.ofSeconds(60);

    @TempDir
    Path home;

    final FakeOAuthServer oauth = new FakeOAuthServer();
    final HttpClient browser = HttpClient.newBuilder().followRedirects(HttpClient.Redirect.NORMAL).build();
    final List<AutoCloseable> closing = new ArrayList<>();

    @BeforeEach
    void config() throws Exception {
        Files.writeString(home.resolve("config.toml"), """
                [agent]
                provider = "openai"
                approval = "auto"

                [auth.openai]
                authorize_url = "%1$s/oauth/authorize"
                token_url = "%1$s/oauth/token"
                callback_port = 0

                [auth.anthropic]
                authorize_url = "%1$s/oauth/authorize"
                token_url = "%1$s/oauth/token"
                redirect_uri = "%1$s/oauth/code/callback"

                [auth.openrouter]
                authorize_url = "%1$s/auth"
                key_url = "%1$s/api/v1/auth/keys"

                [auth.github-copilot]
                device_url = "%1$s/login/device/code"
                token_url = "%1$s/login/oauth/access_token"
                copilot_token_url = "%1$s/copilot_internal/v2/token"
                """.formatted(oauth.root()));
    }

    @AfterEach
    void stop() throws Exception {
        for (AutoCloseable closeable : closing) {
            closeable.close();
        }
        oauth.close();
    }

    InteractiveProcess login(String... args) throws Exception {
        List<String> all = new ArrayList<>(List.of("auth", "login"));
        all.addAll(List.of(args));
        InteractiveProcess process = InteractiveProcess.start(home, Map.of(), all.toArray(String[]::new));
        closing.add(process);
        return process;
    }

    /** @return every secret value credentials.toml holds, in file order (the file is written by openpista: one key per line) */
    List<String> storedSecrets() throws Exception {
        List<String> secrets = new ArrayList<>();
        Matcher line = Pattern.compile("(?m)^(api_key|access_token|refresh_token|id_token) = \"((?:[^\"\\\\]|\\\\.)*)\"$")
                .matcher(Files.readString(home.resolve("credentials.toml")));
        while (line.find()) {
            secrets.add(line.group(2).replace("\\\"", "\"").replace("\\\\", "\\"));
        }
        return secrets;
    }

    void assertPrivate() throws Exception {
        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(home.resolve("credentials.toml"))))
                .isEqualTo("rw-------");
    }

    @Test
    void openAiBrowserLoginThenStatusShowsItWithoutSecrets() throws Exception {
        InteractiveProcess login = login("openai", "--no-browser");
        String url = login.awaitLine(line -> line.startsWith("http"), STEP);
        assertThat(url).startsWith(oauth.authorizeUrl().toString()).contains("code_challenge_method=S256").contains("state=");

        HttpResponse<String> page = browser.send(HttpRequest.newBuilder(URI.create(url)).build(), HttpResponse.BodyHandlers.ofString());
        Result result = login.finish(STEP);

        assertThat(page.body()).contains("Login received");
        assertThat(result.exitCode()).as(result.toString()).isZero();
        assertThat(result.stdout()).contains("Logged in to openai as " + FakeOAuthServer.DEFAULT_EMAIL);
        assertPrivate();
        List<String> secrets = storedSecrets();
        assertThat(secrets).anySatisfy(secret -> assertThat(secret).startsWith("sk-proj-fake-"));
        assertThat(result.stdout() + result.stderr()).doesNotContain(secrets);

        Result status = DistributionProcess.run(home, Map.of(), "auth", "status");

        assertThat(status.exitCode()).as(status.toString()).isZero();
        assertThat(status.stdout()).containsPattern("openai +oauth +" + Pattern.quote(FakeOAuthServer.DEFAULT_EMAIL)
                + " +never +credentials.toml");
        assertThat(status.stdout() + status.stderr()).doesNotContain(secrets);
    }

    @Test
    void anthropicPastedCodeLoginThenATurnSendsTheBearerTokenWithTheOauthBeta() throws Exception {
        InteractiveProcess login = login("claude", "--no-browser");
        String url = login.awaitLine(line -> line.startsWith("http"), STEP);
        String page = browser.send(HttpRequest.newBuilder(URI.create(url)).build(), HttpResponse.BodyHandlers.ofString()).body();
        Matcher code = Pattern.compile("<code id=\"code\">([^<]+)</code>").matcher(page);
        assertThat(code.find()).as(page).isTrue();

        login.type(code.group(1));
        Result result = login.finish(STEP);

        assertThat(result.exitCode()).as(result.toString()).isZero();
        assertThat(result.stdout()).contains("Logged in to anthropic");
        assertPrivate();

        try (FakeAnthropicServer anthropic = new FakeAnthropicServer()) {
            anthropic.enqueue(FakeReply.text("Hello with a subscription."));
            Files.writeString(home.resolve("config.toml"), Files.readString(home.resolve("config.toml"))
                    .replace("provider = \"openai\"", "provider = \"anthropic\"\nbase_url = \"" + anthropic.baseUrl() + "\""));

            Result turn = DistributionProcess.run(home, Map.of(), "run", "-e", "hi");

            assertThat(turn.exitCode()).as(turn.toString()).isZero();
            assertThat(turn.stdout()).isEqualTo("Hello with a subscription.\n");
            RecordedRequest request = anthropic.lastRequest();
            assertThat(request.header("authorization")).startsWith("Bearer ");
            assertThat(oauth.isIssuedAccessToken(request.header("authorization").substring(7))).isTrue();
            assertThat(request.header("anthropic-beta")).isEqualTo("oauth-2025-04-20");
            assertThat(request.header("x-api-key")).isNull();
        }
    }

    @Test
    void aPastedCodeOfAnotherLoginFails() throws Exception {
        InteractiveProcess login = login("anthropic", "--no-browser");
        login.awaitLine(line -> line.startsWith("http"), STEP);

        login.type("code-made-up#not-the-state");
        Result result = login.finish(STEP);

        assertThat(result.exitCode()).as(result.toString()).isEqualTo(1);
        assertThat(result.stderr()).contains("state").doesNotContain("Exception");
        assertThat(home.resolve("credentials.toml")).doesNotExist();
    }

    @Test
    void openRouterCallbackIsExchangedForAKey() throws Exception {
        InteractiveProcess login = login("--provider", "openrouter", "--no-browser");
        String url = login.awaitLine(line -> line.startsWith("http"), STEP);

        browser.send(HttpRequest.newBuilder(URI.create(url)).build(), HttpResponse.BodyHandlers.ofString());
        Result result = login.finish(STEP);

        assertThat(result.exitCode()).as(result.toString()).isZero();
        assertThat(storedSecrets()).singleElement().asString().startsWith("sk-or-v1-fake-");
    }

    @Test
    void copilotDeviceLoginThenATurnUsesTheCopilotToken() throws Exception {
        try (FakeOpenAiServer copilot = new FakeOpenAiServer()) {
            oauth.copilotApi(copilot.baseUrl());
            InteractiveProcess login = login("github-copilot", "--no-browser");
            String verification = login.awaitLine(line -> line.startsWith("http"), STEP);
            String code = login.awaitLine(line -> line.contains("code:"), STEP).replaceAll(".*code: *", "").strip();

            browser.send(HttpRequest.newBuilder(URI.create(verification + "?user_code=" + code)).build(),
                    HttpResponse.BodyHandlers.ofString());
            Result result = login.finish(STEP);

            assertThat(result.exitCode()).as(result.toString()).isZero();
            assertThat(result.stdout()).contains("Logged in to GitHub Copilot");

            copilot.enqueue(FakeReply.text("Hello from Copilot."));
            Files.writeString(home.resolve("config.toml"), Files.readString(home.resolve("config.toml"))
                    .replace("provider = \"openai\"", "provider = \"github-copilot\""));
            Result turn = DistributionProcess.run(home, Map.of(), "run", "-e", "hi");

            assertThat(turn.exitCode()).as(turn.toString()).isZero();
            assertThat(turn.stdout()).isEqualTo("Hello from Copilot.\n");
            assertThat(copilot.lastRequest().header("authorization")).startsWith("Bearer tid=");
            assertThat(copilot.lastRequest().header("copilot-integration-id")).isEqualTo("vscode-chat");
        }
    }

    @Test
    void keysForScriptsStatusAndLogout() throws Exception {
        Result saved = DistributionProcess.run(home, Map.of(), "auth", "login", "--non-interactive", "--provider", "together",
                "--api-key", "tk-script-key-123456");
        Result piped = DistributionProcess.run(home, Map.of(), "az-piped-key-654321\n", Duration.ofSeconds(90),
                "auth", "login", "azure-openai", "--endpoint", "https://me.openai.azure.com");
        Result status = DistributionProcess.run(home, Map.of("GOOGLE_API_KEY", "AIza-env-key-777"), "auth", "status");

        assertThat(saved.exitCode()).as(saved.toString()).isZero();
        assertThat(piped.exitCode()).as(piped.toString()).isZero();
        assertPrivate();
        assertThat(storedSecrets()).containsExactly("tk-script-key-123456", "az-piped-key-654321");
        assertThat(status.stdout()).containsPattern("together +api_key +- +never +credentials.toml")
                .containsPattern("azure-openai +api_key").containsPattern("google +api_key .*GOOGLE_API_KEY")
                .containsPattern("anthropic +not logged in");
        assertThat(saved.stdout() + saved.stderr() + piped.stdout() + piped.stderr() + status.stdout() + status.stderr())
                .doesNotContain("tk-script-key-123456", "az-piped-key-654321", "AIza-env-key-777");

        Result logout = DistributionProcess.run(home, Map.of(), "auth", "logout", "--provider", "together");
        Result again = DistributionProcess.run(home, Map.of(), "auth", "logout", "--all");

        assertThat(logout.stdout()).contains("Removed the stored together login.");
        assertThat(again.stdout()).contains("Removed the stored azure-openai login.");
        assertThat(storedSecrets()).isEmpty();
    }

    @Test
    void withoutProviderItAsksWhichAndReadsTheKeyFromStandardInput() throws Exception {
        Result result = DistributionProcess.run(home, Map.of(), "vercel-ai-gateway\nvk-picked-key-31337\n", Duration.ofSeconds(90),
                "auth", "login");

        assertThat(result.exitCode()).as(result.toString()).isZero();
        assertThat(result.stdout()).contains("Log in to which provider?").containsPattern(" 1\\) openai ")
                .contains("GitHub Copilot [device code]").contains("Saved the API key for Vercel AI Gateway")
                .doesNotContain("vk-picked-key-31337");
        assertThat(storedSecrets()).containsExactly("vk-picked-key-31337");
    }

    @Test
    void statusSaysWhereTheWorkingCredentialComesFrom() throws Exception {
        Files.writeString(home.resolve("config.toml"), Files.readString(home.resolve("config.toml"))
                .replace("provider = \"openai\"", "provider = \"together\"\napi_key = \"tk-in-the-file-1\""));
        DistributionProcess.run(home, Map.of(), "auth", "login", "--non-interactive", "--provider", "anthropic", "--api-key",
                "sk-ant-stored-2");

        Result file = DistributionProcess.run(home, Map.of(), "auth", "status");
        Result environment = DistributionProcess.run(home, Map.of("TOGETHER_API_KEY", "tk-env-3", "ANTHROPIC_API_KEY",
                "sk-ant-env-4"), "auth", "status");

        assertThat(file.exitCode()).as(file.toString()).isZero();
        assertThat(file.stdout()).containsPattern("together +api_key +- +never +config.toml")
                .containsPattern("anthropic +api_key +- +never +credentials.toml")
                .containsPattern("openai +not logged in").contains("In use: provider together, key from config.toml");
        assertThat(environment.stdout()).containsPattern("together +api_key +- +never +TOGETHER_API_KEY \\(environment\\)")
                .containsPattern("anthropic +api_key .*ANTHROPIC_API_KEY \\(environment\\)")
                .contains("note: the stored anthropic login is not used while ANTHROPIC_API_KEY is set");
        assertThat(file.stdout() + file.stderr() + environment.stdout() + environment.stderr())
                .doesNotContain("tk-in-the-file-1", "sk-ant-stored-2", "tk-env-3", "sk-ant-env-4");
    }

    @Test
    void helpSummariesStandAloneAndTheLoginHelpIsWhole() throws Exception {
        Result overview = DistributionProcess.run(home, Map.of(), "--help");
        Result auth = DistributionProcess.run(home, Map.of(), "auth", "--help");
        Result login = DistributionProcess.run(home, Map.of(), "auth", "login", "--help");

        assertThat(overview.stdout()).containsPattern("(?m)^ +auth +Provider logins: log in, see where credentials come from, "
                + "log out\\.$");
        assertThat(overview.stderr()).isEmpty();
        assertThat(auth.exitCode()).isZero();
        assertThat(auth.stdout().replaceAll("\\s+", " ")).contains("A login is OAuth in the browser (OpenAI, Anthropic, "
                + "OpenRouter), a device code (GitHub Copilot) or an API key.");
        assertThat(login.exitCode()).isZero();
        assertThat(login.stdout()).contains("--non-interactive").contains("--no-browser").contains("--endpoint");
    }

    @Test
    void onATerminalTheProviderIsPickedWithTheArrowKeysOrByTypingPartOfItsName() throws Exception {
        assumeTrue(Files.isExecutable(Path.of("/usr/bin/tmux")) || "all".equals(System.getenv("OPENPISTA_IT_REQUIRE")),
                "tmux is needed to drive openpista on a terminal");
        try (Tmux terminal = Tmux.start(home, DistributionProcess.dist().resolve("bin/openpista") + " auth login")) {
            terminal.await("> openai");
            terminal.keys("Down", "Down", "Down", "Down");
            assertThat(terminal.await("> together")).contains("Together AI [API key]").contains("GitHub Copilot [device code]");
            terminal.keys("Enter");
            terminal.await("API key for Together AI:");
            terminal.type("tk-picked-on-a-tty-1");
            terminal.keys("Enter");
            assertThat(terminal.await("EXIT 0")).contains("Saved the API key for Together AI")
                    .doesNotContain("tk-picked-on-a-tty-1");
        }
        try (Tmux terminal = Tmux.start(home, DistributionProcess.dist().resolve("bin/openpista") + " auth login")) {
            terminal.await("> openai");
            terminal.type("gateway");
            terminal.await("> vercel-ai-gateway");
            terminal.keys("Enter");
            terminal.await("API key for Vercel AI Gateway:");
            terminal.type("vk-searched-2");
            terminal.keys("Enter");
            terminal.await("EXIT 0");
        }
        try (Tmux terminal = Tmux.start(home, DistributionProcess.dist().resolve("bin/openpista") + " auth login")) {
            terminal.await("> openai");
            terminal.keys("Escape");
            assertThat(terminal.await("EXIT 1")).contains("no provider chosen");
        }
        assertThat(storedSecrets()).containsExactly("tk-picked-on-a-tty-1", "vk-searched-2");
    }

    /** A command on a terminal of its own: a detached tmux session whose screen the test reads and types into. */
    static final class Tmux implements AutoCloseable {
        private final String socket;

        private Tmux(String socket) {
            this.socket = socket;
        }

        /** Runs the command in a 120×40 terminal; the pane stays with "EXIT status" once it ends. */
        static Tmux start(Path home, String command) throws Exception {
            Tmux tmux = new Tmux("openpista-it-" + ProcessHandle.current().pid() + "-" + System.nanoTime());
            tmux.tmux(home, "new-session", "-d", "-x", "120", "-y", "40", "-s", "it",
                    command + "; echo EXIT $?; sleep 600");
            return tmux;
        }

        private String tmux(Path home, String... arguments) throws IOException, InterruptedException {
            List<String> command = new ArrayList<>(List.of("tmux", "-L", socket, "-f", "/dev/null"));
            command.addAll(List.of(arguments));
            ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true);
            DistributionProcess.clean(builder.environment());
            builder.environment().remove("TMUX");
            if (home != null) {
                builder.environment().put("OPENPISTA_HOME", home.toString());
            }
            Process process = builder.start();
            String output = new String(process.getInputStream().readAllBytes(), java.nio.charset.StandardCharsets.UTF_8);
            assertThat(process.waitFor(30, TimeUnit.SECONDS)).isTrue();
            return output;
        }

        String screen() throws Exception {
            return tmux(null, "capture-pane", "-p", "-t", "it");
        }

        /** @return the screen once it shows the text */
        String await(String text) throws Exception {
            long deadline = System.nanoTime() + STEP.toNanos();
            String screen = screen();
            while (!screen.contains(text)) {
                if (System.nanoTime() > deadline) {
                    throw new AssertionError("the terminal never showed \"" + text + "\":\n" + screen);
                }
                Thread.sleep(100);
                screen = screen();
            }
            return screen;
        }

        void keys(String... keys) throws Exception {
            List<String> arguments = new ArrayList<>(List.of("send-keys", "-t", "it"));
            arguments.addAll(List.of(keys));
            tmux(null, arguments.toArray(String[]::new));
        }

        void type(String text) throws Exception {
            tmux(null, "send-keys", "-t", "it", "-l", text);
        }

        @Override
        public void close() throws IOException {
            try {
                tmux(null, "kill-server");
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }

    @Test
    void aKeyTypedOnATerminalIsNotEchoed() throws Exception {
        assumeTrue(Files.isExecutable(Path.of("/usr/bin/script")) || "all".equals(System.getenv("OPENPISTA_IT_REQUIRE")),
                "util-linux script is needed to give openpista a terminal");
        String command = DistributionProcess.dist().resolve("bin/openpista") + " auth login together";
        ProcessBuilder builder = new ProcessBuilder(List.of("script", "-qec", command, "/dev/null"));
        DistributionProcess.clean(builder.environment());
        builder.environment().put("OPENPISTA_HOME", home.toString());
        Process process = builder.start();
        closing.add(process::destroyForcibly);
        StringBuffer screen = new StringBuffer();
        Thread reader = new Thread(() -> {
            try {
                byte[] buffer = new byte[4096];
                for (int n = process.getInputStream().read(buffer); n >= 0; n = process.getInputStream().read(buffer)) {
                    screen.append(new String(buffer, 0, n, java.nio.charset.StandardCharsets.UTF_8));
                }
            } catch (java.io.IOException gone) {
                // the terminal closed
            }
        });
        reader.start();
        // type only once the prompt is up: a real user does, and echo is off only while the key is read
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
        while (!screen.toString().contains("API key for Together AI:") && System.nanoTime() < deadline) {
            Thread.sleep(20);
        }
        process.getOutputStream().write("tk-typed-secret-424242\n".getBytes());
        process.getOutputStream().flush();
        assertThat(process.waitFor(60, TimeUnit.SECONDS)).isTrue();
        reader.join(10_000);
        String terminal = screen.toString();

        assertThat(process.exitValue()).as(terminal).isZero();
        assertThat(terminal).contains("API key for Together AI:").contains("Saved the API key")
                .doesNotContain("tk-typed-secret-424242");
        assertThat(storedSecrets()).containsExactly("tk-typed-secret-424242");
    }

    @Test
    void aCredentialsFileOthersCanReadIsRefusedWithTheFix() throws Exception {
        DistributionProcess.run(home, Map.of(), "auth", "login", "--non-interactive", "--provider", "openai",
                "--api-key", "sk-stored-111111");
        Files.setPosixFilePermissions(home.resolve("credentials.toml"), PosixFilePermissions.fromString("rw-r--r--"));

        Result status = DistributionProcess.run(home, Map.of(), "auth", "status");
        Result turn = DistributionProcess.run(home, Map.of(), "run", "-e", "hi");

        String fix = "chmod 600 " + home.resolve("credentials.toml");
        assertThat(status.exitCode()).isEqualTo(1);
        assertThat(status.stderr()).contains(fix).doesNotContain("sk-stored-111111");
        assertThat(turn.exitCode()).isEqualTo(2);
        assertThat(turn.stderr()).contains(fix);
    }

    @Test
    void nonInteractiveWithoutProviderIsAUsageError() throws Exception {
        Result result = DistributionProcess.run(home, Map.of(), "auth", "login", "--non-interactive");

        assertThat(result.exitCode()).isEqualTo(2);
        assertThat(result.stderr()).contains("--provider");
    }
}
